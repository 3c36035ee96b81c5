"""Links of the site published under a sub-path, followed over HTTP as a visitor's browser does.

The build's own link check reads the pages it renders; this test reads what a static host
serves. The real site is built with `--base-url http://127.0.0.1:PORT/helpcenter/` and
served under /helpcenter/ only, so any address that forgets the sub-path gets a 404. Every
link, image, stylesheet, script, icon, canonical and alternate address of every page, the
`url(...)` references of the stylesheets, the `import`s of the scripts, and the addresses of
sitemap.xml and robots.txt must answer 200 without a redirect; every #fragment must be an
id in the page it points to. An unknown address gets the bilingual 404 page, styled.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html.parser import HTMLParser
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

import pytest

pytestmark = pytest.mark.browser

# Attributes that hold one address, and the ones that hold a list ("a.png 1x, b.png 2x").
URL_ATTRIBUTES = {"href", "src", "poster", "action", "data", "formaction"}
SRCSET_ATTRIBUTES = {"srcset", "imagesrcset"}
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)|@import\s+(['"])([^'"]+)\3""")
# Shipped scripts are minified: `import{a}from"./a.js"` has no space after `import`.
JS_IMPORT = re.compile(r"""(?:\bimport|\bexport)\b[^'";()]*?\bfrom\s*(['"])([^'"]+)\1"""
                       r"""|\bimport\s*\(\s*(['"])([^'"]+)\3\s*\)|\bimport\s*(['"])([^'"]+)\5""")
UNKNOWN = "en/no-such-question/deeper/"


