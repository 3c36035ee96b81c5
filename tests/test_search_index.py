"""The search index and the search pages, as the build writes them (no browser).

Pagefind indexes the staged site before the swap: each language gets its own index of
exactly its entries, only the question and answer are indexed, the search box on every
page submits to its language's search page, and a failed index changes nothing.
What a customer finds with it is tested in a real browser: tests/browser/test_search.py.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import signal
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import ROOT, Site, snapshot
from pagefind.service import get_executable

from helpcenter.preview.builder import PreviewBuilder
from helpcenter.preview.search import SearchIndex
from helpcenter.problems import BuildFailed
from helpcenter.write import search_index
from helpcenter.write.readings import make_tokenizer, readings_of
from helpcenter.write.search_index import (
    KEPT_BUNDLES,
    PagefindService,
    SearchIndexer,
    bundle_key,
    indexed_part,
    pages_to_index,
)

LANGUAGES = ("ja", "en")
# Texts of the page around the answer, which must never be found by a search.
NOT_ANSWERS = {
    "ja": ["計算ツールで確かめる", "お支払い予定のカード", "送料を表示", "この回答は役に立ちましたか",
           "関連するご質問", "解決しない場合は", "ヘルプセンター内を検索", "回答へ移動",
           "ご回答ありがとうございました"],
    "en": ["Check it for your order", "Where should we ship", "Show the shipping cost", "Was this answer helpful",
           "Related questions", "Still need help", "Search the help center", "Skip to the answer",
           "Thank you for letting us know"],
}


def entries(lang: str) -> set[str]:
    return {p.stem for p in (ROOT / "content" / lang).glob("*.md")}


def fragments(out: Path, lang: str) -> list[dict]:
    """What Pagefind stored for each page of a language (gzip, a signature, then JSON).

    In Japanese a zero-width space separates the words Pagefind found (pagefind.js
    removes it before showing an excerpt); it is removed here too.
    """
    found = []
    for path in sorted((out / "pagefind" / "fragment").glob(f"{lang}_*.pf_fragment")):
        data = gzip.decompress(path.read_bytes())
        fragment = json.loads(data[data.index(b"{"):])
        found.append({**fragment, "content": fragment["content"].replace("\u200b", "")})
    return found


class _Forms(HTMLParser):
    """The forms of a page, with their inputs, and the labels' `for` targets."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self.labels: set[str] = set()
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.forms.append({**values, "inputs": []})
        elif tag == "input" and self.forms:
            self.forms[-1]["inputs"].append(values)
        elif tag == "label" and values.get("for"):
            self.labels.add(values["for"])


def search_forms(html: str) -> tuple[list[dict], set[str]]:
    parsed = _Forms(html)
    return [f for f in parsed.forms if f.get("role") == "search"], parsed.labels


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_language_has_its_own_index_of_exactly_its_entries(built_site: Site,
                                                                lang: str) -> None:
    entry = json.loads((built_site.out / "pagefind" / "pagefind-entry.json").read_text())
    assert sorted(entry["languages"]) == sorted(LANGUAGES)
    assert entry["languages"][lang]["page_count"] == len(entries(lang))
    urls = {f["url"] for f in fragments(built_site.out, lang)}
    assert urls == {f"/{lang}/{slug}/" for slug in entries(lang)}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_only_the_question_and_answer_are_indexed_with_the_question_as_title(
        built_site: Site, lang: str) -> None:
    for fragment in fragments(built_site.out, lang):
        slug = fragment["url"].strip("/").split("/")[1]
        source = (ROOT / "content" / lang / f"{slug}.md").read_text(encoding="utf-8")
        title = re.search(r"^title: (.+)$", source, re.M).group(1).strip()
        assert fragment["meta"]["title"] == title
        assert fragment["content"].startswith(title)
        for text in NOT_ANSWERS[lang]:
            assert text not in fragment["content"], f"{fragment['url']} indexes {text!r}"


def test_the_answer_text_with_policy_values_is_what_is_indexed(built_site: Site) -> None:
    by_url = {f["url"]: f["content"] for lang in LANGUAGES for f in fragments(built_site.out,
                                                                                lang)}
    assert "全国一律1,000円" in by_url["/ja/shipping-cost/"]
    assert "¥1,000" in by_url["/en/shipping-cost/"]
    assert "PayPal" in by_url["/en/payment-methods/"]


