"""The root page: a bilingual chooser that works without JavaScript; with JavaScript it
sends a first-time visitor to their browser's language, and an explicit choice is never
undone by that redirect."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_without_javascript_the_root_page_offers_both_languages(open_page, root_site) -> None:
    visit = open_page(root_site.url(), java_script_enabled=False)
    page = visit.page
    assert page.url == root_site.url()
    page.get_by_role("link", name="日本語でヘルプセンターを見る").click()
    assert page.url == root_site.url("ja/")


@pytest.mark.parametrize(("browser_locale", "expected"), [("ja-JP", "ja/"), ("en-GB", "en/"),
                                                          ("fr-FR", None)])
def test_a_first_visit_goes_to_the_browser_language(open_page, root_site, browser_locale: str,
                                                    expected: str | None) -> None:
    visit = open_page(root_site.url(), locale=browser_locale)
    visit.page.wait_for_load_state("load")
    if expected:
        visit.page.wait_for_url(root_site.url(expected))
    else:  # a language the site does not have: the visitor chooses
        assert visit.page.url == root_site.url()
    assert visit.problems() == []


def test_switching_language_is_remembered_and_not_undone(open_page, root_site) -> None:
    visit = open_page(root_site.url(), locale="ja-JP")
    page = visit.page
    page.wait_for_url(root_site.url("ja/"))
    page.goto(root_site.url("ja/shipping-cost/"))
    page.locator(".languages").get_by_role("link", name="English").click()
    page.wait_for_url(root_site.url("en/shipping-cost/"))
    page.goto(root_site.url())
    page.wait_for_url(root_site.url("en/"))
    assert visit.problems() == []
