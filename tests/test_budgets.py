"""Weight budgets of the built site: what a customer on a phone downloads to read an answer.

An entry page, with the HTML, CSS and JS it loads, weighs under 50 KB before compression
(the search index, loaded only when someone searches, is not counted), and so does the
calculator page; the other pages (home, search, 404, root) under half of that; the site uses the
system's fonts, never web fonts; every image says its size. The files a page loads are
found from the built HTML (tests/page_weight.py); tests/browser/test_requests.py checks in
Chromium that these are exactly the files the browser fetches, and that nothing is fetched
from another origin.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT, Site
from page_weight import BUDGET, PageWeight, weigh

FONT_FILES = {".woff", ".woff2", ".ttf", ".otf", ".eot"}


def html_pages(site: Site) -> list[str]:
    return sorted(p.relative_to(site.out).as_posix() for p in site.out.rglob("*.html"))


def entry_pages(site: Site) -> list[str]:
    """Every FAQ entry of every language (the pages that hold an <article class="entry">)."""
    return [page for page in html_pages(site) if '<article class="entry"' in site.page(page)]


def calculator_pages(site: Site) -> list[str]:
    return [page for page in html_pages(site) if page.endswith("/calculator/index.html")]


def test_every_entry_and_the_calculator_weigh_under_the_budget(built_site: Site) -> None:
    entries = entry_pages(built_site)
    assert len(entries) >= 18, entries  # nine questions in two languages
    weights = [weigh(built_site.out, page) for page in entries + calculator_pages(built_site)]
    heaviest = max(weights, key=lambda weight: weight.total)
    # The pages with the calculator are the heaviest: they carry its data and scripts.
    assert {re.sub(r"\.[0-9a-f]{10}\.", ".", name) for name in heaviest.files} >= {
        "assets/calculator-core.js", "assets/style.css"}
    over = [weight.describe() for weight in weights if weight.total >= BUDGET]
    assert not over, f"over {BUDGET:,} bytes:\n" + "\n".join(over)


def test_the_other_pages_are_light_too(built_site: Site) -> None:
    heavy = set(entry_pages(built_site) + calculator_pages(built_site))
    others = [weigh(built_site.out, page) for page in html_pages(built_site)
              if page not in heavy]
    assert {"index.html", "404.html", "en/index.html", "ja/search/index.html"} <= {
        weight.page for weight in others}
    over = [weight.describe() for weight in others if weight.total >= BUDGET / 2]
    assert not over, "home, search and 404 pages should stay small:\n" + "\n".join(over)


def test_the_weight_counts_the_modules_a_script_imports(tmp_path: Path) -> None:
    (tmp_path / "assets").mkdir()
    (tmp_path / "page.html").write_text(
        '<link rel="stylesheet" href="/assets/a.css"><script type="module" '
        'src="/assets/main.js"></script>', encoding="utf-8")
    (tmp_path / "assets/a.css").write_text("a{}", encoding="utf-8")
    (tmp_path / "assets/main.js").write_text(
        'import{x}from"./dep.js";const later=()=>import("./lazy.js");', encoding="utf-8")
    (tmp_path / "assets/dep.js").write_text('import "./deeper.js";export const x=1;',
                                            encoding="utf-8")
    (tmp_path / "assets/deeper.js").write_text("//" + "x" * 98, encoding="utf-8")
    (tmp_path / "assets/lazy.js").write_text("x" * 1000, encoding="utf-8")
    weight: PageWeight = weigh(tmp_path, "page.html")
    assert set(weight.files) == {"page.html", "assets/a.css", "assets/main.js",
                                 "assets/dep.js", "assets/deeper.js"}
    assert weight.files["assets/deeper.js"] == 100


def test_no_web_fonts(built_site: Site) -> None:
    out = built_site.out
    fonts = [p.name for p in out.rglob("*") if p.suffix.lower() in FONT_FILES]
    assert not fonts, f"font files in the build: {fonts}"
    for css in out.rglob("*.css"):
        text = css.read_text(encoding="utf-8")
        assert "@font-face" not in text and "@import" not in text, css
    for page in html_pages(built_site):
        html = built_site.page(page)
        assert not re.search(r'<link[^>]+as="font"|fonts\.(googleapis|gstatic)', html), page


def test_every_image_says_its_size(built_site: Site) -> None:
    """An <img> without width and height makes the text jump when it loads (layout shift)."""
    unsized = [(weight.page, image.get("src")) for page in html_pages(built_site)
               for weight in [weigh(built_site.out, page)] for image in weight.images
               if not (image.get("width") and image.get("height"))]
    assert not unsized, unsized


# --- Shipped scripts are minified: the same programs, without comments --------------------

_COMPARE = """
import * as source from %(source)s;
import * as shipped from %(shipped)s;
import { readFileSync } from "node:fs";
const data = JSON.parse(readFileSync(%(data)s, "utf8"));
const cases = [];
for (const country of ["JP", "US", "CA", "FR", "BR", "ZZ", "jp", "", "USA"])
  for (const card of [null, "visa", "jcb", "diners", "nope"])
    cases.push(["paymentOptions", data, { countryCode: country, cardBrand: card }],
               ["shippingFee", data, country]);
for (let day = 0; day < 400; day += 3) {
  const iso = new Date(Date.UTC(2026, 0, 1 + day)).toISOString().slice(0, 10);
  for (const kind of ["in_stock", "made_to_order", "mixed"]) cases.push(["shipByDate", data, iso, kind]);
  cases.push(["returnDeadline", data, iso]);
  cases.push(["returnEligibility", data, { arrivalDate: iso, today: "2026-06-30", reason: "wrong_item" }]);
}
const run = (module) => cases.map(([fn, ...args]) => JSON.stringify(module[fn](...args)));
const [a, b] = [run(source), run(shipped)];
const differ = a.filter((answer, i) => answer !== b[i]).length;
console.log(JSON.stringify({ cases: cases.length, differ, exports: [Object.keys(source), Object.keys(shipped)] }));
"""


def test_the_shipped_calculator_is_the_same_program_as_its_source(built_site: Site,
                                                                   tmp_path: Path) -> None:
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is needed to run the calculator's module: run "
                    "`bash .ci/setup --browser`", pytrace=False)
    source = ROOT / "theme/static/calculator-core.js"
    shipped, = (built_site.out / "assets").glob("calculator-core.*.js")
    assert shipped.stat().st_size < source.stat().st_size * 0.8  # comments are not shipped
    html = built_site.page("en/calculator/index.html")
    data = re.search(r'id="calculator-data">(.*?)</script>', html, re.S)
    assert data is not None
    (tmp_path / "data.json").write_text(data.group(1), encoding="utf-8")
    script = tmp_path / "compare.mjs"
    script.write_text(_COMPARE % {"source": json.dumps(source.as_uri()),
                                  "shipped": json.dumps(shipped.as_uri()),
                                  "data": json.dumps(str(tmp_path / "data.json"))},
                      encoding="utf-8")
    done = subprocess.run([node, str(script)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["cases"] > 500 and result["differ"] == 0, result
    assert result["exports"][0] == result["exports"][1]