def test_the_bundle_holds_what_the_search_page_loads_and_not_pagefinds_own_ui(
        built_site: Site) -> None:
    bundle = built_site.out / "pagefind"
    for name in ("pagefind.js", "pagefind-worker.js", "wasm.en.pagefind",
                 "wasm.unknown.pagefind"):  # Japanese has no stemmer: it uses "unknown"
        assert (bundle / name).is_file(), name
    assert not list(bundle.glob("*-ui.*")) and not (bundle / "pagefind-highlight.js").exists()


def test_the_words_of_the_japanese_index_are_published_for_the_search_page(
        built_site: Site) -> None:
    """The index has クレジットカード in two words; search.js splits the query the same way."""
    words = json.loads((built_site.out / "pagefind" / "words.json").read_text(encoding="utf-8"))
    assert list(words) == ["ja"]  # English is split at spaces: nothing to align
    assert {"クレジット", "カード", "お", "支払い", "送料", "PayPal"} <= set(words["ja"])
    assert "クレジットカード" not in words["ja"] and "お支払い" not in words["ja"]
    assert words["ja"] == sorted(set(words["ja"]))
    assert not [w for w in words["ja"] if not any(c.isalnum() for c in w)]  # no punctuation


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_has_a_search_box_that_submits_to_its_language_search_page(
        built_site: Site, lang: str) -> None:
    pages = sorted((built_site.out / lang).rglob("index.html"))
    assert len(pages) == len(entries(lang)) + 3  # entries, home, calculator, search
    for page in pages:
        forms, labels = search_forms(page.read_text(encoding="utf-8"))
        assert len(forms) == 1, f"{page}: {len(forms)} search forms"
        form = forms[0]
        assert (form["action"], form["method"]) == (f"/{lang}/search/", "get"), page
        [field] = [i for i in form["inputs"] if i.get("name") == "q"]
        assert field["type"] == "search" and field["id"] in labels, page


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_search_page_links_its_translation_and_knows_where_the_index_is(
        built_site: Site, lang: str) -> None:
    html = built_site.page(f"{lang}/search/index.html")
    other = next(code for code in LANGUAGES if code != lang)
    assert f'<html lang="{lang}">' in html
    assert f'href="/{other}/search/" hreflang="{other}"' in html
    assert f'<link rel="alternate" hreflang="{other}" href="https://help.milamore.example/' \
           f'{other}/search/">' in html
    assert 'data-bundle="/pagefind/"' in html
    assert re.search(r'<script type="module" src="/assets/search\.[0-9a-f]{10}\.js"></script>',
                     html)
    assert "mailto:support@milamore.example" in html  # no results / not available / no JS


def test_under_a_sub_path_the_search_box_and_the_index_follow_the_base_url(site: Site) -> None:
    assert site.build("--base-url", "https://example.org/helpcenter/").code == 0
    html = site.page("en/search/index.html")
    assert 'data-bundle="/helpcenter/pagefind/"' in html
    assert 'action="/helpcenter/en/search/"' in site.page("en/shipping-cost/index.html")
    # The index holds addresses from the site's root; pagefind.js puts the sub-path
    # before them (its base URL is where the bundle is, less /pagefind/).
    assert {f["url"] for f in fragments(site.out, "en")} == {f"/en/{s}/" for s in entries("en")}


