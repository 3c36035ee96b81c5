"""The link check reads each page's links and ids once, with a quick scan of its tags
(render/pages.py: read_links). That scan must see exactly what a full HTML parser sees,
on every page the generator makes, or a broken link could pass the check."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from conftest import Site

from helpcenter.render.pages import read_links


class FullParser(HTMLParser):
    """The links and ids a browser would find (the check's rules: href and src, except
    <link rel=canonical|alternate>; every id)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"] or "")
        if tag == "link" and values.get("rel") in ("canonical", "alternate"):
            return
        self.urls += [value for name, value in attrs if name in ("href", "src") and value]


def parsed(html: str) -> tuple[list[str], set[str]]:
    parser = FullParser()
    parser.feed(html)
    return parser.urls, parser.ids


def test_every_page_of_the_real_site_is_read_as_a_full_parser_reads_it(built_site: Site) -> None:
    pages = sorted(built_site.out.resolve().rglob("*.html"))
    assert len(pages) > 20
    for path in pages:
        html = path.read_text(encoding="utf-8")
        links = read_links(html)
        assert (list(links.urls), set(links.ids)) == parsed(html), path


@pytest.mark.parametrize("html", [
    '<a href="/ja/x/">x</a><a id="top" href="#top">top</a>',
    '<link rel="canonical" href="https://example.org/ja/"><link rel="stylesheet" href="/a.css">',
    '<link rel="alternate" hreflang="en" href="https://example.org/en/">',
    '<img src="/assets/a.svg" alt="a &gt; b"><p id="x&amp;y">text</p>',
    '<pre><code>&lt;a href="/not-a-link/"&gt;</code></pre>',            # text, not a tag
    '<script type="application/json">{"href": "/not/a/link/"}</script>',
    '<a\nhref="/ja/multi-line/"\nclass="x">x</a>',
    '<a class="x" href="/ja/q/?a=1&amp;b=2#part">q</a>',
    '<h2 id="送料">送料</h2><a href="#%E9%80%81%E6%96%99">送料</a>',
    '<a href="">empty</a><div id="">no id</div>',
])
def test_tricky_markup_is_read_as_a_full_parser_reads_it(html: str) -> None:
    links = read_links(html)
    assert (list(links.urls), set(links.ids)) == parsed(html)
