"""The help center published under a sub-path, crawled in Chromium as GitHub Pages serves it.

`https://<user>.github.io/<repo>/` puts the site under /<repo>/. The real site is built with
`--base-url http://127.0.0.1:PORT/helpcenter/` and served under /helpcenter/ only, by a
small host that sends the headers of the build's own `_headers` file (its CSP included,
so search's WebAssembly runs under exactly the published policy). Starting from the
language chooser, every page a link, canonical or alternate address leads to is opened
in Chromium; every request the browser makes is recorded. No request may fail or answer
an error, none may leave /helpcenter/, and no page may log a JS error or a CSP
violation; search and the calculator must answer in both languages.
"""

from __future__ import annotations

import fnmatch
import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urldefrag, urlsplit

import pytest
from page_types import QUERIES, SEARCH_SETTLED, show_everything

pytestmark = pytest.mark.browser

PREFIX = "/helpcenter/"
_RECORD_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
"""


def header_rules(text: str) -> list[tuple[str, list[tuple[str, str]]]]:
    rules: list[tuple[str, list[tuple[str, str]]]] = []
    for line in text.splitlines():
        if line.startswith("/"):
            rules.append((line, []))
        elif line.startswith("  ") and rules:
            name, value = line.strip().split(": ", 1)
            rules[-1][1].append((name, value))
    return rules


class _PagesHandler(http.server.SimpleHTTPRequestHandler):
    """Files under PREFIX with the headers `_headers` gives them; 404.html for the rest."""

    extensions_map: ClassVar[dict[str, str]] = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css",
        ".json": "application/json", ".svg": "image/svg+xml", ".xml": "application/xml",
        ".txt": "text/plain; charset=utf-8"}

    def _site_path(self) -> str:
        return "/" + self.path.split("?", 1)[0].split("#", 1)[0][len(PREFIX):]

    def send_head(self) -> Any:
        if not self.path.startswith(PREFIX):
            self.send_error(404)
            return None
        return super().send_head()

    def translate_path(self, path: str) -> str:
        return super().translate_path(self._site_path())

    def list_directory(self, path: Any) -> None:
        self.send_error(404)

    def send_error(self, code: int, message: str | None = None,
                   explain: str | None = None) -> None:
        body = (Path(self.directory) / "404.html").read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def end_headers(self) -> None:
        headers_file = Path(self.directory) / "_headers"
        path = self._site_path() if self.path.startswith(PREFIX) else "/404.html"
        for pattern, headers in header_rules(headers_file.read_text("utf-8")):
            if fnmatch.fnmatchcase(path, pattern):
                for name, value in headers:
                    self.send_header(name, value)
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def pages_host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """(site address, folder): the real site built for and served under PREFIX."""
    from conftest import copy_site  # tests/conftest.py

    work = tmp_path_factory.mktemp("pages-host")
    out = work / "published"
    out.mkdir()
    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_PagesHandler, directory=str(out)))
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    site_url = f"http://127.0.0.1:{httpd.server_address[1]}{PREFIX}"
    out.rmdir()
    result = copy_site(work / "src").run("build", "--base-url", site_url, "--out", str(out))
    assert result.code == 0, result.stderr
    yield site_url, out
    httpd.shutdown()
    httpd.server_close()


def _links(page: Any) -> list[str]:
    """Where a customer can go from the page: links, the search form, other addresses."""
    return page.eval_on_selector_all(
        "a[href], link[rel=canonical], link[rel=alternate], form[action]",
        "els => els.map(e => e.href || e.action)")


def test_every_page_under_a_sub_path_loads_only_its_own_files(browser: Any,
                                                               pages_host: tuple[str, Path],
                                                               capsys: Any) -> None:
    site_url, folder = pages_host
    origin = site_url[: -len(PREFIX)]
    context = browser.new_context(locale="fr-FR")  # fr: the chooser stays on the root page
    context.add_init_script(_RECORD_CSP)
    requests: list[str] = []
    failures: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    # (a request the crawl's next navigation cancels fails with net::ERR_ABORTED: not the
    # site's doing; a file that is missing is an HTTP error, recorded below)
    context.on("requestfailed", lambda request: failures.append(
        f"{request.url}: {request.failure}") if request.failure != "net::ERR_ABORTED"
        else None)
    context.on("response", lambda response: failures.append(
        f"{response.url}: HTTP {response.status}") if response.status >= 400 else None)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
    page.on("console", lambda message: errors.append(f"{page.url}: {message.text}")
            if message.type == "error" else None)
    try:
        visited = _crawl(page, site_url, errors)
        unknown = f"{site_url}en/no-such-question/"  # the host answers with 404.html
        assert page.goto(unknown).status == 404
        failures.remove(f"{unknown}: HTTP 404")
        errors.remove(f"{unknown}: Failed to load resource: the server responded with a "
                      "status of 404 (Not Found)")  # Chromium's console line for any 404
        assert page.locator("link[rel=stylesheet]").count() == 1  # styled, from the sub-path
        visited.add(unknown)
    finally:
        context.close()

    html_files = {p.relative_to(folder).as_posix() for p in folder.rglob("*.html")}
    expected = {site_url + f.removesuffix("index.html") for f in html_files
                if f != "404.html"}
    assert expected <= visited, sorted(expected - visited)
    assert not failures, "\n".join(failures)
    outside = [url for url in requests if urlsplit(url).scheme not in ("data", "blob")
               and not url.startswith(origin + PREFIX)]
    assert not outside, "\n".join(outside)
    assert not errors, "\n".join(errors)
    with capsys.disabled():
        print(f"\nsub-path crawl: {len(visited)} pages, {len(requests)} requests, "
              f"{len(failures)} failed, {len(outside)} outside {PREFIX}")


def _crawl(page: Any, start: str, errors: list[str]) -> set[str]:
    """Open every page reachable from `start`; return their addresses."""
    queue, seen = [start], {start}
    while queue:
        url = queue.pop(0)
        page.goto(url, wait_until="load")
        errors += [f"{url}: CSP {v}" for v in page.evaluate("() => window.__csp")]
        for link in _links(page):
            link = urldefrag(link)[0]
            if link.startswith(start) and link not in seen and "?" not in link \
                    and (link.endswith("/") or link.endswith(".html")):
                seen.add(link)
                queue.append(link)
    return seen


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_search_and_the_calculator_answer_under_the_sub_path(browser: Any, open_page: Any,
                                                             pages_host: tuple[str, Path],
                                                             lang: str) -> None:
    site_url, _folder = pages_host
    context = browser.new_context()
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    try:
        page.goto(f"{site_url}{lang}/search/?q={QUERIES[lang]}")
        page.wait_for_function(SEARCH_SETTLED, timeout=15_000)
        assert page.locator("[data-search]").get_attribute("data-state") == "results"
        links = [href for href in page.eval_on_selector_all(
            "[data-search] a[href]", "els => els.map(e => e.href)") if href.startswith("http")]
        assert all(href.startswith(f"{site_url}{lang}/") for href in links), links
        assert f"{site_url}{lang}/returns-and-exchanges/" in links
        assert any("/pagefind/" in url for url in requests)

        page.goto(f"{site_url}{lang}/calculator/")
        show_everything(page, "calculator")
        answers = page.locator("[data-result] p").all_inner_texts()
        assert len(answers) >= 3 and all(text.strip() for text in answers)
    finally:
        context.close()
    assert all(url.startswith(site_url) for url in requests
               if urlsplit(url).scheme not in ("data", "blob")), requests