def test_the_index_is_written_into_the_output_only(site: Site, tmp_path: Path) -> None:
    """Pagefind's own default is ./pagefind in the working directory: never used."""
    elsewhere = tmp_path / "working-directory"
    elsewhere.mkdir()
    done = subprocess.run([sys.executable, str(ROOT / "build.py"), "--root", str(site.root),
                           "build", "--out", str(site.out)], cwd=elsewhere,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert list(elsewhere.iterdir()) == []
    assert (site.out / "pagefind" / "pagefind.js").is_file()


def test_a_failed_index_leaves_the_published_site_untouched(site: Site,
                                                            monkeypatch) -> None:
    assert site.build().code == 0
    before = snapshot(site.out)
    site.replace("content/policies.yaml", "fee: 1000 ", "fee: 1100 ")
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(site.root / "no-such-pagefind"))
    result = site.build()
    assert result.code == 1
    assert result.problems == [f"(search index): Pagefind failed: No such file or directory: "
                               f"{site.root / 'no-such-pagefind'} (reinstall the requirements: "
                               "bash .ci/setup (pagefind[extended] is in requirements.txt))"]
    assert "Traceback" not in result.stderr
    assert snapshot(site.out) == before
    assert sorted(p.name for p in site.root.iterdir() if "public" in p.name) == sorted(
        ["public", site.out.resolve().name]), "the link and the one site it points to"


def test_an_entry_template_without_the_index_marker_fails_the_build(site: Site) -> None:
    site.replace("theme/templates/entry.html", " data-pagefind-body", "")
    result = site.build()
    assert result.code == 1
    # Without data-pagefind-body Pagefind indexes whole pages, home and search included.
    assert "(search index): the 'en' search index has 12 pages, not the 9 entries of that " \
           "language" in result.stderr
    assert not site.out.exists()


def test_a_broken_link_on_the_search_page_is_reported_by_the_link_check(site: Site) -> None:
    site.replace("theme/templates/search.html", "home=urls.home(lang), address",
                 'home=urls.home(lang) ~ "no-such-page/", address')
    result = site.run("check")
    assert result.code == 1
    assert "(output) ja/search/index.html: broken link '/ja/no-such-page/'" in result.stderr


# The indexer's own interface, as the pipeline and the preview call it.

def indexed_pages(out: Path) -> list[tuple[str, str]]:
    return indexed_pages_of(snapshot(out))


def indexed_pages_of(files: dict[str, bytes]) -> list[tuple[str, str]]:
    return [(path, files[path].decode("utf-8")) for path in pages_to_index(files, LANGUAGES)]


def make_bundle(pages: list[tuple[str, str]], cache: Path | None = None) -> dict[str, bytes]:
    with SearchIndexer(cache) as indexer:
        indexer.start(warm_up=any(path.startswith("ja/") for path, _ in pages))
        for path, html in pages:
            indexer.add(path, html)
        return indexer.finish()


def test_the_indexer_gives_the_published_bundle_in_memory(built_site: Site) -> None:
    """Pagefind warmed up on a throw-away Japanese page makes the same bundle."""
    published = {path.removeprefix("pagefind/"): data
                 for path, data in snapshot(built_site.out).items()
                 if path.startswith("pagefind/") and path != "pagefind/synonyms.json"}
    assert make_bundle(indexed_pages(built_site.out)) == published


def test_pages_must_be_added_in_sorted_order() -> None:
    with SearchIndexer() as indexer:
        indexer.add("en/b/index.html", "<html></html>")
        with pytest.raises(ValueError, match="sorted order"):
            indexer.add("en/a/index.html", "<html></html>")


def test_the_bundle_of_unchanged_pages_is_reused_without_starting_pagefind(
        built_site: Site, tmp_path: Path, monkeypatch) -> None:
    pages = indexed_pages(built_site.out)
    cache = tmp_path / "cache"
    first = make_bundle(pages, cache)
    assert [p.name for p in cache.iterdir()] == [f"{bundle_key(pages)}.bundle"]

    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "no-such-pagefind"))
    assert make_bundle(pages, cache) == first  # Pagefind would have failed

    changed = [(path, html.replace("全国一律", "全国どこでも一律")) for path, html in pages]
    assert bundle_key(changed) != bundle_key(pages)
    with pytest.raises(BuildFailed, match="Pagefind failed: No such file or directory"):
        make_bundle(changed, cache)
    monkeypatch.delenv("PAGEFIND_BINARY_PATH")

    stored = cache / f"{bundle_key(pages)}.bundle"
    data = bytearray(stored.read_bytes())
    data[len(data) // 2] ^= 1  # one bit of the stored index
    stored.write_bytes(bytes(data))
    assert make_bundle(pages, cache) == first  # made again, and stored again whole
    assert stored.read_bytes() != bytes(data)
    (cache / ".half-written.part").write_bytes(b"helpcenter-search-bundle")
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "no-such-pagefind"))
    assert make_bundle(pages, cache) == first


