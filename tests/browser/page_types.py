"""The page types of the help center, as the browser tests open them, in both languages.

`PAGE_CASES` lists (page type, language): home, an entry (with the returns calculator),
the calculator, search with results and with none, and the two bilingual pages (the 404
page and the root language chooser), once each. `address(site, kind, lang)` is the page's
URL on a served site; `show_everything(page, kind)` brings an opened page to the state a
customer reads (search answered, every calculator tool answered).

Pagefind searches in WebAssembly, which the fixtures' `default-src 'self'` forbids; the
tests that need real results open pages with `prepare=allow_webassembly`, which serves
Pagefind's worker with the policy that allows it, as test_search.py's host does.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from helpcenter.write.headers import CONTENT_SECURITY_POLICY

LANGS = ["ja", "en"]
QUERIES = {"ja": "返品", "en": "return"}
NO_RESULT = "zzqxjvw"
WASM_CSP = CONTENT_SECURITY_POLICY  # the policy of _headers (one source: headers.py)
SEARCH_SETTLED = ("() => ['results', 'empty', 'error']"
                  ".includes(document.querySelector('[data-search]')?.dataset.state)")

# Page type -> address under the site, by language; 404 and root are bilingual pages.
PAGES: dict[str, str] = {
    "home": "{lang}/",
    "entry": "{lang}/returns-and-exchanges/",
    "calculator": "{lang}/calculator/",
    "search-results": "{lang}/search/?q={query}",
    "search-empty": "{lang}/search/?q=" + NO_RESULT,
    "404": "{lang}/no-such-question/",
    "root": "",
}
PAGE_CASES = [(kind, lang) for kind in PAGES for lang in LANGS
              if not (kind in {"404", "root"} and lang == "en")]


def address(site: Any, kind: str, lang: str) -> str:
    return site.url(PAGES[kind].format(lang=lang, query=quote(QUERIES[lang])))


def show_everything(page: Any, kind: str) -> None:
    """Bring a page to the state a customer reads: search answered, calculator answered."""
    if kind.startswith("search"):
        page.wait_for_function(SEARCH_SETTLED, timeout=15_000)
    for tool in page.locator("form[data-tool]").all():
        tool.locator("button[type=submit]").click()
        tool.locator("[data-result] p").first.wait_for()


def allow_webassembly(page: Any) -> None:
    """Serve Pagefind's worker with the policy that lets search run (see test_search.py).

    `bypass_csp` lifts the page's policy only; a worker follows the policy of its own script.
    """
    def relax(route: Any) -> None:
        response = route.fetch()
        route.fulfill(response=response, headers={**response.headers,
                                                  "content-security-policy": WASM_CSP})

    page.context.route("**/pagefind/pagefind-worker.js", relax)
