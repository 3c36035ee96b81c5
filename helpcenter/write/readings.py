"""Stage 7c: the kana readings of the Japanese answers, for searches typed in kana.

Customers type 「へんぴん」 before (or instead of) converting it to 返品. Pagefind's index
knows only the words as written, so the build reads every Japanese page that Pagefind
indexed with Sudachi (SudachiPy + sudachidict-core, a maintained morphological analyzer
whose dictionary is a PyPI package) and writes pagefind/readings.json:

    {"ja": {"words": {"へんぴん": ["返品"], ...}, "forms": {"とどく": ["届い", "届か", "届き"]}}}

the hiragana reading of every content word (noun, verb, adjective, adverb; not a
particle, auxiliary or number) and the words as the pages write them. search.js turns a
kana query into those words before Pagefind sees it, so the index, the pages and the
excerpts are unchanged: nothing hidden is added to a page. A reading is at least two
kana: a single kana is never a word on its own.

Sudachi splits in three sizes: C (long units, 迷惑メール), and A (short units, 迷惑 |
メール). Both are kept, and so is each run of two or three adjacent nouns (受注 | 生産
→ じゅちゅうせいさん), so a customer finds the word however long they type it. A verb or
adjective's other forms are also filed under the reading of its dictionary form (とどく → 届き),
apart, so that a page with the very word typed comes first.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable
from typing import NamedTuple

from sudachipy import Dictionary, Morpheme, SplitMode, Tokenizer

READINGS_FILE = "readings.json"
CONTENT_WORDS = ("名詞", "動詞", "形容詞", "形状詞", "副詞")
INFLECTED = ("動詞", "形容詞")
NOUN_RUN = 3  # the longest run of adjacent nouns filed as one compound
SHORTEST_READING = 2
LONGEST_INPUT = 49149  # bytes: Sudachi refuses a longer text ("Input is too long")


# Katakana ァ..ヶ -> hiragana ぁ..ゖ (0x60 lower); a constant, built once.
_KATAKANA_TO_HIRAGANA = {code: code - 0x60 for code in range(ord("ァ"), ord("ヶ") + 1)}


def to_hiragana(text: str) -> str:
    """NFKC (half-width katakana, full-width letters), then katakana as hiragana.

    str.translate rather than a loop over characters: the synonym check runs this over
    the text of every page (a third of a second at 2×100 with the loop)."""
    return unicodedata.normalize("NFKC", text).translate(_KATAKANA_TO_HIRAGANA)


def is_kana(text: str) -> bool:
    return all("ぁ" <= c <= "ゖ" or c == "ー" for c in text)


def make_tokenizer() -> Tokenizer:
    """Loads sudachidict-core (about 0.1 s)."""
    return Dictionary(dict="core").tokenizer(SplitMode.C)


class _Word(NamedTuple):
    """What the readings need of a morpheme, worked out once per dictionary word."""

    surface: str
    reading_form: str
    is_noun: bool
    pairs: tuple[tuple[str, str, bool], ...]  # of the word and its parts (_pairs)


def readings_of(texts: Iterable[str], tokenizer: Tokenizer) -> dict[str, dict[str, list[str]]]:
    """{"words": {reading: the words written with it}, "forms": {reading of a dictionary
    form: the other forms of that word in the texts}}, sorted.

    「ことなる」 finds 異なる first, and also 異なり and 異なっ; 「ことなり」 finds 異なり.
    A word's readings are worked out at its first occurrence only (a dictionary entry
    and its text decide them): a quarter of the time at 1,000 pages, not half of it.
    """
    words: dict[str, set[str]] = {}
    forms: dict[str, set[str]] = {}
    known: dict[tuple[int, int, str], _Word] = {}
    for text in texts:
        for piece in (piece for line in text.splitlines() for piece in _pieces(line)):
            found = []
            for morpheme in tokenizer.tokenize(piece):
                key = (morpheme.word_id(), morpheme.part_of_speech_id(), morpheme.surface())
                word = known.get(key)
                if word is None:
                    word = known[key] = _Word(key[2], morpheme.reading_form(),
                                              _is_noun(morpheme), tuple(_pairs(morpheme)))
                found.append(word)
            for reading, surface, is_form in _all_pairs(found):
                if len(reading) >= SHORTEST_READING and is_kana(reading):
                    (forms if is_form else words).setdefault(reading, set()).add(surface)
    forms = {reading: found - words.get(reading, set()) for reading, found in forms.items()}
    return {"words": _sorted(words), "forms": _sorted({r: f for r, f in forms.items() if f})}


def _pieces(line: str) -> list[str]:
    """The line, or if Sudachi would refuse it, pieces of it cut after a 。 or a space
    (a whole page is one line in Pagefind's fragments: 16,000 Japanese characters)."""
    pieces = []
    while len(line.encode("utf-8")) > LONGEST_INPUT:
        head = line[:LONGEST_INPUT // 4]  # a character is at most 4 bytes
        cut = max(head.rfind("。"), head.rfind(" "), head.rfind("\u3000")) + 1 or len(head)
        pieces.append(line[:cut])
        line = line[cut:]
    return [*pieces, line]


def _sorted(found: dict[str, set[str]]) -> dict[str, list[str]]:
    return {reading: sorted(words) for reading, words in sorted(found.items())}


def _all_pairs(words: list[_Word]) -> Iterable[tuple[str, str, bool]]:
    """(reading, surface, True if the reading is of the dictionary form) of each content
    word of a line, of its parts, and of its runs of nouns."""
    for word in words:
        yield from word.pairs
    for reading, surface in _noun_runs(words):
        yield reading, surface, False


def _pairs(morpheme: Morpheme) -> Iterable[tuple[str, str, bool]]:
    if not _is_content_word(morpheme):
        return
    reading = to_hiragana(morpheme.reading_form())
    yield reading, morpheme.surface(), False
    if morpheme.part_of_speech()[0] in INFLECTED:
        lemma = _dictionary_reading(morpheme, reading)
        if lemma and lemma != reading:
            yield lemma, morpheme.surface(), True
    for part in morpheme.split(SplitMode.A):
        if _is_content_word(part) and part.surface() != morpheme.surface():
            yield to_hiragana(part.reading_form()), part.surface(), False


def _dictionary_reading(morpheme: Morpheme, reading: str) -> str:
    """届き (とどき) -> とどく: the reading of the stem, then the dictionary form's kana ending."""
    dictionary_form = morpheme.dictionary_form()
    stem = _common_prefix(morpheme.surface(), dictionary_form)
    if not stem:
        return ""
    reading_stem = reading[:len(reading) - (len(morpheme.surface()) - len(stem))]
    return reading_stem + to_hiragana(dictionary_form[len(stem):])


def _noun_runs(words: list[_Word]) -> Iterable[tuple[str, str]]:
    for start in range(len(words)):
        for end in range(start + 1, min(start + NOUN_RUN, len(words)) + 1):
            if not words[end - 1].is_noun:
                break  # and so is every longer run from `start`
            if end - start >= 2:
                run = words[start:end]
                yield (to_hiragana("".join(w.reading_form for w in run)),
                       "".join(w.surface for w in run))


def _is_content_word(morpheme: Morpheme) -> bool:
    pos = morpheme.part_of_speech()
    return pos[0] in CONTENT_WORDS and pos[1] != "数詞" and pos[1] != "非自立可能" \
        and any(c.isalpha() for c in morpheme.surface())


def _is_noun(morpheme: Morpheme) -> bool:
    pos = morpheme.part_of_speech()
    return pos[0] in ("名詞", "接尾辞") and pos[1] != "数詞" \
        and any(c.isalpha() for c in morpheme.surface())


def _common_prefix(a: str, b: str) -> str:
    length = 0
    while length < min(len(a), len(b)) and a[length] == b[length]:
        length += 1
    return a[:length]


def readings_file(texts_by_language: dict[str, list[str]]) -> bytes:
    """pagefind/readings.json for the Japanese pages (the only language read in kana)."""
    japanese = texts_by_language.get("ja", [])
    readings = {"ja": readings_of(japanese, make_tokenizer())} if japanese else {}
    return json.dumps(readings, ensure_ascii=False, sort_keys=True,
                      separators=(",", ":")).encode("utf-8")
