"""Browser test fixtures: the real help center, built and served over HTTP, in a real Chromium.

What a customer gets is HTML served by a static host, so the site is built with the real
command line (`python build.py --root … build --out …`), served by a small HTTP server of
our own that sends `Content-Security-Policy: default-src 'self'` on every response and
answers unknown addresses with `404.html` and status 404, as static hosts do, and opened in
Debian's Chromium through Playwright (never `playwright install`; see
../shared/browser-testing.md). Without Chromium the browser tests fail with a message that
says how to install it; they never skip.

Fixtures (all usable from any test under tests/browser/):

- `browser`: a Playwright `Browser`, headless Chromium at /usr/bin/chromium, started once
  and shared by the tests of this folder (stopped after the last one).
- `root_site` (session): a `ServedSite`, the real site built with its own base URL and
  served at http://127.0.0.1:PORT/.
- `subpath_site` (session): a `ServedSite`, the real site built with
  `--base-url http://127.0.0.1:PORT/helpcenter/` and served under /helpcenter/.
- `served_sites` (session): both, as {"root": …, "subpath": …}.
- `serve` (session): `serve(folder, prefix="/") -> StaticServer`, any folder served the same
  way (stopped at the end of the session).
- `open_page` (function): `open_page(url, prepare=None, **context_options) -> Visit`; opens
  the URL in a fresh browser context (options such as `timezone_id`, `locale`,
  `java_script_enabled` go to `browser.new_context`; `prepare(page)` runs before the page
  loads, e.g. `lambda page: page.clock.set_fixed_time(…)`) and collects uncaught JS errors, console errors and CSP
  violations for the whole life of the page: `visit.problems()` lists all of them,
  `visit.page` is the Playwright `Page`, `visit.status` the HTTP status, and
  `visit.goto(url)` opens another address in the same tab with a fresh list of problems.
- `fetch` (session): `fetch(url) -> Fetched(status, headers, body, url)`, a plain HTTP GET
  without a browser (redirects followed; `url` is the final address).

A `ServedSite` has `folder` (the built files), `base_path` ('/' or '/helpcenter/'),
`url(relative="")` (absolute URL of a file of the site), `html_pages()` (every HTML file
of the output, as paths relative to the folder) and `page_url(relative)` (the address a
customer uses for that file: `en/shipping-cost/index.html` -> `…/en/shipping-cost/`).
"""

from __future__ import annotations

import functools
import http.server
import os
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from typing import Any, ClassVar

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
CSP = "default-src 'self'"
SUBPATH = "/helpcenter/"
TESTS = Path(__file__).resolve().parent.parent

