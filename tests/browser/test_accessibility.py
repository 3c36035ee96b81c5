"""Accessibility of the real site in Chromium: axe-core, keyboard, focus, motion, zoom, print.

Every page type is checked in both languages: home, an entry (with its calculator widget,
after showing a result), the calculator (after showing a result in each of its tools),
search with results and with none, the bilingual 404 page and the root language chooser.

axe-core (node_modules/axe-core, package.json) is injected with `page.add_script_tag`, which
writes it into the page as an inline <script>: the fixtures' `Content-Security-Policy:
default-src 'self'` forbids that ("Executing inline script violates … default-src 'self'"),
so the pages axe checks open in contexts with `bypass_csp=True`. Search pages also get
Pagefind's worker served with the policy that allows WebAssembly (page_types.py), so that
they show real results. tests/browser/test_strict_csp.py and test_search.py check the pages
under their policies; this module checks what customers see and use.

Zoom. Chromium's page zoom of 200 % in a 1280-px-wide window lays the page out in a
640-CSS-px viewport with two device pixels per CSS pixel, and media queries see 640 px: a
context with `viewport` 640 x 400 and `device_scale_factor=2` is that same layout (sizes in
rem grow with it as they do with zoom). 320 CSS px is the width of WCAG's reflow criterion
(1280 px at 400 %) and of the smallest phones. At both, no page may scroll sideways and no
two controls may overlap.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from page_types import (
    PAGE_CASES,
    SEARCH_SETTLED,
    address,
    allow_webassembly,
    show_everything,
)

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# Every control that is on screen: links, buttons, fields.
_CONTROLS = """() => [...document.querySelectorAll(
  'a[href], button, input:not([type=hidden]), select, textarea, summary')]"""

_OVERLAPS = _CONTROLS + """.flatMap((element) => [...element.getClientRects()]
    .filter((box) => box.width > 0 && box.height > 0).map((box) => ({ element, box })))
  .flatMap((one, i, all) => all.slice(i + 1)
    .filter((two) => one.element !== two.element && !one.element.contains(two.element)
      && !two.element.contains(one.element)
      && Math.min(one.box.right, two.box.right) - Math.max(one.box.left, two.box.left) > 1
      && Math.min(one.box.bottom, two.box.bottom) - Math.max(one.box.top, two.box.top) > 1)
    .map((two) => `${one.element.outerHTML.slice(0, 70)} overlaps ${two.element.outerHTML.slice(0, 70)}`))"""

_FOCUS_STYLE = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  return { tag: element.localName, type: element.type || '', text: (element.textContent || element.name || '').trim().slice(0, 40),
           outlineStyle: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth),
           outlineColor: style.outlineColor, boxShadow: style.boxShadow };
}"""

_MOVING = """() => [...document.querySelectorAll('*')].flatMap((element) =>
  [null, '::before', '::after'].map((pseudo) => [element, pseudo, getComputedStyle(element, pseudo)]))
  .filter(([, , style]) => style.animationName !== 'none'
    || style.transitionDuration.split(',').some((d) => parseFloat(d) > 0))
  .map(([element, pseudo, style]) => `${element.localName}.${element.className}${pseudo || ''}: `
    + `animation ${style.animationName}, transition ${style.transitionDuration}`)"""


def open_kind(open_page: Callable[..., Any], site: Any, kind: str, lang: str,
              **context: Any) -> Any:
    # fr-FR: neither language of the site, so the root chooser stays instead of redirecting.
    visit = open_page(address(site, kind, lang), bypass_csp=True, prepare=allow_webassembly,
                      locale="fr-FR" if kind == "root" else "en-US", **context)
    show_everything(visit.page, kind)
    return visit


def axe_violations(page: Any) -> list[str]:
    if not AXE.is_file():
        pytest.fail(f"axe-core is missing ({AXE.relative_to(ROOT)}): run "
                    "`bash .ci/setup --browser` (it runs `npm ci`)", pytrace=False)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("() => axe.run(document, { resultTypes: ['violations'] })")
    return [f"{v['id']} ({v['impact']}): {v['help']} -> "
            + "; ".join(", ".join(node["target"]) for node in v["nodes"][:5])
            for v in result["violations"]]


