"""Stage 1d: content/synonyms.yaml, the words customers type for the words the answers use.

Editors keep it; per language:

    ja:
      synonyms:
        ダイナース: Diners Club       # what a customer types: the word(s) the answers use
        アメックス: American Express
      unanswered: [キャンセル]        # topics the help center has no answer for

A synonym sends a query to the answers that use its target words, so every target must be
written in at least one page of its language (checked on the rendered pages): a synonym
can never point a customer at a page that does not answer them. A query that names an
`unanswered` topic is told that there is no answer, with the contact address, even where
a page mentions the word in passing (キャンセル in the e-mail page's disclaimer).

The browser gets the list as pagefind/synonyms.json, each key normalised as search.js
normalises a query (NFKC, lower case, katakana as hiragana).
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from helpcenter.load.yamlfile import LineMap, parse_yaml
from helpcenter.problems import Problem
from helpcenter.render.pages import Page
from helpcenter.write.readings import to_hiragana
from helpcenter.write.search_index import indexed_part

SYNONYMS_FILE = "synonyms.json"
KEYS = ("synonyms", "unanswered")
SHORTEST = 2  # a single kana or letter is never a word on its own
TAGS = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Synonyms:
    path: str = "content/synonyms.yaml"
    by_language: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    unanswered: dict[str, list[str]] = field(default_factory=dict)
    lines: LineMap | None = None

    def browser_file(self) -> bytes:
        """pagefind/synonyms.json: {lang: {synonyms: {normalised: targets}, unanswered}}."""
        languages = sorted(set(self.by_language) | set(self.unanswered))
        data = {lang: {"synonyms": {normalise(k): v for k, v in
                                    sorted(self.by_language.get(lang, {}).items())},
                       "unanswered": sorted(normalise(t) for t in self.unanswered.get(lang, []))}
                for lang in languages}
        return json.dumps(data, ensure_ascii=False, sort_keys=True,
                          separators=(",", ":")).encode("utf-8")


def normalise(text: str) -> str:
    """As search.js's normalise: NFKC, lower case, katakana as hiragana, one space."""
    return " ".join(to_hiragana(unicodedata.normalize("NFKC", text).lower()).split())


def load_synonyms(path: Path, display: str, languages: list[str]) -> tuple[Synonyms, list[Problem]]:
    """The list, or an empty one if the file does not exist; every problem at once."""
    if not path.is_file():
        return Synonyms(display), []
    parsed = parse_yaml(path.read_text(encoding="utf-8"), display)
    if parsed.problems:
        return Synonyms(display), parsed.problems
    data, lines = parsed.data, parsed.lines
    if data is None:
        return Synonyms(display, lines=lines), []
    if not isinstance(data, dict):
        return Synonyms(display), [lines.problem(
            (), "the synonym list is not a mapping of languages",
            "start each language at the left: 'ja:'")]
    problems: list[Problem] = []
    by_language: dict[str, dict[str, list[str]]] = {}
    unanswered: dict[str, list[str]] = {}
    for lang, section in data.items():
        if lang not in languages:
            problems.append(lines.problem((lang,), f"'{lang}' is not a language of the site",
                                          f"use one of: {', '.join(languages)} (site.yaml)"))
        elif not isinstance(section, dict):
            problems.append(lines.problem((lang,), f"'{lang}' has no 'synonyms:' or 'unanswered:'",
                                          "indent them under the language"))
        else:
            problems += _unknown_keys(section, lang, lines)
            by_language[lang] = _pairs(section.get("synonyms"), lang, lines, problems)
            unanswered[lang] = _topics(section.get("unanswered"), lang, lines, problems)
    return Synonyms(display, by_language, unanswered, lines), problems


def _unknown_keys(section: dict[str, Any], lang: str, lines: LineMap) -> list[Problem]:
    return [lines.problem((lang, key), f"unknown key '{key}' under '{lang}'",
                          "use 'synonyms:' (typed word: answer word) or 'unanswered:' (a list)")
            for key in section if key not in KEYS]


