"""What search engines and link previews read: canonical and hreflang links, the
sitemap's alternates, descriptions, Open Graph and the FAQ structured data, all
matching what the page shows."""

from __future__ import annotations

import html as html_lib
import json
import re

from conftest import Site
from test_real_content import visible_text

BASE = "https://help.milamore.example/"


def head(html: str) -> str:
    return html.split("</head>")[0]


def test_every_page_links_itself_canonically_and_every_translation_with_hreflang(
        built_site: Site) -> None:
    for page in built_site.out.glob("*/*/index.html"):
        lang, slug = page.parent.parent.name, page.parent.name
        html = head(page.read_text("utf-8"))
        assert f'<link rel="canonical" href="{BASE}{lang}/{slug}/">' in html
        hreflangs = dict(re.findall(r'<link rel="alternate" hreflang="([\w-]+)" href="([^"]+)">',
                                    html))
        assert hreflangs == {"ja": f"{BASE}ja/{slug}/", "en": f"{BASE}en/{slug}/",
                             "x-default": BASE}


def test_an_entry_without_translation_gets_no_hreflang_to_a_missing_page(site: Site) -> None:
    """A build with a missing translation fails, so hreflang can only name real pages."""
    (site.root / "content/en/receipts.md").unlink()
    result = site.build()
    assert result.code == 1 and "no 'en' translation" in result.stderr


def test_sitemap_names_every_translation_of_every_page(built_site: Site) -> None:
    sitemap = built_site.page("sitemap.xml")
    blocks = re.findall(r"<url>(.*?)</url>", sitemap, re.S)
    assert len(blocks) == len(list(built_site.out.glob("*/*/index.html"))) + 2  # + two homes
    for block in blocks:
        loc = re.search(r"<loc>([^<]+)</loc>", block).group(1)
        alternates = re.findall(r'hreflang="(\w+)" href="([^"]+)"', block)
        assert loc in [href for _, href in alternates]
        assert sorted(code for code, _ in alternates) == ["en", "ja"]
    assert f"Sitemap: {BASE}sitemap.xml" in built_site.page("robots.txt")


def test_descriptions_and_open_graph_describe_the_page_in_its_language(built_site: Site) -> None:
    for lang, locale in (("ja", "ja_JP"), ("en", "en_US")):
        html = head(built_site.page(f"{lang}/returns-and-exchanges/index.html"))
        description = re.search(r'<meta name="description" content="([^"]+)">', html).group(1)
        assert len(description) > 20
        assert f'<meta property="og:description" content="{description}">' in html
        assert f'<meta property="og:locale" content="{locale}">' in html
        title = re.search(r"<title>([^<]+)</title>", html).group(1)
        assert f'<meta property="og:title" content="{title}">' in html


def test_an_entry_without_a_description_is_described_by_its_first_paragraph(site: Site) -> None:
    text = site.read("content/en/receipts.md")
    site.write("content/en/receipts.md", re.sub(r"\ndescription: [^\n]+", "", text, count=1))
    assert site.build().code == 0
    html = site.page("en/receipts/index.html")
    description = re.search(r'<meta name="description" content="([^"]+)">', html).group(1)
    first = re.search(r'class="answer">\s*<p>(.*?)</p>', html, re.S).group(1)
    assert description == re.sub(r"<[^>]+>", "", first).replace("\n", " ")


def test_faq_structured_data_matches_the_visible_answer(built_site: Site) -> None:
    for lang in ("ja", "en"):
        html = built_site.page(f"{lang}/order-emails/index.html")
        data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html,
                                    re.S).group(1))
        question = data["mainEntity"][0]
        heading = re.search(r"<h1>(.+?)</h1>", html).group(1).replace("<wbr>", "")  # phrase breaks
        assert question["name"] == html_lib.unescape(heading)
        answer = question["acceptedAnswer"]["text"]
        assert answer[:60] in visible_text(html)
        assert "Gmail" in answer
