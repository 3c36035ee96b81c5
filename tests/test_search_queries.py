"""What a customer finds with the queries people type, on the real help center's index.

The site's own search-query.js runs in Node over the built Pagefind index with the bundle's
pagefind.js (tests/js/run_search.mjs), as the search page runs it; the browser tests
(tests/browser/test_search.py) check the page around it. The words typed in kana come from
the analyzer (Sudachi) reading each answer, not from a list typed here.
"""

from __future__ import annotations

import gzip
import json
import re
import subprocess
from collections import defaultdict

import pytest
from conftest import ROOT, Site
from sudachipy import Dictionary, SplitMode

RUNNER = ROOT / "tests" / "js" / "run_search.mjs"
ASSETS = ROOT / "theme" / "static"
CONTENT_WORDS = ("名詞", "動詞", "形容詞")
KANJI_OR_KATAKANA = re.compile(r"[\u4e00-\u9fff\u30a1-\u30fa]")


def search(site: Site, lang: str, queries: list[str], typing: bool = False) -> dict[str, dict]:
    """{query: {terms, pages (slugs, best first), unanswered, excerpts}}."""
    data = json.dumps([{"q": q, "typing": typing} for q in queries])
    run = subprocess.run(["node", str(RUNNER), str(site.out), str(ASSETS), lang], input=data,
                         capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stderr
    return {result["q"]: result for result in json.loads(run.stdout)}


def first(site: Site, lang: str, queries: list[str]) -> dict[str, str | None]:
    return {q: (r["pages"] or [None])[0] for q, r in search(site, lang, queries).items()}


def indexed_texts(site: Site, lang: str) -> dict[str, str]:
    """{slug: the page's text as Pagefind indexed it}."""
    texts = {}
    for path in sorted((site.out / "pagefind" / "fragment").glob(f"{lang}_*.pf_fragment")):
        data = gzip.decompress(path.read_bytes())
        fragment = json.loads(data[data.index(b"{"):])
        slug = fragment["url"].rstrip("/").rsplit("/", 1)[-1]
        texts[slug] = fragment["content"].replace("\u200b", "")
    return texts


def hiragana(text: str) -> str:
    return "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in text)


def content_words(text: str) -> list[tuple[str, str]]:
    """(word as written, its reading in hiragana) of the nouns, verbs and adjectives."""
    tokenizer = Dictionary(dict="core").tokenizer(SplitMode.C)
    words = []
    for line in text.splitlines():
        for m in tokenizer.tokenize(line):
            pos = m.part_of_speech()
            reading = hiragana(m.reading_form())
            if pos[0] in CONTENT_WORDS and pos[1] != "数詞" and pos[1] != "非自立可能" \
                    and KANJI_OR_KATAKANA.search(m.surface()) and len(reading) >= 2 \
                    and re.fullmatch(r"[ぁ-ゖー]+", reading):
                words.append((m.surface(), reading))
    return words


@pytest.fixture(scope="module")
def japanese_words(built_site: Site) -> dict[str, list[tuple[str, str]]]:
    return {slug: content_words(text) for slug, text in indexed_texts(built_site, "ja").items()}


def test_every_content_word_of_an_answer_typed_in_hiragana_finds_its_entry(
        built_site: Site, japanese_words: dict[str, list[tuple[str, str]]]) -> None:
    readings = sorted({reading for words in japanese_words.values() for _, reading in words})
    assert len(readings) > 150  # the nine answers, read by the analyzer
    found = search(built_site, "ja", readings)
    missed = [f"{slug}: {word} ({reading}) -> {found[reading]['pages']}"
              for slug, words in sorted(japanese_words.items()) for word, reading in words
              if slug not in found[reading]["pages"]]
    assert not missed, "\n".join(missed)


def test_a_word_that_only_one_entry_has_finds_that_entry_first(
        built_site: Site, japanese_words: dict[str, list[tuple[str, str]]]) -> None:
    texts = indexed_texts(built_site, "ja")
    readings_of_words: dict[str, set[str]] = defaultdict(set)
    for words in japanese_words.values():
        for word, reading in words:
            readings_of_words[reading].add(word)
    owner = {}
    for slug, words in japanese_words.items():
        for word, reading in words:
            # the reading is this word's only, and no other page writes the word
            if readings_of_words[reading] == {word} and \
                    [s for s, text in texts.items() if word in text] == [slug]:
                owner[reading] = (slug, word)
    assert len(owner) > 40
    found = first(built_site, "ja", sorted(owner))
    wrong = [f"{reading} ({word}): first {found[reading]}, not {slug}"
             for reading, (slug, word) in sorted(owner.items()) if found[reading] != slug]
    assert not wrong, "\n".join(wrong)


# The queries, and more of each kind.
KANA_FOR_KANJI = {"へんぴん": "returns-and-exchanges", "そうりょう": "shipping-cost",
                  "はっそう": "delivery-time", "りょうしゅうしょ": "receipts",
                  "めいわくめーる": "order-emails", "じゅちゅうせいさん": "delivery-time",
                  "あふたーさーびす": "after-sales-service"}
KATAKANA_AND_WIDTH = {"ヘンピン": "returns-and-exchanges", "ｿｳﾘｮｳ": "shipping-cost",
                      "ﾍﾝﾋﾟﾝ": "returns-and-exchanges", "リョウシュウショ": "receipts",
                      "ＧＭＡＩＬ": "order-emails", "ｷﾞﾌﾄ": "gift-wrapping"}
LONG_VOWEL_MARKS = {"めーる": "order-emails", "めｰる": "order-emails", "メ-ル": "order-emails",
                    "さいず": "after-sales-service", "さーびす": "after-sales-service",
                    "あふた〜さ〜びす": "after-sales-service"}
SENTENCES = {"へんぴんできますか": "returns-and-exchanges", "そうりょうはいくら": "shipping-cost",
             "返品できますか": "returns-and-exchanges", "りょうしゅうしょがほしい": "receipts",
             "めーるがとどかない": "order-emails"}
BRANDS = {"ダイナース": "payment-methods", "アメックス": "payment-methods",
          "ビザ": "payment-methods", "マスター": "payment-methods", "ペイパル": "payment-methods",
          "ﾀﾞｲﾅｰｽ": "payment-methods", "だいなーす": "payment-methods",
          "じぇーしーびー": "payment-methods",
          "にほん": "shipping-cost"}  # content/synonyms.yaml: Sudachi reads 日本 as にっぽん


@pytest.mark.parametrize("cases", [KANA_FOR_KANJI, KATAKANA_AND_WIDTH, LONG_VOWEL_MARKS,
                                   SENTENCES, BRANDS],
                         ids=["kana", "katakana-width", "long-vowel", "sentences", "brands"])
def test_japanese_queries_find_the_right_answer_first(built_site: Site,
                                                      cases: dict[str, str]) -> None:
    assert first(built_site, "ja", list(cases)) == cases


def test_a_word_still_being_typed_finds_the_answer(built_site: Site) -> None:
    typing = {"へんぴ": "returns-and-exchanges", "そうりょ": "shipping-cost",
              "りょうしゅ": "receipts", "めいわくめ": "order-emails"}
    found = search(built_site, "ja", list(typing), typing=True)
    assert {q: (r["pages"] or [None])[0] for q, r in found.items()} == typing


PARTICLES_AND_SINGLE_KANA = ["へ", "の", "は", "を", "に", "が", "で", "と", "も", "か", "ん", "ア",
                             "ﾍ", "ます", "です", "ですか", "ください", "a", "I"]


def test_a_particle_or_a_single_kana_finds_nothing(built_site: Site) -> None:
    ja = search(built_site, "ja", PARTICLES_AND_SINGLE_KANA, typing=True)
    en = search(built_site, "en", ["a", "I", "the", "is", "how"])
    assert {q: r["pages"] for q, r in (ja | en).items() if r["pages"]} == {}


def test_a_query_the_help_center_has_no_answer_for_says_so(built_site: Site) -> None:
    """関税 and customs: no page says it; キャンセル and cancel: only the e-mail page's disclaimer."""
    for lang, queries in {"ja": ["関税", "キャンセル", "きゃんせる", "キャンセルしたい"],
                          "en": ["customs", "cancel", "Cancellation", "customs duties"]}.items():
        found = search(built_site, lang, queries)
        assert all(r["unanswered"] for r in found.values()), found
    nowhere = {"ja": ["ポイント", "クーポン", "会員登録", "関", "ティファニー"],
               "en": ["coupon", "warranty", "loyalty points", "tiffany"]}
    for lang, queries in nowhere.items():
        found = search(built_site, lang, queries)
        assert {q: r["pages"] for q, r in found.items()} == {query: [] for query in queries}


def test_english_queries_find_the_right_answer_first(built_site: Site) -> None:
    cases = {"shipping": "shipping-cost", "How much is shipping?": "shipping-cost",
             "returns": "returns-and-exchanges", "amex": "payment-methods",
             "diners": "payment-methods", "receipt": "receipts", "present": "gift-wrapping"}
    assert first(built_site, "en", list(cases)) == cases


def test_an_excerpt_starts_at_a_sentence_that_has_the_word(built_site: Site) -> None:
    texts = {"ja": indexed_texts(built_site, "ja"), "en": indexed_texts(built_site, "en")}
    for lang, query, word in [("ja", "そうりょう", "送料"), ("ja", "ダイナース", "Diners Club"),
                              ("ja", "りょうしゅうしょ", "領収書"), ("en", "flat", "flat"),
                              ("en", "gmail", "Gmail"), ("en", "Diners", "Diners")]:
        result = search(built_site, lang, [query])[query]
        excerpt = result["excerpts"][0]
        text = texts[lang][result["pages"][0]]
        start = text.index(excerpt[:12])
        before = text[:start].rstrip()
        assert word.lower() in excerpt.lower(), (query, excerpt)
        assert start == 0 or before.endswith(("。", ".", "?", "!", "？", "！")), (query, excerpt)
