"""Japanese line breaking for headings, titles and buttons.

Japanese has no spaces, so a browser may break a line between any two characters and
split a word: 「あります / か？」. BudouX (a small model, no dictionary) finds the phrase
boundaries at build time; the page gets a <wbr> at each, and style.css sets
`word-break: keep-all` on the same elements so the browser breaks only there.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from html import escape as escape_text
from html import unescape

import budoux
from markupsafe import Markup, escape

# Languages BudouX has a model for. Other languages break at spaces already.
_PARSERS = {"ja": budoux.load_default_japanese_parser}


@cache
def _parser(lang: str) -> budoux.Parser:
    return _PARSERS[lang]()


# The same titles, headings and buttons are broken on many pages (a question's title on
# its page, its neighbours', the home page's), and BudouX takes about 0.1 ms a text: the
# results are kept, for texts up to _CACHED_TEXT characters (titles and headings; a longer
# one is worked out each time) and for the last _CACHE_SIZE texts, so at most a few MB.
_CACHED_TEXT = 1_000
_CACHE_SIZE = 8_192


def phrases(lang: str, text: str) -> list[str]:
    """The text cut at its phrase boundaries: 「海外への」「発送は」「ありますか？」."""
    if lang not in _PARSERS or not text:
        return [text]
    if len(text) > _CACHED_TEXT:
        return _parser(lang).parse(str(text))
    return list(_cached_phrases(lang, str(text)))


@lru_cache(maxsize=_CACHE_SIZE)
def _cached_phrases(lang: str, text: str) -> tuple[str, ...]:
    # `text` is always a plain str here: a Markup's parts would be Markup too, and then
    # never escaped by phrase_breaks (Markup and str of the same characters are one key).
    return tuple(_parser(lang).parse(text))


def phrase_breaks(text: str, lang: str) -> Markup:
    """The text, escaped, with <wbr> between its phrases (a Jinja filter).

    A Markup is escaped like any text (its characters are taken as they are), so the
    result depends only on the characters and the language, and is cached by them."""
    text = str(text)   # a plain str, also from a Markup
    if len(text) > _CACHED_TEXT:
        return _phrase_breaks(text, lang)
    return _cached_phrase_breaks(text, lang)


def _phrase_breaks(text: str, lang: str) -> Markup:
    return Markup("<wbr>").join(escape(part) for part in phrases(lang, text))


_cached_phrase_breaks = lru_cache(maxsize=_CACHE_SIZE)(_phrase_breaks)


_HEADING = re.compile(r"(<h([1-6])\b[^>]*>)(.*?)(</h\2>)", re.S)
_TAG = re.compile(r"(<[^>]+>)")


def heading_phrase_breaks(html: str, lang: str) -> Markup:
    """An answer's HTML with <wbr> between the phrases of each heading's text (a Jinja
    filter); the markup inside a heading (an id, a link) and its text's escaping are kept
    as the sanitizer left them, and a language without phrase breaks is left untouched."""
    if lang not in _PARSERS:
        return Markup(html)

    def break_text(text: str) -> str:
        return "<wbr>".join(escape_text(part, quote=False)
                            for part in phrases(lang, unescape(text)))

    def break_heading(match: re.Match[str]) -> str:
        pieces = _TAG.split(match.group(3))
        text = "".join(piece if index % 2 else break_text(piece)
                       for index, piece in enumerate(pieces))
        return match.group(1) + text + match.group(4)
    return Markup(_HEADING.sub(break_heading, str(html)))
