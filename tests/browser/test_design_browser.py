"""The design in Chromium: the dark theme (axe-core on every page type), Japanese lines that
break only between phrases, the printout, and the search boxes of the home and 404 pages
without JavaScript."""

from __future__ import annotations

from typing import Any

import pytest
from page_types import PAGE_CASES, address
from test_accessibility import axe_violations, open_kind

pytestmark = pytest.mark.browser

# Where each line of an element starts, and whether a <wbr> (a phrase boundary) is there.
# A phrase wider than the element may still wrap inside itself; that is reported apart.
_LINE_STARTS = """(element) => {
  const starts = [];
  let lastTop = null;
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let i = 0; i < node.data.length; i++) {
      const range = document.createRange();
      range.setStart(node, i); range.setEnd(node, i + 1);
      const box = range.getClientRects()[0];
      if (!box || node.data[i].trim() === '') continue;
      if (lastTop !== null && box.top > lastTop + 4) {
        const previous = i === 0 ? node.previousSibling : null;
        const atPhrase = i === 0 && previous !== null && previous.localName === 'wbr';
        const phrase = document.createRange();
        phrase.selectNodeContents(node);
        const tooWide = phrase.getBoundingClientRect().width > element.clientWidth;
        starts.push({ text: element.textContent.trim(), at: node.data.slice(i), atPhrase, tooWide });
      }
      lastTop = box.top;
    }
  }
  return starts;
}"""
_JAPANESE = "(element) => /[\\u3040-\\u30ff\\u4e00-\\u9fff]/.test(element.textContent)"
_BROKEN = "h1, h2, h3, .entry-list a, .popular a, .button, .feedback-button, .search-button"


@pytest.mark.parametrize(("kind", "lang"), PAGE_CASES)
def test_axe_finds_no_violation_in_the_dark_theme(open_page, root_site, kind: str,
                                                  lang: str) -> None:
    visit = open_kind(open_page, root_site, kind, lang, color_scheme="dark")
    background = visit.page.evaluate("() => getComputedStyle(document.documentElement).backgroundColor")
    red, green, blue = (int(part) for part in background.split("(")[1].split(")")[0].split(",")[:3])
    assert red + green + blue < 150, f"the page is not dark: {background}"
    violations = axe_violations(visit.page)
    assert not violations, "\n".join(violations)


@pytest.mark.parametrize("width", [320, 390, 1366])
@pytest.mark.parametrize("kind", ["home", "entry", "calculator", "404"])
def test_japanese_lines_break_only_between_phrases(open_page, root_site, kind: str,
                                                   width: int) -> None:
    visit = open_page(address(root_site, kind, "ja"),
                      viewport={"width": width, "height": 800}, bypass_csp=True)
    wrapped, inside_words = 0, []
    for element in visit.page.locator(_BROKEN).all():
        if not element.is_visible() or not element.evaluate(_JAPANESE):
            continue
        for start in element.evaluate(_LINE_STARTS):
            wrapped += 1
            if not start["atPhrase"] and not start["tooWide"]:
                inside_words.append(f"「{start['text']}」 breaks before 「{start['at']}」")
    assert inside_words == []
    if width == 320 and kind in {"home", "entry"}:
        assert wrapped > 0, "nothing wrapped: the test measured nothing"


def test_a_printed_answer_has_the_shop_name_its_address_and_the_contact(open_page,
                                                                        root_site) -> None:
    for lang in ("ja", "en"):
        url = root_site.url(f"{lang}/shipping-cost/")  # an answer that gives no address
        page = open_page(url).page
        page.emulate_media(media="print")
        assert page.locator(".brand-name").is_visible()
        assert page.locator(".brand-name").inner_text() == "Milamore"
        assert "support@milamore.example" not in page.locator("article").inner_text()
        assert page.locator(".contact-box").is_visible()
        assert "support@milamore.example" in page.locator(".contact-box").inner_text()
        address_line = page.locator(".print-only")
        assert address_line.is_visible()
        canonical = page.locator('link[rel="canonical"]').get_attribute("href")
        assert address_line.inner_text().strip() == canonical
        for part in (".site-search", ".languages", ".entry-aside", ".feedback",
                     ".footer-row a"):
            assert not page.locator(part).first.is_visible(), f"{part} is printed"
        page.emulate_media(media="screen")
        assert not address_line.is_visible(), "the address line is for print only"


def _search_from(page: Any, field: str, words: str) -> str:
    page.fill(field, words)
    with page.expect_navigation():
        page.press(field, "Enter")
    return page.url


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_home_page_search_box_works_without_javascript(open_page, root_site,
                                                           lang: str) -> None:
    page = open_page(root_site.url(f"{lang}/"), java_script_enabled=False).page
    assert page.locator("#site-search-q").count() == 0, "one search box on the home page"
    box = page.locator("#home-search-q").bounding_box()
    assert box is not None and box["height"] >= 48
    assert page.locator(".popular a").count() >= 3
    url = _search_from(page, "#home-search-q", "送料" if lang == "ja" else "returns")
    assert f"/{lang}/search/?q=" in url


def test_the_404_page_searches_in_each_language_without_javascript(open_page,
                                                                  root_site) -> None:
    for lang, words in (("ja", "返品"), ("en", "gift")):
        visit = open_page(address(root_site, "404", "ja"), java_script_enabled=False)
        assert visit.status == 404
        assert visit.page.locator(".site-header .brand svg").is_visible()
        url = _search_from(visit.page, f"#notfound-q-{lang}", words)
        assert f"/{lang}/search/?q=" in url
