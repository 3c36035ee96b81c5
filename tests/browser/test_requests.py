"""What the browser fetches, page by page: only the site's own files, never a font, and for
an entry page exactly the files that tests/test_budgets.py weighs.

Each page type is loaded in Chromium in both languages, in the state a customer reads it
(search answered, calculator answered), with every request recorded. Search pages open with
`bypass_csp` and Pagefind's worker served with the policy that allows WebAssembly (as in
test_accessibility.py), so that the search index is really fetched, from the same origin.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from page_types import PAGE_CASES, address, allow_webassembly, show_everything
from page_weight import weigh

pytestmark = pytest.mark.browser


def test_no_request_leaves_the_site_and_no_font_is_loaded(open_page, root_site) -> None:
    requests: list[tuple[str, str, str]] = []  # (page, resource type, url)
    current = {"page": ""}

    def prepare(page) -> None:
        allow_webassembly(page)
        page.context.on("request", lambda request: requests.append(
            (current["page"], request.resource_type, request.url)))

    visit = open_page(root_site.url("en/"), prepare=prepare, bypass_csp=True,
                      locale="fr-FR")  # fr: the root chooser stays, it does not redirect
    for kind, lang in PAGE_CASES:
        current["page"] = f"{kind} {lang}"
        visit.goto(address(root_site, kind, lang))
        show_everything(visit.page, kind)

    origin = urlsplit(root_site.url()).netloc
    pages = {page for page, _, _ in requests}
    assert {f"{kind} {lang}" for kind, lang in PAGE_CASES} <= pages
    assert any("/pagefind/" in url for _, _, url in requests)  # search really ran
    elsewhere = [f"{page}: {url}" for page, _, url in requests
                 if urlsplit(url).scheme not in {"data", "blob"}
                 and urlsplit(url).netloc != origin]
    assert not elsewhere, "\n".join(elsewhere)
    fonts = [f"{page}: {url}" for page, kind, url in requests if kind == "font"]
    assert not fonts, "\n".join(fonts)


@pytest.mark.parametrize("entry", ["ja/overseas-orders/index.html",
                                   "en/returns-and-exchanges/index.html",
                                   "ja/receipts/index.html"])
def test_the_budget_counts_what_the_browser_loads(open_page, root_site, entry: str) -> None:
    loaded: list[str] = []

    def prepare(page) -> None:
        page.on("request", lambda request: loaded.append(request.url))

    visit = open_page(root_site.page_url(entry), prepare=prepare)
    visit.page.wait_for_load_state("networkidle")
    page_url, prefix = root_site.page_url(entry), root_site.url()
    fetched = {entry if url == page_url else url.removeprefix(prefix) for url in loaded}
    # The favicon is an image, not HTML, CSS or JS: the budget leaves it out.
    assert {f for f in fetched if not f.startswith("assets/favicon.")} == set(
        weigh(root_site.folder, entry).files)