def test_the_bundles_last_used_are_kept_for_a_site_that_goes_back(
        tmp_path: Path, monkeypatch) -> None:
    """An editor who undoes a change or switches branches gets the earlier bundle back
    without Pagefind; the cache keeps the KEPT_BUNDLES bundles used last, not more."""
    cache = tmp_path / "cache"

    def state(n: int) -> list[tuple[str, str]]:
        return [("en/a/index.html", f'<html lang="en"><head><title>A</title></head><body>'
                                    f"<main data-pagefind-body><p>word{n}</p></main></body></html>")]

    made = [make_bundle(state(n), cache) for n in range(KEPT_BUNDLES)]
    assert len(list(cache.glob("*.bundle"))) == KEPT_BUNDLES
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "no-such-pagefind"))
    assert make_bundle(state(0), cache) == made[0]   # used again: now the newest
    monkeypatch.delenv("PAGEFIND_BINARY_PATH")
    make_bundle(state(KEPT_BUNDLES), cache)           # one more: the oldest unused goes
    assert len(list(cache.glob("*.bundle"))) == KEPT_BUNDLES
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "no-such-pagefind"))
    assert make_bundle(state(0), cache) == made[0]
    assert make_bundle(state(2), cache) == made[2]
    with pytest.raises(BuildFailed, match="Pagefind failed"):
        make_bundle(state(1), cache)


def test_pagefind_is_given_only_the_part_of_a_page_it_reads(built_site: Site,
                                                            monkeypatch) -> None:
    """The head and the data-pagefind-body element make the same bundle as the page."""
    pages = indexed_pages(built_site.out)
    trimmed = make_bundle(pages)
    entry = dict(pages)["en/shipping-cost/index.html"]
    assert len(indexed_part(entry)) < len(entry) / 2
    monkeypatch.setattr(search_index, "indexed_part", lambda html: html)
    assert make_bundle(pages) == trimmed


def _counted_pagefind(tmp_path: Path, monkeypatch) -> Path:
    """PAGEFIND_BINARY_PATH: the real Pagefind, each start written down with its pid."""
    real = get_executable()
    starts = tmp_path / "starts"
    program = tmp_path / "pagefind"
    program.write_text(f'#!/bin/sh\necho $$ >> "{starts}"\nexec "{real}" "$@"\n')
    program.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(program))
    return starts


def _index(service: PagefindService, pages: list[tuple[str, str]]) -> dict[str, bytes]:
    with SearchIndexer(service=service) as indexer:
        indexer.start(warm_up=any(path.startswith("ja/") for path, _ in pages))
        for path, html in pages:
            indexer.add(path, html)
        return indexer.finish()


def test_the_previews_pagefind_makes_index_after_index_as_a_new_one_would(
        built_site: Site, tmp_path: Path, monkeypatch) -> None:
    """The live preview keeps one Pagefind (its Japanese segmenter loads once): each
    index it makes is the bundle a Pagefind of its own makes, whatever came before."""
    pages = indexed_pages(built_site.out)
    states = [
        pages,
        [(path, html.replace("全国一律", "全国どこでも一律")) for path, html in pages],
        pages[1:],                                          # an answer deleted
        [(path, html) for path, html in pages if path.startswith("en/")],
        pages,
    ]
    made: dict[str, dict[str, bytes]] = {}   # each state's bundle, by a Pagefind of its own
    for state in states:
        if bundle_key(state) not in made:
            made[bundle_key(state)] = make_bundle(state)
    expected = [made[bundle_key(state)] for state in states]
    starts = _counted_pagefind(tmp_path, monkeypatch)
    service = PagefindService()
    try:
        assert [_index(service, state) for state in states] == expected
    finally:
        service.close()
    assert len(starts.read_text().split()) == 1


