"""The help center's design as built HTML: Japanese phrase breaks, the home page's search box
and popular questions (and an editor's mistakes in choosing them), the 404 page.

What a browser does with these pages (where lines break, dark theme, print) is tested in
tests/browser/test_design_browser.py.
"""

from __future__ import annotations

import html as html_lib
import re
from pathlib import Path

import pytest
from conftest import Site, copy_built, snapshot

from helpcenter.render.phrases import heading_phrase_breaks, phrase_breaks

# A phrase never starts with what ends a word or a sentence in Japanese: punctuation, small
# kana, the long-vowel mark, or the endings of a question or a polite verb.
_CANNOT_START = re.compile(r"[？！。、」）・ーぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮ]"
                           r"|か[？?。]?$|ます|ません|です|ください")
# Headings, titles in lists, and buttons: the text the build breaks into phrases.
_BROKEN_TEXT = re.compile(r"<(h[1-3])\b[^>]*>(.*?)</\1>|<a [^>]*>(.*?)</a>|<button [^>]*>(.*?)</button>",
                          re.S)


def phrases_of(markup: str) -> list[str]:
    return [html_lib.unescape(part) for part in markup.split("<wbr>")]


def bad_breaks(markup: str) -> list[str]:
    parts = phrases_of(markup)
    return [f"{'|'.join(parts)}: a line may start with 「{part}」"
            for part in parts[1:] if _CANNOT_START.match(part)]


@pytest.mark.parametrize("title", [
    "アフターサービスはありますか？",            # the examples
    "Milamoreからのメールが届きません。",
    "指輪のサイズ直しはできますか？",            # more of the same kind
    "注文確認メールが届きません",
    "刻印は何文字まで入りますか？",
    "領収書の宛名を変更していただけますか？",
    "ラッピングをお願いできますか？",
])
def test_a_japanese_title_breaks_only_between_phrases(title: str) -> None:
    markup = str(phrase_breaks(title, "ja"))
    assert "".join(phrases_of(markup)) == title
    assert "<wbr>" in markup, "a title this long needs a place to break"
    assert bad_breaks(markup) == []
    for word in ("ありますか", "届きません", "できますか", "入りますか", "いただけますか"):
        if word in title:
            assert any(word in part for part in phrases_of(markup)), f"{word} is split: {markup}"


def test_phrase_breaks_escape_the_text_and_leave_english_alone() -> None:
    assert str(phrase_breaks("Can I <b>return</b> it & get a refund?", "en")) == \
        "Can I &lt;b&gt;return&lt;/b&gt; it &amp; get a refund?"
    markup = str(phrase_breaks("「A&B」の<指輪>は返品できますか？", "ja"))
    assert "<指輪>" not in markup and "&lt;指輪&gt;" in markup and "&amp;" in markup


def test_every_japanese_heading_title_and_button_of_the_site_breaks_between_phrases(
        built_site: Site) -> None:
    checked, problems = 0, []
    for page in [*sorted(built_site.out.glob("ja/**/index.html")), built_site.out / "404.html"]:
        html = page.read_text(encoding="utf-8")
        for match in _BROKEN_TEXT.finditer(html):
            markup = next(group for group in match.groups()[1:] if group is not None)
            text = re.sub(r"<[^>]+>", "", markup.replace("<wbr>", ""))
            if not re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", text) or "<" in markup.replace(
                    "<wbr>", ""):
                continue
            checked += 1
            problems += [f"{page.relative_to(built_site.out)}: {p}" for p in bad_breaks(markup)]
            if len(text) > 10:
                assert "<wbr>" in markup, f"{page}: 「{text}」 has no phrase break"
    assert checked >= 60, checked
    assert problems == []


def test_headings_in_an_answer_break_between_phrases_and_keep_their_markup() -> None:
    html = ('<h2 id="refused">返品・交換をお受けいたしかねる場合</h2><p>本文は変えません。</p>'
            '<h3><a href="#a">A&amp;Bの指輪のお手入れについて</a></h3>')
    broken = str(heading_phrase_breaks(html, "ja"))
    assert broken.replace("<wbr>", "") == html
    assert "<p>本文は変えません。</p>" in broken  # only headings
    for heading in re.findall(r"<h[23][^>]*>(.*?)</h[23]>", broken):
        text = re.sub(r"<(?!wbr)[^>]+>", "", heading)
        assert "<wbr>" in text and bad_breaks(text) == []
    assert heading_phrase_breaks(html, "en") == html


def test_english_pages_carry_no_phrase_breaks(built_site: Site) -> None:
    for page in built_site.out.glob("en/**/index.html"):
        assert "<wbr>" not in page.read_text(encoding="utf-8"), page


# --- The home page: a search box and the popular questions ------------------------------------

