"""Publishing: placeholders, the production build, base URLs, hashed assets and `_headers`.

What CI and the shop rely on: a value the shop has not supplied is visible on every run and
never published; a base URL that would break links or sitemap.xml is refused with the
place to fix it (site.yaml:line, or the command line); asset names change exactly when
their bytes do; `_headers` gives every file one cache lifetime and the tested CSP.
"""

from __future__ import annotations

import fnmatch
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import Site, copy_built, snapshot
from test_serve import start_preview, stop_preview

from helpcenter.pipeline import check_site
from helpcenter.problems import BuildFailed
from helpcenter.render.assets import fingerprint, hashed_name
from helpcenter.write.headers import CONTENT_SECURITY_POLICY

REAL_URL = "https://milamore-shop.github.io/help/"


def line_of(site: Site, relative: str, text: str) -> int:
    lines = site.read(relative).splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


def fill_in_contact(site: Site) -> None:
    site.replace("site.yaml", "email: support@milamore.example  # placeholder",
                  "email: help@milamore-shop.jp")


# --- Placeholders ----------------------------------------------------------------------------

def test_every_build_and_check_names_each_placeholder_with_its_line(sample_site: Site) -> None:
    site = sample_site
    base, email = (line_of(site, "site.yaml", "base_url:"), line_of(site, "site.yaml", "email:"))
    for result in (site.build(), site.run("check"), site.run("check", "--strict"),
                   site.run("--quiet", "build", "--out", str(site.out))):
        assert result.code == 0, result.stderr
        assert result.placeholders == [
            f"site.yaml:{base}: placeholder: base_url 'https://help.milamore.example/' is not "
            "the shop's real value yet (write the real value and delete the '# placeholder' "
            "comment after it, or give the published address with --base-url; build.py "
            "--production refuses to publish until then)",
            f"site.yaml:{email}: placeholder: contact.email 'support@milamore.example' is not "
            "the shop's real value yet (write the real value and delete the '# placeholder' "
            "comment after it; build.py --production refuses to publish until then)"]
    # Published as it is until the shop sends the real one: the page uses the value.
    assert "mailto:support@milamore.example" in site.page("en/receipts/index.html")


def test_check_strict_still_fails_on_an_editors_warning(site: Site) -> None:
    site.replace("content/en/receipts.md", "\n\n", "\n\nShipping costs ¥1,000.\n\n")
    result = site.run("check", "--strict")
    assert result.code == 1
    assert "check --strict failed: 1 warning." in result.stderr


@pytest.mark.parametrize(("old", "new", "key", "value"), [
    ("shop_name: Milamore", "shop_name: Milamore  # placeholder", "shop_name", "Milamore"),
    ("    title: Milamore Help Center",
     "    title: Milamore Help Center # PLACEHOLDER: the shop has to confirm the name",
     "languages.1.title", "Milamore Help Center"),
    ("  - id: payment", "  - id: payment   #placeholder", "categories.1.id", "payment"),
])
def test_any_value_can_be_marked_and_production_refuses_it(site: Site, old: str, new: str,
                                                            key: str, value: str) -> None:
    fill_in_contact(site)
    site.replace("site.yaml", old, new)
    line = line_of(site, "site.yaml", new.strip())
    assert any(notice.startswith(f"site.yaml:{line}: placeholder: {key} '{value}' is not the "
                                 "shop's real value yet") for notice in site.build().placeholders)
    result = site.build("--production", "--base-url", REAL_URL)
    assert result.code == 1
    assert result.problems == [
        f"site.yaml:{line}: {key} is still a placeholder ('{value}') and cannot be "
        "published (write the real value and delete the '# placeholder' comment after it; "
        "build.py --production refuses to publish until then)"]


def test_production_refuses_the_real_sites_placeholders_and_keeps_the_last_site(
        built_site: Site, tmp_path: Path) -> None:
    site = copy_built(built_site, tmp_path / "site")
    before = snapshot(site.out)
    assert before
    result = site.build("--production")
    assert result.code == 1
    assert [p.split(":")[:2] for p in result.problems] == [
        ["site.yaml", str(line_of(site, "site.yaml", "base_url:"))],
        ["site.yaml", str(line_of(site, "site.yaml", "email:"))]]
    assert "Traceback" not in result.stderr
    assert snapshot(site.out) == before
    # With the address given by CI, only the contact address is left to fill in.
    result = site.build("--production", "--base-url", REAL_URL)
    assert [p.split(": ")[1] for p in result.problems] == [
        "contact.email is still a placeholder ('support@milamore.example') and cannot be "
        "published (write the real value and delete the '# placeholder' comment after it; "
        "build.py --production refuses to publish until then)"]
    assert site.run("check", "--production", "--base-url", REAL_URL).code == 1


