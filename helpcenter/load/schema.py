"""A small declarative validator for the YAML files editors write.

Each spec checks one value, reports problems with the value's line and a fix, and
returns the value normalised (dates as ISO strings). Records reject unknown keys with
"did you mean …?", because a misspelt key that is silently ignored is a fee that never
changes.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from typing import Any

from babel import Locale

from helpcenter.load.yamlfile import KeyPath, LineMap
from helpcenter.problems import Problem, did_you_mean

_COUNTRIES = frozenset(code for code in Locale("en").territories
                       if isinstance(code, str) and re.fullmatch(r"[A-Z]{2}", code))
_ID = re.compile(r"[a-z][a-z0-9_]*")


@dataclass
class Check:
    """What a spec needs while checking: where values are, what languages exist."""

    lines: LineMap
    languages: tuple[str, ...]
    problems: list[Problem] = field(default_factory=list)

    def fail(self, key_path: KeyPath, message: str, fix: str = "") -> None:
        self.problems.append(self.lines.problem(key_path, message, fix))


def describe(value: Any) -> str:
    """A value's kind in an editor's words, never a Python class name."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"yes/no ({str(value).lower()})"
    if isinstance(value, dict):
        return "a group of named values"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, float) and not math.isfinite(value):
        return "'.nan' (which stands for \"not a number\")" if math.isnan(value) else \
            "infinity (.inf, or a number too large to store)"
    if isinstance(value, (int, float)):
        return f"the number {_shorten(str(value))}"
    if isinstance(value, (dt.date, dt.datetime)):
        return f"the date {value}"
    return f"the text '{_shorten(str(value))}'"


def _shorten(text: str, limit: int = 40) -> str:
    """A long value (5,000 digits pasted by mistake) is shown by its start and length."""
    return text if len(text) <= limit else f"{text[:20]}… ({len(text):,} characters)"


def where(key_path: KeyPath) -> str:
    return ".".join(str(part) for part in key_path) or "the file"


class Spec:
    def check(self, value: Any, key_path: KeyPath, ctx: Check) -> Any:
        raise NotImplementedError


# The largest whole number a browser's JavaScript counts exactly (Number.MAX_SAFE_INTEGER):
# the calculator computes with these values in the customer's browser.
LARGEST_NUMBER = 2**53 - 1


@dataclass(frozen=True)
class Integer(Spec):
    minimum: int = 0
    unit: str = ""
    maximum: int = LARGEST_NUMBER

    def check(self, value: Any, key_path: KeyPath, ctx: Check) -> Any:
        if isinstance(value, bool) or not isinstance(value, int):
            ctx.fail(key_path, f"{where(key_path)} must be a whole number, not {describe(value)}",
                     self._example(value))
        elif value < self.minimum:
            ctx.fail(key_path, f"{where(key_path)} must be at least {self.minimum:,}, "
                     f"not {_shorten(str(value))}", "fix the number")
        elif value > self.maximum:
            ctx.fail(key_path, f"{where(key_path)} must be at most {self.maximum:,}"
                     f"{self.unit}, not {_shorten(str(value))}",
                     "check the number: a digit too many?")
        return value

    def _example(self, value: Any) -> str:
        if isinstance(value, float) and value.is_integer() and \
                self.minimum <= value <= self.maximum:
            return f"write {int(value)} without the decimal point"
        if isinstance(value, str) and re.fullmatch(r"[0-9]{1,3}(,[0-9]{3})+", value.strip()):
            return f"write {value.strip().replace(',', '')}, without commas"
        return f"write a number such as {max(self.minimum, 1)}{self.unit}"


YEN = Integer(minimum=0, maximum=1_000_000, unit=" (yen)")
DAYS = Integer(minimum=1, maximum=365, unit=" (days)")
MONTHS = Integer(minimum=1, maximum=36, unit=" (months)")
YEAR = Integer(minimum=2000, maximum=2100)


@dataclass(frozen=True)
class Text(Spec):
    pattern: re.Pattern[str] | None = None
    hint: str = "write some text"

    def check(self, value: Any, key_path: KeyPath, ctx: Check) -> Any:
        if not isinstance(value, str) or not value.strip():
            ctx.fail(key_path, f"{where(key_path)} must be text, not {describe(value)}", self.hint)
        elif self.pattern and not self.pattern.fullmatch(value):
            ctx.fail(key_path, f"{where(key_path)} '{value}' is not allowed here", self.hint)
        return value


ID = Text(_ID, "use lower-case letters, digits and '_', starting with a letter")


@dataclass(frozen=True)
class Flag(Spec):
    def check(self, value: Any, key_path: KeyPath, ctx: Check) -> Any:
        if not isinstance(value, bool):
            ctx.fail(key_path, f"{where(key_path)} must be true or false, not {describe(value)}",
                     "write true or false")
        return value


@dataclass(frozen=True)
class Choice(Spec):
    options: tuple[str, ...]

    def check(self, value: Any, key_path: KeyPath, ctx: Check) -> Any:
        if value not in self.options:
            ctx.fail(key_path, f"{where(key_path)} cannot be {describe(value)}",
                     did_you_mean(str(value), self.options))
        return value