# --- axe-core ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("kind", "lang"), PAGE_CASES)
def test_axe_finds_no_violation(open_page, root_site, kind: str, lang: str) -> None:
    visit = open_kind(open_page, root_site, kind, lang)
    if kind == "404":
        assert visit.status == 404
    if kind == "search-results":
        assert visit.page.locator("[data-search-list] li").count() > 0
    if kind == "search-empty":
        assert visit.page.locator("[data-search-empty]").is_visible()
    if kind in {"entry", "calculator"}:
        assert visit.page.locator("[data-result] p").count() >= 1
    violations = axe_violations(visit.page)
    assert not violations, "\n".join(violations)
    # The 404 page's own status is the one console error it is meant to cause.
    assert [p for p in visit.problems() if "status of 404" not in p] == []


def test_axe_catches_a_known_bad_page(serve, open_page, tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><title>Bad</title></head><body><main>'
        '<img src="ring.png"><form><input type="text" name="q"></form>'
        '<p style="color:#ccc;background:#fff">Faint text</p></main></body></html>',
        encoding="utf-8")
    visit = open_page(serve(tmp_path).url(), bypass_csp=True)
    found = "\n".join(axe_violations(visit.page))
    assert "image-alt" in found and "label" in found and "color-contrast" in found, found


# --- Keyboard only ----------------------------------------------------------------------------