def test_the_previews_pagefind_is_started_again_after_it_died_or_was_left_halfway(
        site: Site, tmp_path: Path, monkeypatch) -> None:
    """A Pagefind killed between two indexes (at once, or after it has ended), or left
    halfway through one (the preview stopping), is replaced by a new one: the index is
    made as if nothing happened."""
    preview = PreviewBuilder(site.root, "http://127.0.0.1:8000/")
    assert preview.build_all().ok
    changed = dict(preview.files)
    changed["en/receipts/index.html"] = changed["en/receipts/index.html"].replace(
        b"</main>", b"<p>One more paragraph.</p></main>")
    expected, other = (make_bundle(indexed_pages_of(files)) for files in (preview.files, changed))
    starts = _counted_pagefind(tmp_path, monkeypatch)
    search = SearchIndex()
    try:
        assert _bundle(search.refresh(preview.files, preview.pages)) == expected
        pid = int(starts.read_text().split()[-1])
        os.kill(pid, signal.SIGKILL)                                 # killed just now
        assert _bundle(search.refresh(changed, preview.pages)) == other
        pid = int(starts.read_text().split()[-1])
        os.kill(pid, signal.SIGKILL)
        while os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is None:
            time.sleep(0.01)                                         # and has ended
        assert _bundle(search.refresh(preview.files, preview.pages)) == expected
        with SearchIndexer(service=search._pagefind) as indexer:    # left halfway
            indexer.start()
            indexer.add("en/a/index.html", "<html></html>")
        assert _bundle(search.refresh(changed, preview.pages)) == other
    finally:
        search.close()
    assert len(starts.read_text().split()) == 4


def test_a_search_index_that_keeps_failing_is_tried_once_more_then_reported(
        site: Site, tmp_path: Path, monkeypatch) -> None:
    """A failure after Pagefind answered (a bundle that cannot be read) stops the kept
    Pagefind; a new one tries once, and then the problem is said: never an endless
    retry that would also keep the preview from stopping."""
    preview = PreviewBuilder(site.root, "http://127.0.0.1:8000/")
    assert preview.build_all().ok
    starts = _counted_pagefind(tmp_path, monkeypatch)
    search = SearchIndex()
    try:
        search.refresh(preview.files, preview.pages)
        changed = dict(preview.files)
        changed["en/receipts/index.html"] += b" "

        def unreadable(made: dict[str, bytes]) -> dict[str, bytes]:
            raise ValueError("a fragment that cannot be read")
        monkeypatch.setattr(search_index, "complete_bundle", unreadable)
        with pytest.raises(BuildFailed, match="a fragment that cannot be read"):
            search.refresh(changed, preview.pages)
        assert len(starts.read_text().split()) == 2
        monkeypatch.undo()
        monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "pagefind"))
        assert "pagefind/pagefind-entry.json" in search.refresh(changed, preview.pages)
    finally:
        search.close()
    assert len(starts.read_text().split()) == 3


def _bundle(served: dict[str, bytes]) -> dict[str, bytes]:
    """The preview's index files (pagefind/…) as SearchIndexer gives them."""
    return {path.removeprefix("pagefind/"): data for path, data in served.items()}


@pytest.mark.parametrize(("html", "sent"), [
    ('<html lang="en"><head><title>T</title></head><body class="b"><nav>n</nav>'
     "<article data-pagefind-body>a<article>b</article>c</article><footer>f</footer>"
     "</body></html>",
     '<html lang="en"><head><title>T</title></head><body class="b">'
     "<article data-pagefind-body>a<article>b</article>c</article></body></html>"),
    ("<html><body><p>no marker</p></body></html>", None),
    ("<html><body><div data-pagefind-body>a</div><p data-pagefind-filter='x'>f</p></body></html>",
     None),  # a filter outside the body: the whole page
    ("<html><body><div data-pagefind-body>not closed</body></html>", None),
])
def test_the_indexed_part_of_a_page(html: str, sent: str | None) -> None:
    assert indexed_part(html) == (html if sent is None else sent)


def test_the_readings_of_a_page_longer_than_sudachi_takes_at_once() -> None:
    """Sudachi refuses more than 49,149 bytes; a page's text is one line for it."""
    text = "ご注文の商品を返品される場合は、当店までご連絡ください。" * 800  # 66,000 bytes
    words = readings_of([text], make_tokenizer())["words"]
    assert words["へんぴん"] == ["返品"] and words["ちゅうもん"] == ["注文"]
