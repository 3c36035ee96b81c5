"""Japanese line breaking for headings, titles and buttons.

Japanese has no spaces, so a browser may break a line between any two characters and
split a word: 「あります / か？」. BudouX (a small model, no dictionary) finds the phrase
boundaries at build time; the page gets a <wbr> at each, and style.css sets
`word-break: keep-all` on the same elements so the browser breaks only there.
"""

from __future__ import annotations

from functools import cache

import budoux
from markupsafe import Markup, escape

# Languages BudouX has a model for. Other languages break at spaces already.
_PARSERS = {"ja": budoux.load_default_japanese_parser}


@cache
def _parser(lang: str) -> budoux.Parser:
    return _PARSERS[lang]()


def phrases(lang: str, text: str) -> list[str]:
    """The text cut at its phrase boundaries: 「海外への」「発送は」「ありますか？」."""
    if lang not in _PARSERS or not text:
        return [text]
    return _parser(lang).parse(text)


def phrase_breaks(text: str, lang: str) -> Markup:
    """The text, escaped, with <wbr> between its phrases (a Jinja filter)."""
    return Markup("<wbr>").join(escape(part) for part in phrases(lang, str(text)))
