"""Babel-formatted values for one language: money, day counts, dates, lists.

These are the filters content placeholders use (`{{ policy.returns.window_days | days }}`),
so the same number reads naturally in each language. Word forms come from the gettext
catalogs; number, date and list formats from Babel's locale data.

Editors write these placeholders, so every filter checks what it is given and says,
in an editor's words, what it expected (`FilterInputError`); the content renderer
turns that into `file:line: what (fix)`.
"""

from __future__ import annotations

import datetime as dt
import decimal
import functools
import inspect
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeGuard

from babel import Locale
from babel.dates import format_date, format_skeleton, get_day_names
from babel.lists import format_list
from babel.numbers import format_currency, is_currency
from babel.support import Translations
from markupsafe import Markup, escape

from helpcenter.load.schema import describe
from helpcenter.render.calculator import last_day_to_ask

# The arrival day of the worked example of the return rule (its year is never shown).
_EXAMPLE_ARRIVAL = dt.date(2026, 5, 1)

# Japanese writes prices as 1,000円 (CLDR's "name" form); other languages use the symbol.
_MoneyStyle = Literal["name", "standard"]
_MONEY_FORMAT: dict[str, _MoneyStyle] = {"ja": "name"}
_DATE_STYLES = ("short", "medium", "long", "full")
_LARGEST_AMOUNT = 10**15   # far beyond any price; Babel cannot format unbounded numbers


class FilterInputError(ValueError):
    """A placeholder gave a filter something it cannot format: what, and how to fix it."""

    def __init__(self, message: str, fix: str) -> None:
        super().__init__(message)
        self.message, self.fix = message, fix


@dataclass(frozen=True)
class Formatter:
    lang: str
    translations: Translations

    @property
    def locale(self) -> Locale:
        return Locale.parse(self.lang)

    def money(self, amount: int, currency: str = "JPY") -> str:
        _number("money", amount, example="policy.shipping.domestic.fee")
        if not isinstance(currency, str) or not is_currency(currency):
            raise FilterInputError(f"the money filter was given {describe(currency)} as the "
                                   "currency, which is not a currency code",
                                   "leave it out for yen, or write a code such as "
                                   "money('USD')")
        return format_currency(amount, currency, locale=self.locale,
                               format_type=money_style(self.lang))

    def days(self, count: int) -> str:
        _count("days", count, "policy.returns.window_days")
        return self.translations.ngettext("%(num)d day", "%(num)d days", count) % {"num": count}

    def business_days(self, count: int) -> str:
        _count("business_days", count, "policy.dispatch.in_stock_business_days")
        return self.translations.ngettext("%(num)d business day", "%(num)d business days",
                                          count) % {"num": count}

    def month_range(self, months: dict[str, int]) -> str:
        if not (isinstance(months, Mapping) and _is_count(months.get("min"))
                and _is_count(months.get("max"))):
            raise FilterInputError(f"the month_range filter needs a setting with a 'min' and "
                                   f"a 'max' number of months, but was given "
                                   f"{_kind(months)}",
                                   "write e.g. {{ policy.dispatch.made_to_order_months "
                                   "| month_range }}")
        if months["min"] == months["max"]:
            return self.translations.ngettext("%(num)d month", "%(num)d months",
                                              months["max"]) % {"num": months["max"]}
        return self.translations.gettext("%(min)d–%(max)d months") % months

    def date(self, value: dt.date | str, style: str = "long") -> str:
        if style not in _DATE_STYLES:
            raise FilterInputError(f"the date filter has no style {describe(style)}",
                                   "use one of: " + ", ".join(_DATE_STYLES))
        return format_date(_day(value), style, locale=self.locale)

    def example_arrival(self, returns: dict[str, Any]) -> str:
        """The arrival day of the return rule's worked example: 5月1日 / May 1."""
        return self._month_day(_EXAMPLE_ARRIVAL)

    def example_last_day(self, returns: dict[str, Any]) -> str:
        """The last day to ask when the item arrives on the example day, by the
        calculator's own rule (helpcenter/render/calculator.py: return_deadline)."""
        window = returns.get("window_days") if isinstance(returns, Mapping) else None
        if not _is_count(window) or window < 1:
            raise FilterInputError(
                f"the example_last_day filter needs the returns policy, but was given "
                f"{_kind(returns)}", "write {{ policy.returns | example_last_day }}")
        return self._month_day(last_day_to_ask(_EXAMPLE_ARRIVAL, window))

    def _month_day(self, day: dt.date) -> str:
        return format_skeleton("MMMMd", day, locale=self.locale)

    def weekdays(self, codes: Iterable[str]) -> str:
        """Weekday codes of the policy file (mon, tue, …) as names, in week order."""
        names = get_day_names("wide", locale=self.locale)
        order = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
        return self.and_list([names[order.index(code)] for code in sorted(codes, key=order.index)])

    def and_list(self, items: Iterable[Any]) -> str:
        return format_list(_names("and_list", items), "standard", locale=self.locale)

    def or_list(self, items: Iterable[Any]) -> str:
        return format_list(_names("or_list", items), "or", locale=self.locale)

    def bullets(self, items: Iterable[Any]) -> Markup:
        """A Markdown bullet list, one `- label` line per item, with blank lines around it."""
        lines = "\n".join(f"- {escape(name)}" for name in _names("bullets", items))
        return Markup(f"\n\n{lines}\n\n")

    def filters(self) -> dict[str, Callable[..., Any]]:
        """The filters content placeholders may use, each checking its settings first."""
        return {name: _checked_call(name, method) for name, method in (
            ("money", self.money), ("days", self.days), ("business_days", self.business_days),
            ("month_range", self.month_range), ("date", self.date),
            ("and_list", self.and_list), ("or_list", self.or_list),
            ("bullets", self.bullets), ("example_arrival", self.example_arrival),
            ("example_last_day", self.example_last_day))}