class _Page(HTMLParser):
    """The addresses an HTML page refers to, and the ids its elements have."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.refs: list[tuple[str, str]] = []  # (where, address)
        self.ids: set[str] = set()
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        for key in ("id",) + (("name",) if tag == "a" else ()):
            if values.get(key):
                self.ids.add(values[key])
        for name, value in values.items():
            if name in URL_ATTRIBUTES and value.strip():
                self.refs.append((f"<{tag} {name}>", value.strip()))
            elif name in SRCSET_ATTRIBUTES:
                for candidate in value.split(","):
                    if candidate.strip():
                        self.refs.append((f"<{tag} {name}>", candidate.split()[0]))
        if tag == "meta" and values.get("content", "").startswith(("http://", "https://")):
            self.refs.append((f"<meta {values.get('property') or values.get('name')}>",
                              values["content"]))


def _css_refs(css: str) -> Iterable[str]:
    for match in CSS_URL.finditer(css):
        address = match.group(2) or match.group(4)
        if not address.startswith("data:"):
            yield address


def _js_refs(script: str) -> Iterable[str]:
    for match in JS_IMPORT.finditer(script):
        yield match.group(2) or match.group(4) or match.group(6)


@pytest.fixture(scope="module")
def crawl(subpath_site, fetch):
    """Every reference of the site, resolved: {address: [(page, where it is written)]},
    and the fetched answers by address (without fragment)."""
    site = subpath_site
    refs: dict[str, list[tuple[str, str]]] = {}
    fetched = {}

    def get(address: str):
        if address not in fetched:
            fetched[address] = fetch(address)
        return fetched[address]

    def add(base: str, where: str, address: str) -> None:
        refs.setdefault(urljoin(base, address), []).append((base, where))

    for relative in site.html_pages():
        # The 404 page is served at any unknown address, however deep: resolve from there.
        base = site.url(UNKNOWN) if relative == "404.html" else site.page_url(relative)
        page = _Page((site.folder / relative).read_text(encoding="utf-8"))
        for where, address in page.refs:
            add(base, where, address)
    for address in list(refs):
        if urlsplit(address).path.endswith((".css", ".js", ".mjs")) and _internal(site, address):
            answer = get(urldefrag(address).url)
            if answer.status == 200:
                finder = _css_refs if address.endswith(".css") else _js_refs
                for found in finder(answer.text):
                    add(address, "url() / import", found)
    sitemap = get(site.url("sitemap.xml"))
    for loc in re.findall(r"<loc>([^<]+)</loc>", sitemap.text):
        add(site.url("sitemap.xml"), "<loc>", loc)
    robots = get(site.url("robots.txt"))
    for line in robots.text.splitlines():
        if line.lower().startswith("sitemap:"):
            add(site.url("robots.txt"), "Sitemap:", line.split(":", 1)[1].strip())
    return refs, get


def _internal(site, address: str) -> bool:
    parts = urlsplit(address)
    return parts.scheme in ("http", "https") and parts.netloc == urlsplit(site.url()).netloc


def _written(places: list[tuple[str, str]]) -> str:
    return "; ".join(sorted({f"{where} in {page}" for page, where in places})[:3])


def test_every_reference_of_every_page_answers_200_under_the_sub_path(subpath_site,
                                                                        crawl) -> None:
    refs, get = crawl
    site = subpath_site
    internal = sorted(a for a in refs if _internal(site, a))
    assert len(internal) > 50, f"too few internal references found: {internal}"
    assert any(a.endswith(".css") for a in internal), "no stylesheet found: is the parser broken?"

    broken = []
    for address in sorted(refs):
        scheme = urlsplit(address).scheme
        if scheme == "javascript":
            broken.append(f"{address}: a javascript: link ({_written(refs[address])})")
        if not _internal(site, address):
            continue
        target = urldefrag(address).url
        if not urlsplit(target).path.startswith(site.base_path):
            broken.append(f"{address}: outside {site.base_path} ({_written(refs[address])})")
            continue
        answer = get(target)
        if answer.status != 200:
            broken.append(f"{address}: HTTP {answer.status} ({_written(refs[address])})")
        elif answer.url != target:
            broken.append(f"{address}: redirects to {answer.url} ({_written(refs[address])})")
    assert not broken, "\n".join(broken)


def test_every_fragment_is_an_id_in_the_page_it_points_to(subpath_site, crawl) -> None:
    refs, get = crawl
    with_fragment = [a for a in refs if _internal(subpath_site, a) and urldefrag(a).fragment]
    assert with_fragment, "no #fragment links found: is the parser broken?"

    broken = []
    for address in sorted(with_fragment):
        target, fragment = urldefrag(address)
        answer = get(target)
        if answer.status != 200 or "html" not in answer.headers.get("content-type", ""):
            continue  # reported by the test above
        if unquote(fragment) not in _Page(answer.text).ids:
            broken.append(f"{address}: no id '{unquote(fragment)}' in {target} "
                          f"({_written(refs[address])})")
    assert not broken, "\n".join(broken)


@pytest.mark.parametrize("build", ["subpath_site", "root_site"])
def test_an_unknown_address_gets_the_styled_bilingual_404_page(build: str, request, fetch,
                                                                open_page) -> None:
    site = request.getfixturevalue(build)
    unknown = site.url(UNKNOWN)

    answer = fetch(unknown)
    assert answer.status == 404
    assert answer.body == (site.folder / "404.html").read_bytes()

    visit = open_page(unknown)
    page = visit.page
    assert visit.status == 404
    texts = {lang: page.locator(f"[lang={lang}] h1").first.inner_text() for lang in ("ja", "en")}
    assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", texts["ja"]), texts
    assert re.search(r"[A-Za-z]{3}", texts["en"]) and not re.search(r"[\u3040-\u30ff]",
                                                                      texts["en"]), texts
    sheets = page.evaluate("""() => [...document.querySelectorAll('link[rel~="stylesheet"]')]
        .map((link) => ({href: link.href, rules: link.sheet ? link.sheet.cssRules.length : -1}))""")
    assert sheets, "the 404 page has no stylesheet"
    assert all(sheet["rules"] > 0 for sheet in sheets), f"stylesheet not loaded: {sheets}"
    assert all(sheet["href"].startswith(site.url("assets/")) for sheet in sheets), sheets
    for link in page.locator("a[href]").all():
        href = link.evaluate("(a) => a.href")
        if _internal(site, href):
            assert fetch(urldefrag(href).url).status == 200, f"404 page links to {href}"
    problems = [p for p in visit.problems() if not ("404" in p and unknown in p)]
    assert not problems, problems