def test_the_home_page_searches_without_javascript_and_lists_the_chosen_questions(
        built_site: Site) -> None:
    chosen = re.findall(r"^  - ([a-z0-9-]+)$", built_site.read("site.yaml").split(
        "popular_questions:")[1].split("\n\n")[0], re.M)
    assert len(chosen) >= 3
    for lang in ("ja", "en"):
        html = built_site.page(f"{lang}/index.html")
        form = re.search(r'<form class="search-form hero-search"[^>]*>', html).group(0)
        assert f'action="/{lang}/search/"' in form and 'method="get"' in form
        assert re.search(r'<input id="home-search-q" type="search" name="q"', html)
        assert html.count('role="search"') == 1, "one search box on the home page"
        popular = html.split('class="popular"')[1].split("</nav>")[0]
        assert re.findall(r'href="/\w\w/([^/"]+)/"', popular) == chosen
        for slug in chosen:
            title = re.search(r"^title: (.+)$", built_site.read(f"content/{lang}/{slug}.md"),
                              re.M).group(1).strip().strip('"')
            assert title in html_lib.unescape(popular.replace("<wbr>", ""))


POPULAR = "popular_questions:\n  - shipping-cost\n  - delivery-time\n  - returns-and-exchanges\n"


def line_of(site: Site, needle: str) -> int:
    return next(n for n, line in enumerate(site.read("site.yaml").splitlines(), 1)
                if needle in line)


def test_a_popular_question_that_does_not_exist_is_named_with_its_line(built_site: Site,
                                                                       tmp_path: Path) -> None:
    site = copy_built(built_site, tmp_path / "site")
    before = snapshot(site.out)
    assert before
    site.replace("site.yaml", POPULAR, POPULAR.replace("shipping-cost", "shiping-cost")
                 .replace("returns-and-exchanges", "refunds"))
    result = site.build()
    assert result.code == 1 and "Traceback" not in result.stderr
    assert f"site.yaml:{line_of(site, 'shiping-cost')}: popular question 'shiping-cost' is " \
        "not an entry (did you mean 'shipping-cost'?" in result.stderr
    assert f"site.yaml:{line_of(site, '- refunds')}: popular question 'refunds' is not an " \
        "entry" in result.stderr
    assert "content/ja/" in result.stderr  # where the editor finds the names
    assert snapshot(site.out) == before


@pytest.mark.parametrize(("written", "expected"), [
    ("popular_questions: shipping-cost\n", "popular_questions must be a list"),
    ("popular_questions:\n  - shipping-cost\n  - shipping-cost\n", "'shipping-cost' appears twice"),
    ("popular_questions:\n  - 送料\n", "write the file name of an entry"),
    ("popular_questions:\n  - {slug: shipping-cost}\n", "popular_questions.0"),
])
def test_a_badly_written_popular_questions_setting_is_explained(site: Site, written: str,
                                                                expected: str) -> None:
    site.replace("site.yaml", POPULAR + "  - order-emails\n", written)
    result = site.build()
    assert result.code == 1 and "Traceback" not in result.stderr
    line = line_of(site, "popular_questions")
    assert any(p.startswith("site.yaml:") and expected in p for p in result.problems), \
        result.stderr
    assert all(int(p.split(":")[1]) >= line for p in result.problems), result.stderr


def test_without_popular_questions_the_home_page_has_no_empty_list(site: Site) -> None:
    site.replace("site.yaml", POPULAR + "  - order-emails\n", "")
    assert site.build().code == 0
    html = site.page("ja/index.html")
    assert 'class="popular"' not in html and 'id="home-search-q"' in html


# --- One contact box, and the 404 page ---------------------------------------------------------

def test_every_page_gives_the_contact_box_once(built_site: Site) -> None:
    pages = [p for p in built_site.out.glob("*/**/index.html")]
    assert len(pages) >= 24
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert html.count('class="contact-box"') == 1, page
        footer = html.split('<footer class="site-footer">')[1].split("</footer>")[0]
        assert "@milamore.example" not in footer, f"{page}: the footer repeats the address"


def test_the_404_page_has_the_header_and_a_search_box_in_each_language(built_site: Site) -> None:
    html = built_site.page("404.html")
    assert '<header class="site-header">' in html and 'class="brand"' in html
    assert "<svg" in html.split("</header>")[0]  # the ring, drawn inline
    for lang in ("ja", "en"):
        # Two search landmarks on one page: each is named by its language's heading.
        assert re.search(rf'<h1 id="notfound-{lang}">', html)
        assert re.search(rf'<form class="search-form" role="search" aria-labelledby="notfound-'
                         rf'{lang}" action="/{lang}/search/" method="get">', html)
        assert f'<input id="notfound-q-{lang}" type="search" name="q"' in html
        assert f'<label for="notfound-q-{lang}">' in html
