"""The shipping / delivery / return-window calculator: its data and its reference logic.

`calculator_data()` turns the validated policy data into the JSON that the browser
module `theme/static/calculator-core.js` reads (the build embeds it in the page). The
functions below give the same answers in Python: they are the reference the JS module
is tested against (tests/test_calculator_js.py), so both keep the same names (snake_case
here), take the same inputs and return the same JSON-shaped results.

Dates cross the interface as ISO `YYYY-MM-DD` strings, read as calendar dates in the
shop's time zone (Asia/Tokyo). Bad input gives a result with an `error` (or `code`)
field, never an exception, because the browser passes on whatever a customer typed.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from zoneinfo import ZoneInfo

import holidays
from babel import Locale

SHOP_TIMEZONE = "Asia/Tokyo"
SHOP_CURRENCY = "JPY"
KINDS = ("in_stock", "made_to_order", "mixed")
# The destination "another country or region": any country outside Japan that the page
# does not list by name (the shop publishes no rate for it, or one rate for all of them).
OTHER_DESTINATION = "other"
WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # date.weekday() order
GIFT_NOTE = "gift_exchange_same_design_and_size"

# Two-letter territory codes Babel knows that are no destination anyone ships to.
_NOT_DESTINATIONS = frozenset({"EU", "EZ", "QO", "UN", "XA", "XB", "ZZ"})
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_COUNTRY_CODE = re.compile(r"[A-Za-z]{2}")

Data = Mapping[str, Any]
Result = dict[str, Any]


# --- The data the browser module reads ------------------------------------------------

def calculator_data(policies: Mapping[str, Any],
                    shop: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The calculator's JSON data, built from `PolicyData.policies` (and `PolicyData.shop`).

    Only what the logic needs: ids, numbers, dates, no text. Every page with the calculator
    embeds it, within a weight budget (tests/test_budgets.py), and the names a customer reads
    (destinations, cards, reasons) are already in the page's form, in the page's language.
    Deterministic (sorted lists, no build time) so that rebuilding an unchanged site gives
    identical bytes.
    """
    shop = shop or {}
    return {
        "timezone": shop.get("timezone", SHOP_TIMEZONE),
        "currency": shop.get("currency", SHOP_CURRENCY),
        "shipping": _shipping_data(policies["shipping"]),
        "payment": _payment_data(policies["payment"]),
        "dispatch": _dispatch_data(policies["dispatch"]),
        "returns": _returns_data(policies["returns"]),
    }


def _shipping_data(shipping: Mapping[str, Any]) -> dict[str, Any]:
    """Only published rates: a zone has a real fee, or the country is not in the data."""
    overseas = shipping["overseas"]
    zones = [{"id": zone["id"], "fee": zone["fee"], "countries": list(zone["countries"])}
             for zone in overseas.get("zones", [])]
    rest = overseas.get("rest_of_world")
    known = {shipping["domestic"]["country"]}.union(*(zone["countries"] for zone in zones))
    return {
        "domestic": {"country": shipping["domestic"]["country"],
                     "fee": shipping["domestic"]["fee"]},
        "overseas": {"zones": zones, "rest_of_world": {"fee": rest["fee"]} if rest else None},
        "countries": sorted(known | _destination_codes()),
    }


def _destination_codes() -> set[str]:
    """ISO 3166 alpha-2 codes, so that `ZZ` is an unknown country, not 'rest of the world'."""
    return {code for code in Locale("en").territories
            if isinstance(code, str) and _COUNTRY_CODE.fullmatch(code) and code.isupper()
            and code not in _NOT_DESTINATIONS}


def _payment_data(payment: Mapping[str, Any]) -> dict[str, Any]:
    def cards(key: str) -> list[dict[str, str]]:
        return [{"id": card["id"]} for card in payment[key]]

    return {
        "overseas_card_only": payment["overseas_card_only"],
        "cards_direct": cards("cards_direct"),
        "cards_via_paypal": cards("cards_via_paypal"),
        "cards_not_accepted": cards("cards_not_accepted"),
    }


def _dispatch_data(dispatch: Mapping[str, Any]) -> dict[str, Any]:
    business_days = dispatch["business_days"]
    years = business_days["calendar_years"]
    return {
        "in_stock_business_days": dispatch["in_stock_business_days"],
        "made_to_order_months": {"min": dispatch["made_to_order_months"]["min"],
                                 "max": dispatch["made_to_order_months"]["max"]},
        "mixed_orders_ship_together": dispatch["mixed_orders_ship_together"],
        "weekdays": [day for day in WEEKDAY_NAMES if day in business_days["weekdays"]],
        "closed_dates": closed_dates(business_days),
        "calendar": {"first": f"{years['first']:04d}-01-01", "last": f"{years['last']:04d}-12-31"},
    }