def test_production_builds_once_every_value_is_real(site: Site) -> None:
    fill_in_contact(site)
    result = site.build("--production", "--base-url", REAL_URL)
    assert result.code == 0, result.stderr
    assert "placeholder" not in result.stderr
    assert '<link rel="canonical" href="https://milamore-shop.github.io/help/en/receipts/">' \
        in site.page("en/receipts/index.html")


@pytest.mark.parametrize("comment", ["placehodler", "placeholer", "Place-holder",
                                     "placeholdr"])
def test_a_misspelt_placeholder_mark_is_an_error_with_its_line(site: Site, comment: str) -> None:
    site.replace("site.yaml", "support@milamore.example  # placeholder",
                 f"support@milamore.example  # {comment}")
    result = site.run("check")
    assert result.code == 1
    assert result.problems == [
        f"site.yaml:{line_of(site, 'site.yaml', 'email:')}: the comment '# {comment}' after "
        "contact.email looks like a misspelt '# placeholder' (write '# placeholder' if the "
        "shop has not supplied this value yet, or reword the comment)"]


def test_other_comments_are_only_comments(site: Site) -> None:
    site.replace("site.yaml", "support@milamore.example  # placeholder",
                 "support@milamore.example  # the address on the shop's receipts")
    site.replace("site.yaml", "shop_name: Milamore", "shop_name: Milamore # place of business")
    result = site.run("check")
    assert result.code == 0, result.stderr
    assert [line.split(": placeholder: ")[1].split()[0] for line in result.placeholders] == [
        "base_url"]


@pytest.mark.parametrize("url", [
    "https://help.milamore.example/", "https://help.example.com/faq/", "http://milamore.jp/",
    "https://localhost:8443/", "https://127.0.0.1/help/", "https://shop.test/",
])
def test_production_needs_a_real_https_address(sample_site: Site, url: str) -> None:
    site = sample_site
    fill_in_contact(site)
    result = site.build("--production", "--base-url", url)
    assert result.code == 1
    assert len(result.problems) == 1
    assert result.problems[0].startswith(f"command line: --base-url: the production base URL "
                                         f"'{url}' ")
    # The same address in site.yaml, without the mark, is reported at its line there.
    site.replace("site.yaml", "base_url: https://help.milamore.example/  # placeholder",
                 f"base_url: {url}")
    result = site.build("--production")
    assert result.problems[0].startswith(
        f"site.yaml:{line_of(site, 'site.yaml', 'base_url:')}: the production base URL")


# --- Base URLs -------------------------------------------------------------------------------

BAD_BASE_URLS = [
    ("https://example.org/help/?lang=ja", "has a query string ('?lang=ja')"),
    ("https://example.org/help/#top", "has a fragment ('#top')"),
    ('https://example.org/"help"/', "contains a double quote"),
    ("https://example.org/it's/", "contains a single quote"),
    ("https://example.org/<b>/", "contains '<'"),
    ("https://example.org/help center/", "contains a space or an invisible character"),
    ("ftp://example.org/help/", "does not start with https://"),
    ("https://user:secret@example.org/", "contains a user name or password"),
    ("https://example.org:99999/", "has a port that is not a number"),
    ("https://example.org/%zz/", "has a '%' that is not followed by two hex digits"),
    ("https://example.org/ヘルプ/", "contains characters other than ASCII"),
]


@pytest.mark.parametrize(("url", "problem"), BAD_BASE_URLS)
def test_a_bad_base_url_on_the_command_line_is_reported_there(built_sample: Site, tmp_path: Path,
                                                               url: str, problem: str) -> None:
    site = copy_built(built_sample, tmp_path / "site")
    before = snapshot(site.out)
    assert before
    result = site.build("--base-url", url)
    assert result.code == 1
    assert "Traceback" not in result.stderr
    assert any(p.startswith("command line: --base-url: the base URL") and problem in p
               for p in result.problems), result.stderr
    assert not any(p.startswith("site.yaml") for p in result.problems)
    assert snapshot(site.out) == before


