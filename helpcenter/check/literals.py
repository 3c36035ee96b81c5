"""Policy values written out in an entry instead of through a placeholder.

An answer that says 「1,000円」 keeps saying it after the fee changes in policies.yaml;
`{{ policy.shipping.domestic.fee | money }}` does not. This check finds the written-out
forms of every policy value and names the placeholder to use instead.

The forms are made by the same Formatter the placeholders use, in every language (so
a Japanese answer that writes ¥1,000 is found too), then loosened a little: thousands
commas are optional, spaces may vary, and 〜/～/-/– are the same dash. A number alone
is never a policy value (「1.」 in a numbered list, a year, an order number): only a
number with its unit (円, ¥, 日, days, 営業日, か月) or a card name counts.

Findings are warnings: a date such as 「10日」 can look like a day count. `check
--strict` fails on them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from babel.support import Translations

from helpcenter.load.config import SiteConfig
from helpcenter.load.content import Entry
from helpcenter.load.policy import PolicyData, localize
from helpcenter.problems import Problem
from helpcenter.render.formatting import Formatter

# filter name -> the kind of value it formats (checked before formatting).
FILTERS: dict[str, Callable[[Any], bool]] = {
    "money": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "days": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "business_days": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "month_range": lambda v: isinstance(v, Mapping) and {"min", "max"} <= set(v),
    "and_list": lambda v: isinstance(v, list) and bool(v),
    "or_list": lambda v: isinstance(v, list) and bool(v),
}
_PLACEHOLDER = re.compile(r"\{\{-?\s*policy((?:\.\w+|\[\d+\])+)\s*\|\s*(\w+)")
_TEMPLATE_CODE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}|`[^`\n]*`", re.DOTALL)
_DASHES = "-–—〜～~"
_COUNTERS = "かヶカケヵ"
_LIST_SEPARATORS = "、,，"


@dataclass(frozen=True)
class Candidate:
    """One way a policy value can appear in text, and the placeholder that writes it."""

    text: str          # e.g. 1,000円
    placeholder: str   # e.g. {{ policy.shipping.domestic.fee | money }}
    pattern: str       # the regular expression that finds it


def hardcoded_values(config: SiteConfig, policies: PolicyData, entries: list[Entry],
                     translations: Mapping[str, Translations]) -> list[Problem]:
    """A warning for each line of an entry that writes a policy value out. Each entry
    keeps its findings with the scan that made them (Entry.derived), so the live preview
    scans again only the entries a new policy value can change (_still_true)."""
    candidates = literal_forms(config, policies, entries, translations)
    if not candidates:
        return []
    scan = _Scan.of(candidates, policies.path)
    changes: dict[_Scan, _Change | None] = {}   # from each earlier scan met to this one
    problems: list[Problem] = []
    for entry in entries:
        found: _Found | None = entry.derived.get("literals")
        if found is None or found.scan != scan:
            found = entry.derived["literals"] = (
                _Found(scan, found.problems, found.matched)
                if found is not None and _still_true(found, scan, entry, changes)
                else _scan_entry(entry, scan))
        problems += found.problems
    return problems


@dataclass(frozen=True)
class _Scan:
    """One search for all candidates. Equal when the expression, the placeholders and the
    policy file are (compared as one text: a rebuild makes new, equal candidates)."""

    key: str
    candidates: tuple[Candidate, ...] = field(compare=False)
    finder: re.Pattern[str] = field(compare=False)
    policy_file: str = field(compare=False)

    @classmethod
    def of(cls, candidates: list[Candidate], policy_file: str) -> _Scan:
        finder = _finder(candidates)
        key = "\0".join([finder.pattern, policy_file, *(c.placeholder for c in candidates)])
        return cls(key, tuple(candidates), finder, policy_file)


@dataclass(frozen=True)
class _Found:
    scan: _Scan
    problems: list[Problem]
    matched: frozenset[Candidate]   # the candidates that were found


@dataclass(frozen=True)
class _Change:
    """From an earlier scan to this one, when the candidates both have are in the same
    order: those it no longer has, and an expression for those it has in addition."""

    removed: frozenset[Candidate]
    added: re.Pattern[str] | None


def _still_true(found: _Found, scan: _Scan, entry: Entry,
                changes: dict[_Scan, _Change | None]) -> bool:
    """Whether an entry's findings of an earlier scan are what this scan would find. They
    are when no candidate that was found has gone and no new candidate occurs anywhere in
    the entry: a candidate that is not found is never the one a search stops at, and the
    others are tried in the same order."""
    if found.scan not in changes:
        changes[found.scan] = _change(found.scan, scan)
    change = changes[found.scan]
    if change is None or found.matched & change.removed:
        return False
    return change.added is None or not any(change.added.search(text)
                                           for _line, text, _front in _texts(entry))


def _change(earlier: _Scan, scan: _Scan) -> _Change | None:
    before, now = set(earlier.candidates), set(scan.candidates)
    kept_before = [c for c in earlier.candidates if c in now]
    kept_now = [c for c in scan.candidates if c in before]
    if kept_before != kept_now or earlier.policy_file != scan.policy_file:
        return None   # reordered, or another policy file
    added = [c for c in scan.candidates if c not in before]
    return _Change(frozenset(before - now), _finder(added) if added else None)


def _finder(candidates: list[Candidate]) -> re.Pattern[str]:
    """One expression for all candidates (group c<i> is candidate i). It starts with a
    look-ahead for the characters a candidate can start with, which makes scanning ten
    times faster: most positions in a text fail there at once."""
    starts = set()
    for candidate in candidates:
        first = candidate.text[0]
        starts |= {first, first.lower(), first.upper()} | (set("¥￥") if first in "¥￥" else set())
    alternatives = "|".join(f"(?P<c{i}>{c.pattern})" for i, c in enumerate(candidates))
    return re.compile(f"(?=[{re.escape(''.join(sorted(starts)))}])(?:{alternatives})")


def placeholder(path: str, filter_name: str) -> str:
    return f"{{{{ policy.{path} | {filter_name} }}}}"


def literal_forms(config: SiteConfig, policies: PolicyData, entries: list[Entry],
                  translations: Mapping[str, Translations]) -> list[Candidate]:
    """Every written-out form of every formattable policy value, longest first."""
    formatters = [Formatter(lang, translations[lang]) for lang in config.codes
                  if lang in translations]
    data = {lang: localize(policies.policies, lang, config.codes) for lang in config.codes}
    found: dict[str, set[str]] = {}
    names: set[str] = set()
    for path, filter_name in sorted(_formatted_paths(policies.policies, entries)):
        for formatter in formatters:
            value = _lookup(data[formatter.lang], path)
            if value is None or not FILTERS[filter_name](value):
                continue
            where = placeholder(path, filter_name)
            found.setdefault(getattr(formatter, filter_name)(value), set()).add(where)
            if filter_name in ("and_list", "or_list"):
                for name in _names(value):
                    found.setdefault(name, set()).add(where)
                    names.add(name)
    return sorted((Candidate(text, " or ".join(sorted(where)), _pattern(text, text in names))
                   for text, where in found.items()), key=lambda c: (-len(c.text), c.text))


def examples(config: SiteConfig, policies: PolicyData, entries: list[Entry],
             translations: Mapping[str, Translations], lang: str,
             policy_ids: tuple[str, ...]) -> list[tuple[str, str]]:
    """(placeholder, how it reads in `lang`) for the values of some policies, for guides."""
    formatter = Formatter(lang, translations[lang])
    data = localize(policies.policies, lang, config.codes)
    found = []
    for path, filter_name in sorted(_formatted_paths(policies.policies, entries)):
        value = _lookup(data, path)
        if (path.split(".")[0] in policy_ids and "[" not in path and value is not None
                and FILTERS[filter_name](value)):
            found.append((placeholder(path, filter_name), getattr(formatter, filter_name)(value)))
    return found


def _formatted_paths(policies: Mapping[str, Any], entries: list[Entry]) -> set[tuple[str, str]]:
    """(path, filter) pairs: those the entries use, and those the data's keys suggest."""
    used = set().union(*(_used_placeholders(entry) for entry in entries))
    return used | set(_suggested(policies, ""))