def _pairs(value: Any, lang: str, lines: LineMap, problems: list[Problem]) -> dict[str, list[str]]:
    if value is None:
        return {}
    where = (lang, "synonyms")
    if not isinstance(value, dict):
        problems.append(lines.problem(where, "'synonyms' is not a mapping",
                                      "write one 'typed word: answer word' per line"))
        return {}
    pairs: dict[str, list[str]] = {}
    for typed, target in value.items():
        targets = target if isinstance(target, list) else [target]
        problem = _typed_problem(typed) or _target_problem(typed, targets)
        if problem:
            problems.append(lines.problem((*where, typed), problem[0], problem[1]))
        else:
            pairs[str(typed)] = [str(t).strip() for t in targets]
    return pairs


def _typed_problem(typed: Any) -> tuple[str, str] | None:
    if not isinstance(typed, str) or not typed.strip():
        return f"'{typed}' is not a word a customer types", "write the word as text"
    if len(normalise(typed)) < SHORTEST:
        return (f"'{typed}' is a single character, which would match nearly every page",
                "write a whole word")
    return None


def _target_problem(typed: str, targets: list[Any]) -> tuple[str, str] | None:
    if not targets or any(not isinstance(t, str) or not t.strip() for t in targets):
        return (f"'{typed}' has no answer word",
                f"write the word the answers use after the colon, e.g. '{typed}: Diners Club'")
    if any(normalise(t) == normalise(typed) for t in targets):
        return f"'{typed}' points at itself", "remove the line: the word is found as it is"
    return None


def _topics(value: Any, lang: str, lines: LineMap, problems: list[Problem]) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or any(not isinstance(t, str) or len(normalise(t)) < SHORTEST
                                          for t in value):
        problems.append(lines.problem((lang, "unanswered"),
                                      "'unanswered' is not a list of words of two or "
                                      "more characters",
                                      "write it as [キャンセル, 関税]"))
        return []
    return [str(t) for t in value]


TargetHits = dict[tuple[str, int, int, tuple[str, ...]], frozenset[str]]


def check_targets(synonyms: Synonyms, pages: list[Page],
                  known: TargetHits | None = None) -> tuple[list[Problem], TargetHits]:
    """Every target word is written on at least one entry page of its language, in the
    part of it that search reads (search_index.indexed_part: the question and answer).

    Also returns, for each entry page, the target words it holds; given back as `known`
    (the live preview's next rebuild), a page whose HTML is the same is not read again.
    """
    known = known or {}
    hits: TargetHits = {}
    targets = {lang: tuple(sorted({normalise(t) for typed in pairs.values() for t in typed}))
               for lang, pairs in synonyms.by_language.items()}
    found: dict[str, set[str]] = {}
    for page in pages:
        if not (page.lang and page.is_entry and targets.get(page.lang)):
            continue
        key = (page.path, len(page.html), hash(page.html), targets[page.lang])
        words = known.get(key)
        if words is None:
            text = normalise(html.unescape(TAGS.sub(" ", indexed_part(page.html))))
            words = frozenset(t for t in targets[page.lang] if _written(t, text))
        hits[key] = words
        found.setdefault(page.lang, set()).update(words)
    lines = synonyms.lines or LineMap(synonyms.path)
    return [lines.problem((lang, "synonyms", typed),
                          f"'{target}', the answer word for '{typed}', is on no {lang} page",
                          "point the word at a word an answer uses, or remove it: a synonym "
                          "must lead to an answer")
            for lang, pairs in sorted(synonyms.by_language.items())
            for typed, words in pairs.items() for target in words
            if normalise(target) not in found.get(lang, set())], hits


def _written(word: str, text: str) -> bool:
    """A whole word: 'American Expres' is not written where 'American Express' is."""
    return re.search(rf"(?<![a-z0-9]){re.escape(word)}(?![a-z0-9])", text) is not None