def money_style(lang: str) -> _MoneyStyle:
    """CLDR's 'name' form (1,000円) or the 'standard' one with the symbol (¥1,000)."""
    return _MONEY_FORMAT.get(lang, "standard")


def _checked_call(name: str, method: Callable[..., Any]) -> Callable[..., Any]:
    """The filter, refusing settings it does not take before calling it."""
    signature = inspect.signature(method)

    @functools.wraps(method)
    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            signature.bind(*args, **kwargs)
        except TypeError:
            settings = [p for p in list(signature.parameters)[1:]]
            takes = ("takes no settings" if not settings else
                     "takes at most: " + ", ".join(settings))
            raise FilterInputError(f"the {name} filter was given settings it does not take "
                                   f"({takes})", f"write {{{{ value | {name} }}}}") from None
        return method(*args, **kwargs)
    return call


def _kind(value: Any) -> str:
    """`describe`, naming the settings of a group so the editor sees which one to pick."""
    if isinstance(value, Mapping):
        keys = ", ".join(str(key) for key in value)
        return f"a group of settings ({keys})" if keys else "an empty group of settings"
    if isinstance(value, (list, tuple)):
        return f"a list of {len(value)} items"
    return describe(value)


def _pick_hint(value: Any, wanted: Callable[[Any], bool]) -> str:
    """For a group given instead of a value: the settings of it that would fit."""
    if not isinstance(value, Mapping):
        return ""
    fitting = [str(key) for key, item in value.items() if wanted(item)]
    return f"did you mean its setting {' or '.join(repr(k) for k in fitting)}? Then " \
        if fitting else ""


def _is_number(value: Any) -> bool:
    return (isinstance(value, (int, float, decimal.Decimal)) and not isinstance(value, bool)
            and value == value and -_LARGEST_AMOUNT < value < _LARGEST_AMOUNT)


def _is_count(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 10**6


def _number(name: str, value: Any, example: str) -> None:
    _require(name, value, example, _is_number, "an amount", "number")


def _count(name: str, value: Any, example: str) -> None:
    _require(name, value, example, _is_count, "a whole number of days", "number of days")


def _require(name: str, value: Any, example: str, accepts: Callable[[Any], bool],
             wanted: str, kind: str) -> None:
    """Refuse a value the filter `name` cannot format, saying where a fitting one is."""
    if not accepts(value):
        raise FilterInputError(f"the {name} filter needs {wanted}, but was given "
                               f"{_kind(value)}",
                               _pick_hint(value, accepts) + f"point the placeholder at a "
                               f"{kind}, e.g. {{{{ {example} | {name} }}}}")


def _day(value: Any) -> dt.date:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise FilterInputError(f"the date filter needs a date, but was given {_kind(value)}",
                           "give it a date written as YYYY-MM-DD")


def _names(name: str, items: Any) -> list[str]:
    """The names of a list's items (a card's name, a reason's label, or plain text)."""
    if isinstance(items, (str, Mapping)) or not isinstance(items, Iterable):
        raise FilterInputError(f"the {name} filter needs a list, but was given {_kind(items)}",
                               _pick_hint(items, lambda v: isinstance(v, list)) + "point the "
                               "placeholder at a list, e.g. "
                               f"{{{{ policy.payment.cards_direct | {name} }}}}")
    names = [_name(item) for item in items]
    if any(n is None for n in names):
        raise FilterInputError(f"the {name} filter needs a list of names or labels, but an "
                               "item of this list is itself a group or a list",
                               "point the placeholder at a list such as "
                               "policy.payment.cards_direct")
    return [n for n in names if n is not None]


def _name(item: Any) -> str | None:
    if isinstance(item, Mapping):
        found = item.get("name") or item.get("label") or item.get("id")
        return None if found is None or isinstance(found, (Mapping, list)) else str(found)
    if isinstance(item, (list, tuple)):
        return None
    return str(item)


def mailto_link(address: str) -> Markup:
    return Markup('<a href="mailto:{0}">{0}</a>').format(address)