@pytest.mark.parametrize(("url", "problem"), BAD_BASE_URLS[:4])
def test_a_bad_base_url_in_site_yaml_is_reported_at_its_line(sample_site: Site, url: str,
                                                             problem: str) -> None:
    site = sample_site
    quoted = url.replace('"', '\\"')
    site.replace("site.yaml", "base_url: https://help.milamore.example/  # placeholder",
                 f'base_url: "{quoted}"')
    result = site.run("check")
    assert result.code == 1
    line = line_of(site, "site.yaml", "base_url:")
    assert any(p.startswith(f"site.yaml:{line}: the base URL") and problem in p
               for p in result.problems), result.stderr


@pytest.mark.parametrize("url", ["https://example.org/help&faq/", "https://example.org/~shop/",
                                 "https://example.org:8443/a;b/", "http://127.0.0.1:8000/help_2/"])
def test_the_sitemap_is_well_formed_xml_for_any_accepted_base_url(sample_site: Site,
                                                                  url: str) -> None:
    site = sample_site
    assert site.build("--base-url", url).code == 0
    tree = ET.parse(site.out / "sitemap.xml")
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = [loc.text for loc in tree.getroot().findall("s:url/s:loc", namespace)]
    assert f"{url}ja/receipts/" in locations
    assert all(location.startswith(url) for location in locations)
    assert f"Sitemap: {url}sitemap.xml" in (site.out / "robots.txt").read_text("utf-8")


# --- Hashed asset names ----------------------------------------------------------------------

def asset_names(root: Path) -> dict[str, str]:
    """{style.css: style.<hash>.css} of a build of `root`, made in memory."""
    names = [path.removeprefix("assets/") for path in check_site(root)[1].files
             if path.startswith("assets/")]
    return {re.sub(r"\.[0-9a-f]{10}\.", ".", name): name for name in names}


def test_asset_names_change_when_and_only_when_their_bytes_change(site: Site) -> None:
    first = asset_names(site.root)
    assert set(first) == {"calculator-core.js", "calculator-ui.js", "favicon.svg",
                          "language.js", "search.js", "search-query.js", "style.css",
                          "home.css", "answer.css", "calculator.css", "search.css",
                          "ui-strings.js"}
    assert asset_names(site.root) == first  # a rebuild keeps every name

    site.replace("theme/static/language.js", "\n", "\n// a comment, not shipped\n")
    assert asset_names(site.root) == first  # the shipped bytes did not change

    site.replace("theme/static/style.css", "}", "}\n.new-rule { color: red; }", )
    second = asset_names(site.root)
    assert {name for name in first if first[name] != second[name]} == {"style.css"}

    site.replace("theme/static/favicon.svg", "<svg", "<svg data-version=\"2\"")
    third = asset_names(site.root)
    assert {name for name in first if second[name] != third[name]} == {"favicon.svg"}

    # A module's new name reaches the scripts that import it, and only them.
    site.replace("theme/static/ui-strings.js", "export", "export const version = 2;\nexport")
    fourth = asset_names(site.root)
    assert {name for name in first if third[name] != fourth[name]} == {
        "ui-strings.js", "calculator-ui.js", "search.js"}


def test_pages_and_scripts_refer_to_the_hashed_names(built_site: Site) -> None:
    shipped = {p.name for p in (built_site.out / "assets").iterdir()}
    ui = next(name for name in shipped if name.startswith("calculator-ui."))
    script = (built_site.out / "assets" / ui).read_text("utf-8")
    imported = set(re.findall(r'from"\./([^"]+)"', script))
    assert imported and imported <= shipped
    html = built_site.page("ja/shipping-cost/index.html")
    linked = set(re.findall(r'/assets/([^"]+)"', html))
    assert linked and linked <= shipped
    assert "pagefind-entry.json" in {p.name for p in (built_site.out / "pagefind").iterdir()}


# --- _headers --------------------------------------------------------------------------------

def header_rules(text: str) -> list[tuple[str, dict[str, str]]]:
    rules: list[tuple[str, dict[str, str]]] = []
    for line in text.splitlines():
        if line.startswith("/"):
            rules.append((line, {}))
        elif line.startswith("  "):
            name, value = line.strip().split(": ", 1)
            rules[-1][1][name] = value
    return rules


def served_paths(folder: Path) -> list[str]:
    """Every address a browser may ask for: each file, and each folder's index."""
    files = [p.relative_to(folder).as_posix() for p in folder.rglob("*")
             if p.is_file() and not p.name.startswith(".") and p.name != "_headers"]
    return ["/" + f for f in files] + ["/" + f.removesuffix("index.html") for f in files
                                       if f.endswith("index.html")]