@dataclass(frozen=True)
class Country(Spec):
    def check(self, value: Any, key_path: KeyPath, ctx: Check) -> Any:
        if value is False:  # YAML reads an unquoted NO (Norway) as "no"
            ctx.fail(key_path, "a country code was read as yes/no",
                     'put Norway\'s code in quotes: "NO"')
        elif not isinstance(value, str) or value not in _COUNTRIES:
            ctx.fail(key_path, f"{describe(value)} is not a country code",
                     "use a two-letter ISO 3166 code in capitals, such as JP, US or FR")
        return value


# Territories with a code but no address a parcel can go to (Antarctica, uninhabited
# islands, military bases) and codes that are not places at all.
_NOT_DESTINATIONS = frozenset({"AQ", "BV", "HM", "TF", "GS", "UM", "CP", "DG", "IO", "AC",
                               "TA", "EA", "IC", "EU", "EZ", "UN", "QO", "XA", "XB", "ZZ",
                               "CQ"})


@dataclass(frozen=True)
class Destination(Country):
    """A country a parcel can be sent to: a country code, and not Antarctica or the like."""

    def check(self, value: Any, key_path: KeyPath, ctx: Check) -> Any:
        if isinstance(value, str) and value in _NOT_DESTINATIONS:
            ctx.fail(key_path, f"{value} is not a place the shop can ship to",
                     "list only countries and regions with addresses, such as US or FR")
            return value
        return super().check(value, key_path, ctx)


@dataclass(frozen=True)
class IsoDate(Spec):
    def check(self, value: Any, key_path: KeyPath, ctx: Check) -> Any:
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value.isoformat()
        ctx.fail(key_path, f"{where(key_path)} must be a date, not {describe(value)}",
                 "write a real date as YYYY-MM-DD, such as 2026-12-29")
        return None


@dataclass(frozen=True)
class Localized(Spec):
    """Text given once per configured language: {ja: …, en: …}."""

    def check(self, value: Any, key_path: KeyPath, ctx: Check) -> Any:
        example = ", ".join(f"{lang}: …" for lang in ctx.languages)
        if not isinstance(value, dict):
            ctx.fail(key_path, f"{where(key_path)} must give the text in each language",
                     f"write {{{example}}}")
            return value
        for lang in ctx.languages:
            if lang not in value:
                ctx.fail(key_path, f"{where(key_path)} has no '{lang}' text", f"add {lang}: …")
            else:
                Text().check(value[lang], (*key_path, lang), ctx)
        for extra in sorted(set(value) - set(ctx.languages), key=str):
            ctx.fail((*key_path, extra), f"'{extra}' is not a language of this site",
                     did_you_mean(str(extra), ctx.languages))
        return value


@dataclass(frozen=True)
class ListOf(Spec):
    item: Spec
    min_items: int = 1
    unique_key: str | None = None

    def check(self, value: Any, key_path: KeyPath, ctx: Check) -> Any:
        if not isinstance(value, list):
            ctx.fail(key_path, f"{where(key_path)} must be a list, not {describe(value)}",
                     "write one item per line, each starting with '- '")
            return value
        if len(value) < self.min_items:
            ctx.fail(key_path, f"{where(key_path)} needs at least {self.min_items} item(s)",
                     "add the missing items")
        checked = [self.item.check(item, (*key_path, i), ctx) for i, item in enumerate(value)]
        self._check_unique(value, key_path, ctx)
        return checked

    def _check_unique(self, value: list[Any], key_path: KeyPath, ctx: Check) -> None:
        seen: set[Any] = set()
        for index, item in enumerate(value):
            key = item.get(self.unique_key) if self.unique_key and isinstance(item, dict) else item
            if not isinstance(key, (str, int)):
                continue
            if key in seen:
                ctx.fail((*key_path, index), f"'{key}' appears twice in {where(key_path)}",
                         "remove one of them")
            seen.add(key)


@dataclass(frozen=True)
class Record(Spec):
    """A mapping with known keys; keys listed in `optional` may be left out."""

    fields: dict[str, Spec]
    optional: frozenset[str] = frozenset()
    retired: tuple[tuple[str, str, str], ...] = ()
    """Settings that no longer exist: (key, why, how to fix), said instead of 'unknown'."""

    def check(self, value: Any, key_path: KeyPath, ctx: Check) -> Any:
        if not isinstance(value, dict):
            ctx.fail(key_path, f"{where(key_path)} must be a group of named values, "
                     f"not {describe(value)}", "indent the values under it")
            return value
        retired = {key: (why, fix) for key, why, fix in self.retired}
        for key in value:
            if key in retired:
                ctx.fail((*key_path, key), f"'{key}' is no longer a setting: {retired[key][0]}",
                         retired[key][1])
            elif key not in self.fields:
                ctx.fail((*key_path, key), f"unknown setting '{key}' in {where(key_path)}",
                         did_you_mean(str(key), self.fields))
        for key, spec in self.fields.items():
            if key in value:
                value[key] = spec.check(value[key], (*key_path, key), ctx)
            elif key not in self.optional:
                ctx.fail(key_path, f"{where(key_path)} is missing '{key}'", f"add {key}: …")
        return value