def closed_dates(business_days: Mapping[str, Any]) -> list[str]:
    """National holidays and shop closures inside the calendar years, sorted ISO dates.

    The holidays come from the maintained `holidays` package (substitute holidays and
    the 'citizens' holiday' of Silver Week included), never from a hand-typed table.
    """
    years = business_days["calendar_years"]
    first, last = years["first"], years["last"]
    found = holidays.country_holidays(business_days["national_holidays"],
                                      years=range(first, last + 1))
    days = {day.isoformat() for day in found}
    for closure in business_days["shop_closures"]:
        days.update(_days_between(closure["from"], closure["to"]))
    start, end = f"{first:04d}-01-01", f"{last:04d}-12-31"
    return sorted(day for day in days if start <= day <= end)


def _days_between(start: str, end: str) -> Iterable[str]:
    """Every ISO date from `start` to `end`, both included."""
    day, stop = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    while day <= stop:
        yield day.isoformat()
        day += dt.timedelta(days=1)


def _returns_data(returns: Mapping[str, Any]) -> dict[str, Any]:
    def reasons(key: str) -> list[dict[str, Any]]:
        return [{"id": item["id"]} for item in returns[key]]

    return {
        "window_days": returns["window_days"],
        "accepted_reasons": reasons("accepted_reasons"),
        "refused_reasons": reasons("refused_reasons"),
        "gift_exchange_same_design_and_size": returns["gift_exchange_same_design_and_size"],
    }


def calendar_warning(policies: Mapping[str, Any], today: dt.date) -> str | None:
    """A warning for the build when the calculator's calendar runs out within a year.

    Past `calendar_years.last` the calculator answers 'outside the calendar' instead of
    a date, and made-to-order dates already need three months beyond the order.
    """
    last_year = policies["dispatch"]["business_days"]["calendar_years"]["last"]
    end = dt.date(last_year, 12, 31)
    a_year_on = _add_months(today, 12)
    if a_year_on is not None and end > a_year_on:
        return None
    tense = "ended" if end < today else "ends"
    return (f"the calculator's calendar {tense} on {end.isoformat()}, less than a year from "
            f"today ({today.isoformat()}): raise policies.dispatch.business_days.calendar_years"
            ".last in content/policies.yaml and rebuild (the holidays come from the holidays "
            "package, so only the year changes)")


# --- Dates ------------------------------------------------------------------------------

def parse_iso_date(value: Any) -> dt.date | None:
    """A real calendar date written exactly `YYYY-MM-DD`, else None (2026-02-30 is None)."""
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        return None
    try:
        return dt.date(int(value[0:4]), int(value[5:7]), int(value[8:10]))
    except ValueError:
        return None


def _shift(day: dt.date, days: int) -> dt.date | None:
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return None


def _add_months(day: dt.date, months: int) -> dt.date | None:
    """Calendar months, clamped to the month's end: 31 Jan + 1 month = 28 (29) Feb."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        return None
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def today_in_shop_timezone(now: dt.datetime, timezone: str = SHOP_TIMEZONE) -> str:
    """Today's date in the shop's time zone, the default date the calculator shows."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be an aware datetime, such as datetime.now(timezone.utc)")
    return now.astimezone(ZoneInfo(timezone)).date().isoformat()


# --- Shipping fee -----------------------------------------------------------------------

def _country_error(data: Data, value: Any) -> Result | None:
    """None for a known ISO 3166 alpha-2 code in any letter case or for "other", else the
    error result."""
    if value == OTHER_DESTINATION:
        return None
    if not isinstance(value, str) or not _COUNTRY_CODE.fullmatch(value):
        return {"error": "invalid_country"}
    if not _find(data["shipping"]["countries"], value.upper()):
        return {"error": "unknown_country"}
    return None