def test_headers_give_every_file_one_cache_lifetime_and_the_tested_policy(
        built_site: Site) -> None:
    rules = header_rules(built_site.page("_headers"))
    assert rules[0] == ("/*", {"Content-Security-Policy": CONTENT_SECURITY_POLICY,
                               "X-Content-Type-Options": "nosniff",
                               "Referrer-Policy": "strict-origin-when-cross-origin"})
    for path in served_paths(built_site.out):
        caches = [headers["Cache-Control"] for pattern, headers in rules
                  if "Cache-Control" in headers and fnmatch.fnmatchcase(path, pattern)]
        assert len(caches) == 1, (path, caches)
        hashed = path.startswith("/assets/") or path.startswith(("/pagefind/fragment/",
                                                                   "/pagefind/index/")) \
            or path.endswith(".pf_meta")
        expected = "public, max-age=31536000, immutable" if hashed \
            else "public, max-age=0, must-revalidate"
        assert caches == [expected], path
    assert re.search(r"^/assets/\*$", built_site.page("_headers"), re.M)


def test_the_browser_tests_use_the_published_policy() -> None:
    """The search pages are tested under the policy of _headers, imported, never retyped."""
    sys.path.insert(0, str(Path(__file__).parent / "browser"))
    try:
        import page_types  # tests/browser/page_types.py
    finally:
        sys.path.pop(0)
    assert page_types.WASM_CSP is CONTENT_SECURITY_POLICY
    for test in Path(__file__).parent.rglob("*.py"):
        assert "'wasm-unsafe-eval'\"" not in test.read_text("utf-8"), test


# --- The preview shows placeholders ----------------------------------------------------------

def test_the_preview_shows_each_placeholder_on_the_page_until_it_is_replaced(
        sample_site: Site) -> None:
    site = sample_site
    preview = start_preview(site)
    try:
        html = preview.page("/en/receipts/")
        banner = re.search(r'<aside class="milamore-preview-placeholders".*?</aside>', html, re.S)
        assert banner is not None
        assert f"site.yaml:{line_of(site, 'site.yaml', 'email:')}</code> contact.email: " \
               "<code>support@milamore.example</code>" in banner[0]
        assert "milamore-preview-placeholders" in preview.page("/ja/")
        fill_in_contact(site)
        preview.wait_until(lambda: "contact.email" not in (page := preview.page("/en/receipts/"))
                           and "base_url" in page, "the contact address to leave the banner")
    finally:
        stop_preview(preview)
    assert site.build().code == 0
    assert not any("milamore-preview" in path.read_text("utf-8")
                   for path in site.out.rglob("*.html"))


@pytest.mark.parametrize(("files", "expected"), [
    # A stylesheet's image, quoted or not, follows the image's new name.
    ({"assets/a.css": b"body{background:url(dot.svg)}", "assets/dot.svg": b"<svg/>"},
     {"assets/a.css": b"body{background:url(./dot.HASH.svg)}"}),
    ({"assets/a.css": b"i{background:url('dot.svg')}", "assets/dot.svg": b"<svg/>"},
     {"assets/a.css": b"i{background:url('./dot.HASH.svg')}"}),
    # Static and dynamic imports of another asset; an outside address is left alone.
    ({"assets/m.js": b'import"./d.js";const x=import("./d.js");import y from"/pagefind/p.js"',
      "assets/d.js": b"export default 1"},
     {"assets/m.js": b'import"./d.HASH.js";const x=import("./d.HASH.js");'
                     b'import y from"/pagefind/p.js"'}),
    # A name that is not one of the assets is not touched.
    ({"assets/m.js": b'import"./missing.js"'}, {"assets/m.js": b'import"./missing.js"'}),
])
def test_references_between_assets_use_the_hashed_names(files: dict[str, bytes],
                                                        expected: dict[str, bytes]) -> None:
    shipped, names = fingerprint(files)
    assert set(names) == set(files)
    for path, data in expected.items():
        assert re.sub(rb"\.[0-9a-f]{10}\.", b".HASH.", shipped[names[path]]) == data
        assert names[path] == hashed_name(path, shipped[names[path]])


def test_scripts_that_import_each_other_in_a_circle_are_an_error() -> None:
    with pytest.raises(BuildFailed) as failed:
        fingerprint({"assets/a.js": b'import"./b.js"', "assets/b.js": b'import"./a.js"'})
    assert [str(p) for p in failed.value.problems] == [
        "theme/static/a.js: scripts import each other in a circle: assets/a.js -> "
        "assets/b.js -> assets/a.js (let one of them stop importing the other)"]