# Records every CSP violation in the page, from before the first script runs.
_RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || "(inline)"}`
    + ` at ${event.sourceFile || "?"}:${event.lineNumber}`
    + (event.sample ? ` (${event.sample})` : ""));
});
"""


def pytest_configure(config: pytest.Config) -> None:
    """Keep `from conftest import …` pointing at tests/conftest.py.

    Neither conftest.py is in a package, so pytest imports both as the module `conftest`
    and the one imported last (this one) would replace tests/conftest.py in sys.modules;
    `from conftest import Site` in the test modules collected afterwards would then fail.
    pytest calls this hook as soon as this file is registered, before those modules load.
    """
    for plugin in config.pluginmanager.get_plugins():
        if Path(getattr(plugin, "__file__", None) or "/") == TESTS / "conftest.py":
            sys.modules["conftest"] = plugin


# --- HTTP ---------------------------------------------------------------------------------

class _StaticHandler(http.server.SimpleHTTPRequestHandler):
    """Files under `prefix`, as a static host serves them, with a strict CSP on everything."""

    prefix = "/"
    extensions_map: ClassVar[dict[str, str]] = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".html": "text/html; charset=utf-8", ".js": "text/javascript",
                      ".mjs": "text/javascript", ".css": "text/css", ".json": "application/json",
                      ".svg": "image/svg+xml", ".xml": "application/xml",
                      ".txt": "text/plain; charset=utf-8"}

    def send_head(self) -> Any:
        address = self.path.split("?", 1)[0].split("#", 1)[0]
        if not address.startswith(self.prefix) and address + "/" != self.prefix:
            self.send_error(404)  # outside the sub-path the site is published under
            return None
        return super().send_head()

    def translate_path(self, path: str) -> str:
        address = path.split("?", 1)[0].split("#", 1)[0]
        return super().translate_path("/" + address[len(self.prefix):])

    def list_directory(self, path: str | os.PathLike[str]) -> None:
        self.send_error(404)  # static hosts do not list folders
        return None

    def send_error(self, code: int, message: str | None = None,
                   explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", CSP)
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


class StaticServer:
    """A threaded HTTP server on 127.0.0.1 (a free port) serving `folder` under `prefix`.

    The folder is read on every request, so it may be (re)built after the server starts:
    that is how a site is built with a base URL that contains the server's port.
    """

    def __init__(self, folder: Path, prefix: str = "/") -> None:
        if not (prefix.startswith("/") and prefix.endswith("/")):
            raise ValueError(f"the prefix must start and end with '/': {prefix!r}")
        self.folder, self.prefix = Path(folder), prefix
        handler = type("Handler", (_StaticHandler,), {"prefix": prefix})
        self._httpd = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(handler, directory=str(self.folder)))
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, relative: str = "") -> str:
        return self.origin + self.prefix + relative.lstrip("/")

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)


@dataclass(frozen=True)
class Fetched:
    status: int
    headers: Message
    """Case-insensitive: `headers["content-type"]`."""
    body: bytes
    url: str
    """The address finally answered, after any redirect."""

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


def fetch_url(url: str) -> Fetched:
    """GET without a browser; an HTTP error status is a result, not an exception."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return Fetched(response.status, response.headers, response.read(),
                           response.url)
    except urllib.error.HTTPError as error:
        return Fetched(error.code, error.headers, error.read(), error.url)


@pytest.fixture(scope="session")
def fetch() -> Callable[[str], Fetched]:
    return fetch_url


@pytest.fixture(scope="session")
def serve() -> Iterator[Callable[..., StaticServer]]:
    """`serve(folder, prefix="/")`: serve a folder for the rest of the session."""
    servers: list[StaticServer] = []

    def start(folder: Path, prefix: str = "/") -> StaticServer:
        servers.append(StaticServer(folder, prefix))
        return servers[-1]

    yield start
    for server in servers:
        server.stop()


# --- The real site, built and served --------------------------------------------------------

@dataclass(frozen=True)
class ServedSite:
    folder: Path
    server: StaticServer

    @property
    def base_path(self) -> str:
        return self.server.prefix

    def url(self, relative: str = "") -> str:
        return self.server.url(relative)

    def page_url(self, relative: str) -> str:
        """The address of an HTML file as customers use it: folders end in '/'."""
        if relative == "index.html" or relative.endswith("/index.html"):
            relative = relative[: -len("index.html")]
        return self.url(relative)

    def html_pages(self) -> list[str]:
        """Every HTML file of the build, so pages added later are covered automatically."""
        return sorted(p.relative_to(self.folder).as_posix() for p in self.folder.rglob("*.html"))


def _build_real_site(work: Path, out: Path, *extra: str) -> None:
    """A copy of the real sources in `work`, built by the command line into `out`."""
    from conftest import copy_site  # tests/conftest.py (see pytest_configure above)

    result = copy_site(work).run("build", "--out", str(out), *extra)
    assert result.code == 0, f"the real site does not build:\n{result.stderr}"


@pytest.fixture(scope="session")
def root_site(tmp_path_factory: pytest.TempPathFactory,
              serve: Callable[..., StaticServer]) -> ServedSite:
    """The real site with the base URL of site.yaml, served at the server's root."""
    work = tmp_path_factory.mktemp("browser-root")
    out = work / "public"
    _build_real_site(work, out)
    return ServedSite(out, serve(out, "/"))


@pytest.fixture(scope="session")
def subpath_site(tmp_path_factory: pytest.TempPathFactory,
                 serve: Callable[..., StaticServer]) -> ServedSite:
    """The real site published under a sub-path: built for, and served at, /helpcenter/."""
    work = tmp_path_factory.mktemp("browser-subpath")
    out = work / "public"
    server = serve(out, SUBPATH)  # first, so that the base URL can name its port
    _build_real_site(work, out, "--base-url", server.url())
    return ServedSite(out, server)


@pytest.fixture(scope="session")
def served_sites(root_site: ServedSite, subpath_site: ServedSite) -> dict[str, ServedSite]:
    return {"root": root_site, "subpath": subpath_site}


# --- The browser ----------------------------------------------------------------------------

class _Chromium:
    """One Chromium for all the browser tests, started when the first one needs it.

    Playwright's sync API occupies the thread's event loop while it runs, so a test
    elsewhere that starts its own Playwright (tests/test_serve.py does) would fail while
    ours is open: it is stopped as soon as the last test of this folder is done.
    """

    def __init__(self) -> None:
        self._playwright: Any = None
        self._browser: Any = None

    def get(self) -> Any:
        if self._browser is None:
            if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
                pytest.fail(f"the browser tests need Chromium at {CHROMIUM}, which is not "
                            "installed: run `bash .ci/setup --browser` (or, as root, "
                            "`apt-get install -y chromium`). Never `playwright install`.",
                            pytrace=False)
            try:
                from playwright.sync_api import sync_playwright
            except ImportError:
                pytest.fail("the browser tests need Python Playwright in the venv: run "
                            "`.venv/bin/pip install playwright==1.65.2` (or `bash .ci/setup`)",
                            pytrace=False)
            self._playwright = sync_playwright().start()
            self._browser = self._playwright.chromium.launch(executable_path=str(CHROMIUM),
                                                             args=CHROMIUM_ARGS)
        return self._browser

    def stop(self) -> None:
        if self._playwright is not None:
            self._browser.close()
            self._playwright.stop()
        self._playwright = self._browser = None


_CHROMIUM = _Chromium()


@pytest.hookimpl(trylast=True)  # after the test's own fixtures (its pages) are torn down
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    if nextitem is None or Path(__file__).parent not in Path(nextitem.path).parents:
        _CHROMIUM.stop()


@pytest.fixture(scope="session")
def _stop_chromium_at_the_end() -> Iterator[None]:
    yield
    _CHROMIUM.stop()


@pytest.fixture
def browser(_stop_chromium_at_the_end: None) -> Any:
    """Debian's headless Chromium driven by Playwright (a Playwright `Browser`), shared by
    all the browser tests. Missing Chromium is a failure, never a skip."""
    return _CHROMIUM.get()


@dataclass
class Visit:
    """One page opened in its own browser context, and what went wrong while it was open."""

    page: Any
    response: Any
    js_errors: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def goto(self, url: str) -> Visit:
        """Open another address in the same tab, starting a fresh list of problems."""
        self.js_errors.clear()
        self.console_errors.clear()
        self.response = self.page.goto(url, wait_until="load")
        return self

    @property
    def status(self) -> int | None:
        return self.response.status if self.response is not None else None

    def csp_violations(self) -> list[str]:
        """The CSP violations recorded in the page so far (the page must still be open)."""
        self.page.evaluate("() => new Promise((done) => setTimeout(done, 20))")  # let events fire
        return list(self.page.evaluate("() => window.__cspViolations || []"))

    def problems(self) -> list[str]:
        """Every uncaught JS error, console error and CSP violation so far, labelled."""
        return ([f"JS error: {e}" for e in self.js_errors]
                + [f"console error: {e}" for e in self.console_errors]
                + [f"CSP violation: {v}" for v in self.csp_violations()])


@pytest.fixture
def open_page(browser: Any) -> Iterator[Callable[..., Visit]]:
    """`open_page(url, prepare=None, **context_options) -> Visit`, after the `load` event."""
    contexts: list[Any] = []

    def open_(url: str, prepare: Callable[[Any], object] | None = None,
              **context_options: Any) -> Visit:
        context = browser.new_context(**context_options)
        contexts.append(context)
        context.add_init_script(_RECORD_CSP_VIOLATIONS)
        page = context.new_page()
        if prepare is not None:  # e.g. lambda page: page.clock.set_fixed_time(…)
            prepare(page)
        visit = Visit(page, None)
        page.on("pageerror", lambda error: visit.js_errors.append(str(error)))
        page.on("console", lambda message: visit.console_errors.append(
            f"{message.text} ({message.location.get('url', '?')})")
            if message.type == "error" else None)
        return visit.goto(url)

    yield open_
    for context in contexts:
        context.close()
