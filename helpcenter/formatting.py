"""Babel-formatted values for one language: money, day counts, dates, lists.

These are the filters content placeholders use (`{{ policy.returns.window_days | days }}`),
so the same number reads naturally in each language. Word forms come from the gettext
catalogs; number, date and list formats from Babel's locale data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from babel import Locale
from babel.dates import format_date, format_skeleton, get_day_names
from babel.lists import format_list
from babel.numbers import format_currency
from babel.support import Translations
from markupsafe import Markup, escape

from .calculator import last_day_to_ask

# The arrival day of the worked example of the return rule (its year is never shown).
_EXAMPLE_ARRIVAL = dt.date(2026, 5, 1)

# Japanese writes prices as 1,000円 (CLDR's "name" form); other languages use the symbol.
_MONEY_FORMAT = {"ja": "name"}


@dataclass(frozen=True)
class Formatter:
    lang: str
    translations: Translations

    @property
    def locale(self) -> Locale:
        return Locale.parse(self.lang)

    def money(self, amount: int, currency: str = "JPY") -> str:
        return format_currency(amount, currency, locale=self.locale,
                               format_type=money_style(self.lang))

    def days(self, count: int) -> str:
        return self.translations.ngettext("%(num)d day", "%(num)d days", count) % {"num": count}

    def business_days(self, count: int) -> str:
        return self.translations.ngettext("%(num)d business day", "%(num)d business days",
                                          count) % {"num": count}

    def month_range(self, months: dict[str, int]) -> str:
        if months["min"] == months["max"]:
            return self.translations.ngettext("%(num)d month", "%(num)d months",
                                              months["max"]) % {"num": months["max"]}
        return self.translations.gettext("%(min)d–%(max)d months") % months

    def date(self, value: dt.date | str, style: str = "long") -> str:
        day = dt.date.fromisoformat(value) if isinstance(value, str) else value
        return format_date(day, style, locale=self.locale)

    def example_arrival(self, returns: dict[str, Any]) -> str:
        """The arrival day of the return rule's worked example: 5月1日 / May 1."""
        return self._month_day(_EXAMPLE_ARRIVAL)

    def example_last_day(self, returns: dict[str, Any]) -> str:
        """The last day to ask when the item arrives on the example day, by the
        calculator's own rule (helpcenter/calculator.py: return_deadline)."""
        return self._month_day(last_day_to_ask(_EXAMPLE_ARRIVAL, returns["window_days"]))

    def _month_day(self, day: dt.date) -> str:
        return format_skeleton("MMMMd", day, locale=self.locale)

    def weekdays(self, codes: Iterable[str]) -> str:
        """Weekday codes of the policy file (mon, tue, …) as names, in week order."""
        names = get_day_names("wide", locale=self.locale)
        order = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
        return self.and_list([names[order.index(code)] for code in sorted(codes, key=order.index)])

    def and_list(self, items: Iterable[Any]) -> str:
        return format_list([_name(item) for item in items], "standard", locale=self.locale)

    def or_list(self, items: Iterable[Any]) -> str:
        return format_list([_name(item) for item in items], "or", locale=self.locale)

    def bullets(self, items: Iterable[Any]) -> Markup:
        """A Markdown bullet list, one `- label` line per item, with blank lines around it."""
        lines = "\n".join(f"- {escape(_name(item))}" for item in items)
        return Markup(f"\n\n{lines}\n\n")

    def filters(self) -> dict[str, Callable[..., Any]]:
        return {"money": self.money, "days": self.days, "business_days": self.business_days,
                "month_range": self.month_range, "date": self.date, "and_list": self.and_list,
                "or_list": self.or_list, "bullets": self.bullets,
                "example_arrival": self.example_arrival, "example_last_day": self.example_last_day}


def money_style(lang: str) -> str:
    """CLDR's 'name' form (1,000円) or the 'standard' one with the symbol (¥1,000)."""
    return _MONEY_FORMAT.get(lang, "standard")


def _name(item: Any) -> str:
    if isinstance(item, dict):
        return str(item.get("name") or item.get("label") or item.get("id"))
    return str(item)


def mailto_link(address: str) -> Markup:
    return Markup('<a href="mailto:{0}">{0}</a>').format(address)