def _used_placeholders(entry: Entry) -> frozenset[tuple[str, str]]:
    """(path, filter) of the entry's placeholders, kept with the entry."""
    found = entry.derived.get("placeholders")
    if found is None:
        found = entry.derived["placeholders"] = frozenset(
            (path.lstrip("."), name) for path, name in _PLACEHOLDER.findall(entry.body)
            if name in FILTERS)
    return found


def _suggested(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """Filters implied by key names: fee -> money, *_business_days, *_days, *_months, cards*."""
    key = re.sub(r"\[\d+\]$", "", path).rpartition(".")[2]
    if isinstance(value, int) and not isinstance(value, bool):
        if key == "fee":
            yield path, "money"
        elif key.endswith("business_days"):
            yield path, "business_days"
        elif key.endswith("_days"):
            yield path, "days"
    elif isinstance(value, Mapping):
        if key.endswith("_months") and FILTERS["month_range"](value):
            yield path, "month_range"
        for child, item in value.items():
            yield from _suggested(item, f"{path}.{child}" if path else str(child))
    elif isinstance(value, list):
        if key.startswith("cards") and value and all(_names([item]) for item in value):
            yield path, "and_list"
        for index, item in enumerate(value):
            yield from _suggested(item, f"{path}[{index}]")


def _lookup(data: Any, path: str) -> Any:
    for part in re.findall(r"\w+|\[\d+\]", path):
        if part.startswith("[") and isinstance(data, list) and int(part[1:-1]) < len(data):
            data = data[int(part[1:-1])]
        elif isinstance(data, Mapping) and part in data:
            data = data[part]
        else:
            return None
    return data


def _names(items: list[Any]) -> list[str]:
    """Names of list items that are names (cards), not sentences (labels)."""
    return [item["name"] for item in items if isinstance(item, Mapping)
            and isinstance(item.get("name"), str)]


def _pattern(text: str, is_name: bool) -> str:
    """A regular expression for `text` as people type it (see the module docstring)."""
    if is_name:
        return rf"(?<![A-Za-z]){re.escape(text)}(?![A-Za-z])"
    parts = []
    for token in re.findall(r"\d[\d,]*\d|\d|\s+|.", text):
        parts.append(_token_pattern(token))
    ends = r"(?!,?\d)" if text[-1].isdigit() else r"(?![A-Za-z])" if text[-1].isalpha() else ""
    return rf"(?i:(?<![\d,.月/／]){''.join(parts)}{ends})"


def _token_pattern(token: str) -> str:
    if token[0].isdigit():
        digits = token.replace(",", "")
        head = len(digits) % 3 or 3
        groups = [digits[:head]] + [digits[i:i + 3] for i in range(head, len(digits), 3)]
        return ",?".join(groups)
    if token.isspace():
        return r"\s*"
    for family in (_DASHES, _COUNTERS, _LIST_SEPARATORS, "¥￥"):
        if token in family:
            return f"[{re.escape(family)}]" + (r"\s*" if family == _LIST_SEPARATORS else "")
    return re.escape(token)


def _texts(entry: Entry) -> list[tuple[int, str, bool]]:
    """(first line, text, in the front matter) of the parts of an entry a policy value can
    be written in: the title and description as they are, the body without code and
    placeholders."""
    texts = [(entry.line_of("title"), entry.title, True)]
    if entry.description:
        texts.append((entry.line_of("description"), entry.description, True))
    return [*texts, (entry.body_line, _prose(entry.body), False)]


def _scan_entry(entry: Entry, scan: _Scan) -> _Found:
    problems = []
    matched: set[Candidate] = set()
    for first_line, text, in_front_matter in _texts(entry):
        found: dict[tuple[int, str], list[str]] = {}
        for offset, written, index in _matches(scan.finder, text):
            candidate = scan.candidates[index]
            matched.add(candidate)
            found.setdefault((first_line + offset, candidate.placeholder), []).append(written)
        problems += [_problem(entry, line, written, where, in_front_matter, scan.policy_file)
                     for (line, where), written in found.items()]
    return _Found(scan, problems, frozenset(matched))


def _matches(finder: re.Pattern[str], text: str) -> list[tuple[int, str, int]]:
    """(line offset, text found, candidate index) for each finding in one text."""
    return [(text.count("\n", 0, match.start()), match.group(), int(match.lastgroup[1:]))
            for match in finder.finditer(text) if match.lastgroup]


@functools.lru_cache(maxsize=16384)
def _prose(body: str) -> str:
    """The body without code blocks, placeholders, template tags, comments and inline
    code, with the same line numbers. (Cached: a new policy value is looked for in every
    answer again, and the answers have not changed.)"""
    lines = body.split("\n")
    fenced = False
    for index, line in enumerate(lines):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            lines[index] = ""
        elif fenced:
            lines[index] = ""
    return _TEMPLATE_CODE.sub(lambda m: " " + "\n" * m.group().count("\n"), "\n".join(lines))


def _problem(entry: Entry, line: int, written: list[str], where: str, in_front_matter: bool,
             policy_file: str) -> Problem:
    shown = ", ".join(f"'{text}'" for text in dict.fromkeys(written))
    verb = "is" if len(set(written)) == 1 else "are"
    if in_front_matter:
        fix = ("the front matter cannot use placeholders: leave the value out here, the answer "
               f"gives it with {where}")
    else:
        fix = f"write {where} instead, so the text follows {policy_file}"
    return Problem(entry.path, line, f"{shown} {verb} written out, but it comes from "
                   f"{policy_file}", fix, warning=True)
