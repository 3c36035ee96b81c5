"""Every page of the built site works under `Content-Security-Policy: default-src 'self'`.

A strict policy is what a careful host sends; a page that needs inline scripts or styles,
`eval`, or anything from another origin breaks there. Every HTML file in the output is
opened (walked from the folder, so new pages such as the calculator are covered without
editing this test), in the build at the root of a host and in the build published under
/helpcenter/, and must load with no CSP violation, no uncaught JS error and no console error.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

# Page types every build must have; the test also opens every other HTML file it finds.
EXPECTED_PAGES = {"index.html", "404.html", "ja/index.html", "en/index.html",
                  "ja/shipping-cost/index.html", "en/shipping-cost/index.html"}


@pytest.mark.parametrize("build", ["root_site", "subpath_site"])
def test_every_page_loads_under_a_strict_csp_without_errors(build: str, request,
                                                            open_page) -> None:
    site = request.getfixturevalue(build)
    pages = site.html_pages()
    missing = EXPECTED_PAGES - set(pages)
    assert not missing, f"page types missing from the build: {sorted(missing)}"

    failures: dict[str, list[str]] = {}
    visit = open_page(site.url())  # one tab, each page in turn: a fresh document each time
    for relative in pages:
        url = site.page_url(relative)
        visit.goto(url)
        problems = visit.problems()
        if visit.status != 200:
            problems.insert(0, f"HTTP status {visit.status}")
        if problems:
            failures[url] = problems

    assert not failures, "\n".join(f"{url}:\n  " + "\n  ".join(found)
                                   for url, found in failures.items())