def shipping_fee(data: Data, country_code: Any) -> Result:
    """Fee to one destination: {fee, currency, zone, country, atCheckout} or {error}.

    Only a rate the shop has published is a fee; for any other destination the fee is
    None and atCheckout is true: the cost is shown at checkout. `country_code` is an
    ISO code or "other" (a country outside Japan that the page does not list by name).
    """
    error = _country_error(data, country_code)
    if error:
        return error
    code = country_code if country_code == OTHER_DESTINATION else country_code.upper()
    shipping = data["shipping"]
    if code == shipping["domestic"]["country"]:
        return _fee(data, shipping["domestic"]["fee"], "domestic", code)
    overseas = shipping["overseas"]
    for zone in overseas["zones"]:
        if code in zone["countries"]:
            return _fee(data, zone["fee"], zone["id"], code)
    if overseas["rest_of_world"] is not None:
        return _fee(data, overseas["rest_of_world"]["fee"], "rest_of_world", code)
    return {"fee": None, "currency": data["currency"], "zone": None, "country": code,
            "atCheckout": True}


def _fee(data: Data, fee: int, zone: str, code: str) -> Result:
    return {"fee": fee, "currency": data["currency"], "zone": zone, "country": code,
            "atCheckout": False}


# --- Payment ------------------------------------------------------------------------------

def payment_options(data: Data, request: Any) -> Result:
    """How a card can be used for one destination: {method, cardOnly, overseas} or {error}.

    `request` is {countryCode, cardBrand}; `method` is None when no card was given.
    """
    request = request if isinstance(request, Mapping) else {}
    error = _country_error(data, request.get("countryCode"))
    if error:
        return error
    code = request["countryCode"]
    overseas = code == OTHER_DESTINATION or code.upper() != data["shipping"]["domestic"]["country"]
    card = request.get("cardBrand")
    return {"method": None if card is None else _card_method(data["payment"], card),
            "cardOnly": overseas and data["payment"]["overseas_card_only"],
            "overseas": overseas}


def _card_method(payment: Data, card: Any) -> str:
    for key, method in (("cards_direct", "direct"), ("cards_via_paypal", "paypal"),
                        ("cards_not_accepted", "not_accepted")):
        if any(item["id"] == card for item in payment[key]):
            return method
    return "unknown_card"


# --- Dispatch -------------------------------------------------------------------------------

def is_business_day(data: Data, day: dt.date) -> bool:
    """A weekday the shop works that is neither a national holiday nor a closure day."""
    dispatch = data["dispatch"]
    return (WEEKDAY_NAMES[day.weekday()] in dispatch["weekdays"]
            and not _find(dispatch["closed_dates"], day.isoformat()))


def _find(sorted_items: Sequence[str], item: str) -> bool:
    """Binary search: the lists are sorted and searched once per day counted."""
    index = bisect_left(sorted_items, item)
    return index < len(sorted_items) and sorted_items[index] == item


def ship_by_date(data: Data, date: Any, kind: Any) -> Result:
    """When an order ships, for kind in_stock, made_to_order or mixed.

    in_stock (`date` = order date): {kind, shipBy}, the Nth business day strictly after it.
    made_to_order and mixed (`date` = PAYMENT date, production starts after payment):
    {kind, from, to}, the approximate period as the shop states it, in months: each end
    is {month: "YYYY-MM", part: early | mid | late} (days 1-10, 11-20, 21-), the payment
    date + min and + max calendar months. Mixed adds shipsTogether (everything ships once
    all is ready); when the policy lets in-stock items go first, shipBy is given too.
    A date the calendar does not cover gives {error: "outside_calendar", first, last}.
    """
    start = parse_iso_date(date)
    if start is None:
        return {"error": "invalid_date"}
    if not isinstance(kind, str) or kind not in KINDS:
        return {"error": "unknown_kind"}
    window = data["dispatch"]["calendar"]
    first, last = dt.date.fromisoformat(window["first"]), dt.date.fromisoformat(window["last"])
    if not first <= start <= last:
        return _outside(window)
    if kind == "in_stock":
        ship_by = _nth_business_day_after(data, start, last)
        return {"kind": kind, "shipBy": ship_by.isoformat()} if ship_by else _outside(window)
    return _made_to_order(data, start, kind, last)


def _made_to_order(data: Data, paid: dt.date, kind: str, last: dt.date) -> Result:
    dispatch = data["dispatch"]
    months = dispatch["made_to_order_months"]
    earliest, latest = _add_months(paid, months["min"]), _add_months(paid, months["max"])
    if earliest is None or latest is None or latest > last:
        return _outside(dispatch["calendar"])
    result: Result = {"kind": kind, "from": _part_of_month(earliest),
                      "to": _part_of_month(latest)}
    if kind == "mixed":
        result["shipsTogether"] = dispatch["mixed_orders_ship_together"]
        if not result["shipsTogether"]:
            ship_by = _nth_business_day_after(data, paid, last)
            if ship_by is None:
                return _outside(dispatch["calendar"])
            result["shipBy"] = ship_by.isoformat()
    return result