def tab_until(page: Any, condition: str, limit: int = 40) -> None:
    """Press Tab until `condition` (JS, about document.activeElement) holds."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {{ const element = document.activeElement; return {condition}; }}"):
            return
    pytest.fail(f"Tab never reached: {condition}")


def test_keyboard_alone_searches_and_opens_an_answer(open_page, root_site) -> None:
    visit = open_page(root_site.url("en/shipping-cost/"), prepare=allow_webassembly)
    page = visit.page
    page.keyboard.press("Tab")
    skip = page.evaluate("() => document.activeElement.textContent")
    assert skip == "Skip to the answer"
    box = page.locator(".skip-link").bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0  # shown when focused

    tab_until(page, "element.id === 'site-search-q'")
    page.keyboard.type("gift wrap")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/en/search/\?q=gift"))
    page.wait_for_function(SEARCH_SETTLED, timeout=15_000)
    assert page.locator("[data-search]").get_attribute("data-state") == "results"
    tab_until(page, "!!element.closest('[data-search-list]')")
    assert page.evaluate("() => document.activeElement.getAttribute('href')").endswith(
        "/en/gift-wrapping/")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/en/gift-wrapping/$"))
    assert visit.problems() == []


def test_keyboard_alone_switches_language_on_the_same_question(open_page, root_site) -> None:
    visit = open_page(root_site.url("ja/delivery-time/"))
    page = visit.page
    tab_until(page, "element.matches('.languages a')")
    assert page.evaluate("() => document.activeElement.textContent") == "English"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/en/delivery-time/$"))
    tab_until(page, "element.matches('.languages a')")
    assert page.evaluate("() => document.activeElement.textContent") == "日本語"
    assert visit.problems() == []


def test_keyboard_alone_uses_every_calculator_tool(open_page, root_site) -> None:
    visit = open_page(root_site.url("en/calculator/"), timezone_id="Asia/Tokyo",
                      prepare=lambda page: page.clock.set_fixed_time("2026-06-10T12:00:00+09:00"))
    page = visit.page

    def result(tool: str) -> str:
        answer = page.locator(f'form[data-tool="{tool}"] [data-result]')
        answer.locator("p").first.wait_for()
        return answer.inner_text()

    tab_until(page, "element.id === 'ship-country'")
    page.keyboard.type("Outside")  # type-ahead in a closed <select>
    tab_until(page, "element.id === 'ship-card'")
    page.keyboard.type("JCB")
    tab_until(page, "element.textContent === 'Show the shipping cost'")
    page.keyboard.press("Enter")
    assert page.locator("#ship-country").input_value() == "other"
    shipping = result("shipping")
    assert "depend on the destination" in shipping and "JCB" in shipping and "PayPal" in shipping

    tab_until(page, "element.name === 'kind'")
    page.keyboard.press("ArrowDown")  # radio buttons: arrows move the choice
    assert page.locator("input[name=kind][value=made_to_order]").is_checked()
    tab_until(page, "element.textContent === 'Show when it ships'")
    page.keyboard.press("Enter")
    assert page.get_by_label("Payment date (date in Japan)").is_visible()
    assert "If you paid on Wednesday, June 10, 2026, your order should ship around early " \
        "August to early September 2026." in result("dispatch")

    tab_until(page, "element.name === 'reason'")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")  # the item has been worn
    tab_until(page, "element.name === 'gift'")
    page.keyboard.press("Space")
    assert page.locator("input[name=gift]").is_checked()
    tab_until(page, "element.textContent === 'Check my return'")
    page.keyboard.press("Enter")
    assert "can't accept a return or exchange in this case" in result("returns")
    assert visit.problems() == []


# --- Visible focus ----------------------------------------------------------------------------

@pytest.mark.parametrize("page_address", ["en/calculator/", "ja/returns-and-exchanges/"])
def test_every_control_shows_where_the_focus_is(open_page, root_site, page_address: str) -> None:
    page = open_page(root_site.url(page_address)).page
    seen: list[dict[str, Any]] = []
    for _ in range(120):
        page.keyboard.press("Tab")
        focused = page.evaluate(_FOCUS_STYLE)
        if focused["tag"] == "body" or (seen and focused == seen[0]):
            break  # went round
        seen.append(focused)
    kinds = {(f["tag"], f["type"]) for f in seen}
    expected = {("a", ""), ("button", "submit"), ("input", "search")}
    if "calculator" in page_address:
        expected |= {("select", "select-one"), ("input", "date"), ("input", "radio"),
                     ("input", "checkbox")}
    assert expected <= kinds, kinds
    invisible = [f for f in seen if not (
        (f["outlineStyle"] != "none" and f["outlineWidth"] >= 2)
        or f["boxShadow"] not in ("", "none"))]
    assert not invisible, invisible


# --- Motion -----------------------------------------------------------------------------------

def test_reduced_motion_is_respected(open_page, root_site) -> None:
    visit = open_page(root_site.url("en/"), reduced_motion="reduce", bypass_csp=True)
    page = visit.page
    assert page.evaluate("() => matchMedia('(prefers-reduced-motion: reduce)').matches")
    for kind in ("home", "entry", "calculator", "search-results"):
        visit.goto(address(root_site, kind, "en"))
        show_everything(page, kind)
        assert page.evaluate(_MOVING) == [], kind
        assert page.evaluate("() => getComputedStyle(document.documentElement).scrollBehavior") \
            == "auto"


# --- Small screens and zoom -------------------------------------------------------------------

@pytest.mark.parametrize(("viewport", "scale"), [({"width": 320, "height": 640}, 1),
                                                 ({"width": 640, "height": 400}, 2)],
                         ids=["320px", "zoom-200"])
def test_every_page_type_reflows_without_sideways_scrolling(open_page, root_site,
                                                             viewport: dict[str, int],
                                                             scale: int) -> None:
    visit = open_page(root_site.url("en/"), viewport=viewport, device_scale_factor=scale,
                      bypass_csp=True)
    page = visit.page
    failures = []
    for kind, lang in PAGE_CASES:
        if kind == "root":
            continue  # the chooser redirects this en-US browser; its layout is the 404's
        visit.goto(address(root_site, kind, lang))
        show_everything(page, kind)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if width > viewport["width"]:
            failures.append(f"{kind} {lang}: {width} px wide")
        failures += [f"{kind} {lang}: {clash}" for clash in page.evaluate(_OVERLAPS)]
    assert not failures, "\n".join(failures)


# --- Print ------------------------------------------------------------------------------------

def test_an_entry_prints_only_the_question_and_its_answer(open_page, root_site) -> None:
    page = open_page(root_site.url("en/returns-and-exchanges/")).page
    page.emulate_media(media="print")
    # The shop's name, the page's address and the contact are printed too
    # (test_design_browser.py); nothing to click is.
    for part in (".site-search", ".languages", ".breadcrumbs",
                 ".calculator-embed", "form[data-tool]", ".feedback", ".footer-row a"):
        assert page.locator(part).count() > 0, part
        assert not page.locator(part).first.is_visible(), f"{part} is printed"
    assert page.locator("article.entry h1").is_visible()
    answer = page.locator(".answer")
    assert answer.is_visible() and "We accept returns" in answer.inner_text()
    assert page.evaluate("() => getComputedStyle(document.body).color") == "rgb(0, 0, 0)"
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page\b", pdf))
    assert 1 <= pages <= 2, f"the answer prints on {pages} pages"