def _part_of_month(day: dt.date) -> dict[str, str]:
    """The month and its third (上旬 / 中旬 / 下旬): a period, never an exact day."""
    part = "early" if day.day <= 10 else "mid" if day.day <= 20 else "late"
    return {"month": f"{day.year:04d}-{day.month:02d}", "part": part}


def _nth_business_day_after(data: Data, order: dt.date, last: dt.date) -> dt.date | None:
    """The in_stock_business_days-th business day after `order`, None past `last`."""
    left, day = data["dispatch"]["in_stock_business_days"], order
    while left > 0:
        day += dt.timedelta(days=1)
        if day > last:
            return None
        if is_business_day(data, day):
            left -= 1
    return day


def _outside(window: Mapping[str, str]) -> Result:
    return {"error": "outside_calendar", "first": window["first"], "last": window["last"]}


# --- Returns ------------------------------------------------------------------------------

def return_deadline(data: Data, arrival_date: Any) -> str | Result:
    """The LAST calendar day on which a return / exchange request is accepted (ISO).

    The seed refuses items 'for which 10 days or more have passed since the arrival'.
    On the arrival day 0 days have passed, the next day 1, and so on; a request is
    accepted while fewer than window_days days have passed, i.e. up to day
    window_days - 1. So the deadline is arrival + (window_days - 1) calendar days
    (arrival 2026-05-03, window 10 -> 2026-05-12). Calendar days, not business days:
    the rule counts days since arrival, holidays included.
    Bad input gives {error: "invalid_date"}.
    """
    arrival = parse_iso_date(arrival_date)
    deadline = None if arrival is None else _deadline(data, arrival)
    return deadline.isoformat() if deadline else {"error": "invalid_date"}


def _deadline(data: Data, arrival: dt.date) -> dt.date | None:
    return _shift(arrival, data["returns"]["window_days"] - 1)


def last_day_to_ask(arrival: dt.date, window_days: int) -> dt.date:
    """The return rule as the FAQ states it: the arrival day is the first of window_days
    days, so the last day is arrival + window_days - 1 (the same as return_deadline)."""
    deadline = _deadline({"returns": {"window_days": window_days}}, arrival)
    if deadline is None:
        raise ValueError(f"no calendar date {window_days} days after {arrival}")
    return deadline


def return_eligibility(data: Data, request: Any) -> Result:
    """Whether a return / exchange request made `today` is accepted.

    `request` is {arrivalDate, today, reason, gift}. The result is
    {accepted, code, deadline, daysLeft, notes} (plus `field` for invalid_date), where
    code is accepted | window_passed | not_arrived_yet | refused_reason |
    unknown_reason | invalid_date. A refused reason is refused whatever the dates.
    """
    request = request if isinstance(request, Mapping) else {}
    arrival = parse_iso_date(request.get("arrivalDate"))
    deadline = None if arrival is None else _deadline(data, arrival)
    if arrival is None or deadline is None:
        return _invalid_date("arrivalDate")
    today = parse_iso_date(request.get("today"))
    if today is None:
        return _invalid_date("today")
    code = _return_code(data["returns"], request.get("reason"), arrival, today, deadline)
    gift = request.get("gift") is True and data["returns"][GIFT_NOTE]
    return {"accepted": code == "accepted", "code": code, "deadline": deadline.isoformat(),
            "daysLeft": (deadline - today).days,
            "notes": [GIFT_NOTE] if gift and code == "accepted" else []}


def _return_code(returns: Data, reason: Any, arrival: dt.date, today: dt.date,
                 deadline: dt.date) -> str:
    if any(item["id"] == reason for item in returns["refused_reasons"]):
        return "refused_reason"
    if not any(item["id"] == reason for item in returns["accepted_reasons"]):
        return "unknown_reason"
    if today < arrival:
        return "not_arrived_yet"
    return "window_passed" if today > deadline else "accepted"


def _invalid_date(field: str) -> Result:
    return {"accepted": False, "code": "invalid_date", "field": field, "deadline": None,
            "daysLeft": None, "notes": []}
