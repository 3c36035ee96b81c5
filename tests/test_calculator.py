"""The calculator's rules, worked out by hand from the seed FAQ and a calendar.

Most examples use SEED, the seed FAQ's own values written out here (3 business days,
2-3 months, a 10-day window, the seed's cards), with the real Japanese holidays from the
`holidays` package, so they test the rules rather than whatever content/policies.yaml
says today. The real policy file is used where the test is about it.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpcenter.load.policy import load_policies
from helpcenter.render.calculator import (
    calculator_data,
    calendar_warning,
    closed_dates,
    parse_iso_date,
    payment_options,
    return_deadline,
    return_eligibility,
    ship_by_date,
    shipping_fee,
    today_in_shop_timezone,
)

ROOT = Path(__file__).resolve().parents[1]

LANGUAGES = ("ja", "en")


def _labelled(*ids: str) -> list[dict[str, Any]]:
    return [{"id": id_, "label": {"ja": f"{id_} (ja)", "en": id_}} for id_ in ids]


def _cards(*names: str) -> list[dict[str, str]]:
    return [{"id": name.split()[0].lower(), "name": name} for name in names]


# The seed FAQ, read as policy data. Overseas fees are not in the seed ("check the cost
# displayed when ordering"): the zone and its rates are made up for the tests, as a shop
# that publishes rates would write them. SEED_NO_RATES is the seed as it is.
SEED: dict[str, Any] = {
    "shipping": {
        "domestic": {"country": "JP", "fee": 1000},  # "1,000 Yen nationwide"
        "overseas": {
            "zones": [{"id": "north_america", "name": {"ja": "北米", "en": "North America"},
                       "fee": 3000, "countries": ["US", "CA"]}],
            "rest_of_world": {"name": {"ja": "その他", "en": "Elsewhere"}, "fee": 4000},
        },
    },
    "payment": {  # "Visa, Mastercard and American Express"; "JCB and Discover ... at PayPal"
        "credit_card": True,
        "overseas_card_only": True,
        "cards_direct": _cards("Visa", "Mastercard", "Amex"),
        "cards_via_paypal": _cards("JCB", "Discover"),
        "cards_not_accepted": _cards("Diners Club"),
    },
    "dispatch": {  # "within 3 business days ... (excluding weekends and holidays)"
        "in_stock_business_days": 3,
        "made_to_order_months": {"min": 2, "max": 3},  # "about 2 - 3 months"
        "mixed_orders_ship_together": True,
        "shipping_email": True,
        "business_days": {"weekdays": ["mon", "tue", "wed", "thu", "fri"],
                          "national_holidays": "JP",
                          "calendar_years": {"first": 2025, "last": 2030},
                          "shop_closures": []},
    },
    "returns": {  # "10 days or more have passed since the arrival" -> refused
        "window_days": 10,
        "accepted_reasons": _labelled("wrong_item", "damaged_on_arrival"),
        "refused_reasons": _labelled("worn", "damaged_after_arrival",
                                     "not_bought_from_official_site", "customer_circumstances",
                                     "looks_different"),
        "gift_exchange_same_design_and_size": True,
    },
}


SEED_NO_RATES: dict[str, Any] = {**SEED, "shipping": {"domestic": SEED["shipping"]["domestic"],
                                                      "overseas": {"zones": []}}}


@pytest.fixture(scope="module")
def data() -> dict[str, Any]:
    return calculator_data(SEED)


@pytest.fixture(scope="module")
def no_rates() -> dict[str, Any]:
    return calculator_data(SEED_NO_RATES)


@pytest.fixture(scope="module")
def real_policies() -> dict[str, Any]:
    loaded, problems = load_policies(ROOT / "content" / "policies.yaml", ROOT, LANGUAGES)
    assert loaded is not None, problems
    return loaded.policies


def _seed_with(change: dict[str, Any]) -> dict[str, Any]:
    """A copy of SEED with some values of one policy replaced: {"dispatch": {...}}."""
    policies = copy.deepcopy(SEED)
    for policy_id, values in change.items():
        policies[policy_id].update(values)
    return calculator_data(policies)


def _ships(data: dict[str, Any], order: str) -> str:
    result = ship_by_date(data, order, "in_stock")
    assert "shipBy" in result, result
    return result["shipBy"]


# --- Dispatch: in stock ---------------------------------------------------------------

def test_an_order_on_monday_ships_by_thursday(data: dict[str, Any]) -> None:
    # Mon 2026-11-30: Tue 1 Dec (1), Wed 2 (2), Thu 3 (3). The order day never counts.
    assert _ships(data, "2026-11-30") == "2026-12-03"


def test_golden_week_2026_delays_the_shipment(data: dict[str, Any]) -> None:
    # Thu 30 Apr: Fri 1 May (1); Sat 2, Sun 3 weekend (3 May Constitution Day);
    # Mon 4 Greenery Day, Tue 5 Children's Day, Wed 6 substitute holiday (3 May fell on
    # a Sunday); Thu 7 May (2), Fri 8 May (3).
    assert _ships(data, "2026-04-30") == "2026-05-08"
    # Ordered on the Showa Day holiday (Wed 29 Apr): Thu 30 (1), Fri 1 May (2), Thu 7 (3).
    assert _ships(data, "2026-04-29") == "2026-05-07"


def test_an_order_on_saturday_counts_from_monday(data: dict[str, Any]) -> None:
    # Sat 2026-05-09: Mon 11 (1), Tue 12 (2), Wed 13 (3); no holiday in that week.
    assert _ships(data, "2026-05-09") == "2026-05-13"
    assert _ships(data, "2026-05-10") == "2026-05-13"  # Sunday: the same


def test_silver_week_2026(data: dict[str, Any]) -> None:
    # Fri 18 Sep: Sat 19, Sun 20; Mon 21 Respect for the Aged Day, Wed 23 Autumnal
    # Equinox Day and Tue 22 between them a citizens' holiday; Thu 24 (1), Fri 25 (2),
    # Mon 28 (3).
    assert _ships(data, "2026-09-18") == "2026-09-28"


def test_year_end_only_new_years_day_is_a_national_holiday(data: dict[str, Any]) -> None:
    # Wed 2026-12-30: Thu 31 Dec (1) is a working day in law; Fri 1 Jan 2027 holiday;
    # Sat 2, Sun 3; Mon 4 (2), Tue 5 (3). (Coming of Age Day 2027 is Mon 11 Jan.)
    assert _ships(data, "2026-12-30") == "2027-01-05"


def test_leap_day_2028_is_a_business_day(data: dict[str, Any]) -> None:
    # 2028-02-29 is a Tuesday. Mon 28 Feb: Tue 29 (1), Wed 1 Mar (2), Thu 2 Mar (3).
    assert _ships(data, "2028-02-28") == "2028-03-02"
    # Tue 22 Feb: Wed 23 Emperor's Birthday; Thu 24 (1), Fri 25 (2), Mon 28 (3).
    assert _ships(data, "2028-02-22") == "2028-02-28"


def test_a_shop_closure_makes_its_days_non_business_days() -> None:
    closure = {"from": "2026-12-29", "to": "2027-01-04", "reason": "year-end holidays"}
    data = _seed_with({"dispatch": {"business_days": {
        **SEED["dispatch"]["business_days"], "shop_closures": [closure]}}})
    for day in ("2026-12-29", "2026-12-30", "2026-12-31", "2027-01-02", "2027-01-04"):
        assert day in data["dispatch"]["closed_dates"]
    # Mon 28 Dec: closed 29 Dec - 4 Jan; Tue 5 (1), Wed 6 (2), Thu 7 (3).
    assert _ships(data, "2026-12-28") == "2027-01-07"
    # Without the closure: Tue 29 (1), Wed 30 (2), Thu 31 (3).
    assert _ships(calculator_data(SEED), "2026-12-28") == "2026-12-31"


def test_the_number_of_business_days_comes_from_the_data() -> None:
    data = _seed_with({"dispatch": {"in_stock_business_days": 1}})
    # Fri 2026-05-01: the next business day is Thu 7 May (Golden Week).
    assert _ships(data, "2026-05-01") == "2026-05-07"


# --- Dispatch: made to order, mixed, errors ------------------------------------------------

# "Orders go into production after payment is complete, and may take about 2 - 3 months":
# from the PAYMENT date, a period of months (early = days 1-10, mid = 11-20, late = 21-).
@pytest.mark.parametrize(("paid", "start", "end"), [
    ("2026-11-25", ("2027-01", "late"), ("2027-02", "late")),   # the example
    ("2026-05-15", ("2026-07", "mid"), ("2026-08", "mid")),     # holidays do not matter
    ("2026-05-10", ("2026-07", "early"), ("2026-08", "early")),  # day 10 is still early
    ("2026-05-11", ("2026-07", "mid"), ("2026-08", "mid")),     # day 11 is mid
    ("2026-05-20", ("2026-07", "mid"), ("2026-08", "mid")),
    ("2026-05-21", ("2026-07", "late"), ("2026-08", "late")),
    ("2026-12-31", ("2027-02", "late"), ("2027-03", "late")),   # 31 Feb -> end of February
    ("2027-12-31", ("2028-02", "late"), ("2028-03", "late")),   # 29 Feb 2028
    ("2026-10-31", ("2026-12", "late"), ("2027-01", "late")),   # across the year end
    ("2026-01-01", ("2026-03", "early"), ("2026-04", "early")),
])
def test_made_to_order_ships_in_a_period_of_months_after_payment(
        data: dict[str, Any], paid: str, start: tuple[str, str], end: tuple[str, str]) -> None:
    assert ship_by_date(data, paid, "made_to_order") == {
        "kind": "made_to_order", "from": {"month": start[0], "part": start[1]},
        "to": {"month": end[0], "part": end[1]}}


def test_made_to_order_answers_never_give_an_exact_day(data: dict[str, Any]) -> None:
    day = dt.date(2026, 1, 1)
    while day <= dt.date(2026, 12, 31):
        result = ship_by_date(data, day.isoformat(), "made_to_order")
        assert set(result) == {"kind", "from", "to"}
        assert all(len(result[end]["month"]) == 7 for end in ("from", "to"))
        day += dt.timedelta(days=1)


def test_a_mixed_order_ships_together_when_everything_is_ready(data: dict[str, Any]) -> None:
    # "all items will be shipped as soon as they are ready": the made-to-order period.
    assert ship_by_date(data, "2026-04-30", "mixed") == {
        "kind": "mixed", "from": {"month": "2026-06", "part": "late"},
        "to": {"month": "2026-07", "part": "late"}, "shipsTogether": True}


def test_a_mixed_order_can_ship_in_two_parts_if_the_policy_changes() -> None:
    data = _seed_with({"dispatch": {"mixed_orders_ship_together": False}})
    result = ship_by_date(data, "2026-04-30", "mixed")
    assert result["shipsTogether"] is False and result["shipBy"] == "2026-05-08"


@pytest.mark.parametrize(("order", "kind"), [
    ("2024-12-31", "in_stock"),       # before the calendar
    ("2031-01-02", "in_stock"),       # after it
    ("2030-12-28", "in_stock"),       # Sat: Mon 30 (1), Tue 31 (2), the 3rd is in 2031
    ("2030-11-01", "made_to_order"),  # + 2 months = 2031-01-01
    ("2030-10-01", "mixed"),          # + 3 months = 2031-01-01
])
def test_dates_the_calendar_does_not_cover_are_an_error(
        data: dict[str, Any], order: str, kind: str) -> None:
    assert ship_by_date(data, order, kind) == {
        "error": "outside_calendar", "first": "2025-01-01", "last": "2030-12-31"}


def test_the_last_answers_inside_the_calendar(data: dict[str, Any]) -> None:
    # Tue 2030-12-24: Wed 25 (1), Thu 26 (2), Fri 27 (3).
    assert _ships(data, "2030-12-24") == "2030-12-27"
    assert ship_by_date(data, "2030-09-30", "made_to_order")["to"] == {"month": "2030-12",
                                                                        "part": "late"}


@pytest.mark.parametrize("value", [
    "2026-02-30", "2025-02-29", "2026-13-01", "2026-00-10", "0000-01-01", "2026-1-5",
    "20260105", "2026-01-05 ", " 2026-01-05", "2026-01-05\n", "２０２６-０１-０５", "2026/01/05",
    "", None, 20260105, ["2026-01-05"],
])
def test_invalid_dates_are_reported_not_guessed(data: dict[str, Any], value: Any) -> None:
    assert ship_by_date(data, value, "in_stock") == {"error": "invalid_date"}
    assert return_deadline(data, value) == {"error": "invalid_date"}
    result = return_eligibility(data, {"arrivalDate": value, "today": "2026-01-05",
                                       "reason": "wrong_item"})
    assert (result["code"], result["field"], result["accepted"]) == (
        "invalid_date", "arrivalDate", False)


def test_an_unknown_kind_is_reported(data: dict[str, Any]) -> None:
    assert ship_by_date(data, "2026-05-01", "express") == {"error": "unknown_kind"}
    assert ship_by_date(data, "2026-05-01", None) == {"error": "unknown_kind"}


# --- Returns ------------------------------------------------------------------------------

def test_the_deadline_is_the_ninth_day_after_arrival(data: dict[str, Any]) -> None:
    # Day 0 is the arrival day; on day 10 "10 days have passed" and the request is
    # refused, so day 9 is the last: 3 May + 9 = 12 May.
    assert return_deadline(data, "2026-05-03") == "2026-05-12"
    # Calendar days: Golden Week counts. 29 Apr + 9 = 8 May (Apr has 30 days).
    assert return_deadline(data, "2026-04-29") == "2026-05-08"
    assert return_deadline(data, "2026-12-28") == "2027-01-06"  # 28 Dec + 9
    assert return_deadline(data, "2028-02-25") == "2028-03-05"  # 26, 27, 28, 29 Feb = +4
    assert return_deadline(data, "2027-02-25") == "2027-03-06"  # no 29 Feb in 2027


def _eligibility(data: dict[str, Any], today: str, reason: str = "wrong_item",
                 arrival: str = "2026-05-03", **extra: Any) -> dict[str, Any]:
    return return_eligibility(data, {"arrivalDate": arrival, "today": today, "reason": reason,
                                     **extra})


def test_day_nine_is_accepted_and_day_ten_refused(data: dict[str, Any]) -> None:
    on_day_9 = _eligibility(data, "2026-05-12")
    assert (on_day_9["accepted"], on_day_9["code"], on_day_9["daysLeft"]) == (True, "accepted", 0)
    on_day_10 = _eligibility(data, "2026-05-13")
    assert (on_day_10["accepted"], on_day_10["code"]) == (False, "window_passed")
    assert on_day_10["deadline"] == "2026-05-12" and on_day_10["daysLeft"] == -1
    on_arrival = _eligibility(data, "2026-05-03", "damaged_on_arrival")
    assert (on_arrival["code"], on_arrival["daysLeft"]) == ("accepted", 9)


@pytest.mark.parametrize("reason", [item["id"] for item in SEED["returns"]["refused_reasons"]])
def test_refused_reasons_are_refused_even_on_the_arrival_day(
        data: dict[str, Any], reason: str) -> None:
    result = _eligibility(data, "2026-05-03", reason)
    assert (result["accepted"], result["code"]) == (False, "refused_reason")
    assert _eligibility(data, "2026-05-20", reason)["code"] == "refused_reason"


def test_other_return_codes(data: dict[str, Any]) -> None:
    assert _eligibility(data, "2026-05-02")["code"] == "not_arrived_yet"
    assert _eligibility(data, "2026-05-05", "changed_my_mind")["code"] == "unknown_reason"
    assert _eligibility(data, "2026-05-05", None)["code"] == "unknown_reason"  # type: ignore[arg-type]
    bad_today = _eligibility(data, "2026-02-30")
    assert (bad_today["code"], bad_today["field"]) == ("invalid_date", "today")
    assert return_eligibility(data, None)["code"] == "invalid_date"


def test_a_gift_can_only_be_exchanged_for_the_same_design_and_size(data: dict[str, Any]) -> None:
    note = "gift_exchange_same_design_and_size"
    assert _eligibility(data, "2026-05-04", gift=True)["notes"] == [note]
    assert _eligibility(data, "2026-05-04", gift=False)["notes"] == []
    assert _eligibility(data, "2026-05-04")["notes"] == []
    assert _eligibility(data, "2026-05-20", gift=True)["notes"] == []  # refused anyway
    assert _eligibility(data, "2026-05-04", gift="yes")["notes"] == []  # only true is true


# --- Payment and shipping -------------------------------------------------------------------

@pytest.mark.parametrize(("country", "card", "method", "card_only"), [
    ("JP", "visa", "direct", False),
    ("JP", "jcb", "paypal", False),          # "JCB and Discover Card is available at PayPal"
    ("US", "jcb", "paypal", True),           # overseas: credit card only
    ("FR", "amex", "direct", True),
    ("us", "discover", "paypal", True),      # any letter case
    ("JP", "diners", "not_accepted", False),  # "Diners is not compatible"
    ("BR", "diners", "not_accepted", True),
    ("JP", "unionpay", "unknown_card", False),
    ("JP", "VISA", "unknown_card", False),   # card ids are exact
    ("JP", None, None, False),               # no card asked about
])
def test_payment_options(data: dict[str, Any], country: str, card: str | None,
                         method: str | None, card_only: bool) -> None:
    result = payment_options(data, {"countryCode": country, "cardBrand": card})
    assert (result["method"], result["cardOnly"], result["overseas"]) == (
        method, card_only, country.upper() != "JP")


def test_payment_needs_a_known_country(data: dict[str, Any]) -> None:
    assert payment_options(data, {"cardBrand": "visa"}) == {"error": "invalid_country"}
    assert payment_options(data, {"countryCode": "XX"}) == {"error": "unknown_country"}
    assert payment_options(data, "JP") == {"error": "invalid_country"}


def test_shipping_fee_by_published_zone(data: dict[str, Any]) -> None:
    assert shipping_fee(data, "JP") == {"fee": 1000, "currency": "JPY", "atCheckout": False,
                                        "zone": "domestic", "country": "JP"}
    assert shipping_fee(data, "ca") == {"fee": 3000, "currency": "JPY", "atCheckout": False,
                                        "zone": "north_america", "country": "CA"}
    # Brazil is in no zone: the published rest-of-the-world rate.
    assert shipping_fee(data, "BR") == {"fee": 4000, "currency": "JPY", "atCheckout": False,
                                        "zone": "rest_of_world", "country": "BR"}
    assert shipping_fee(data, "other") == {"fee": 4000, "currency": "JPY", "atCheckout": False,
                                           "zone": "rest_of_world", "country": "other"}


@pytest.mark.parametrize("country", ["US", "FR", "CN", "KR", "BR", "other"])
def test_without_published_rates_overseas_costs_are_shown_at_checkout(
        no_rates: dict[str, Any], country: str) -> None:
    assert shipping_fee(no_rates, country) == {"fee": None, "currency": "JPY", "zone": None,
                                               "country": country, "atCheckout": True}
    assert shipping_fee(no_rates, "JP")["fee"] == 1000


def test_without_a_rest_of_the_world_rate_only_zone_countries_have_a_fee() -> None:
    data = _seed_with({"shipping": {"overseas": {"zones": SEED["shipping"]["overseas"]["zones"]}}})
    assert shipping_fee(data, "US")["fee"] == 3000
    for country in ("BR", "DE", "AU", "other"):
        assert shipping_fee(data, country)["atCheckout"] is True
        assert shipping_fee(data, country)["fee"] is None


def test_another_country_is_overseas_for_payment(no_rates: dict[str, Any]) -> None:
    assert payment_options(no_rates, {"countryCode": "other", "cardBrand": "jcb"}) == {
        "method": "paypal", "cardOnly": True, "overseas": True}


@pytest.mark.parametrize(("value", "error"), [
    ("ZZ", "unknown_country"), ("XX", "unknown_country"), ("EU", "unknown_country"),
    ("USA", "invalid_country"), ("U", "invalid_country"), ("", "invalid_country"),
    ("J1", "invalid_country"), ("ＪＰ", "invalid_country"), ("JP\n", "invalid_country"),
    (None, "invalid_country"), (81, "invalid_country"),
])
def test_unknown_and_invalid_countries(data: dict[str, Any], value: Any, error: str) -> None:
    assert shipping_fee(data, value) == {"error": error}


def test_the_real_policy_file_publishes_no_overseas_fee(real_policies: dict[str, Any]) -> None:
    # The shop publishes no overseas rates: no estimate may reach a customer.
    data = calculator_data(real_policies)
    assert shipping_fee(data, "JP")["fee"] == real_policies["shipping"]["domestic"]["fee"]
    assert data["shipping"]["overseas"] == {"zones": [], "rest_of_world": None}
    for country in data["shipping"]["countries"]:
        if country != "JP":
            assert shipping_fee(data, country)["atCheckout"] is True, country


# --- The data -------------------------------------------------------------------------------

def test_closed_dates_come_from_the_holidays_package(real_policies: dict[str, Any]) -> None:
    closed = calculator_data(real_policies)["dispatch"]["closed_dates"]
    for day in ("2026-01-01", "2026-04-29", "2026-05-03", "2026-05-04", "2026-05-05",
                "2026-05-06", "2026-09-21", "2026-09-22", "2026-09-23", "2028-02-23"):
        assert day in closed
    assert "2026-12-31" not in closed and "2028-02-29" not in closed
    assert closed == sorted(set(closed))
    assert closed[0] >= "2025-01-01" and closed[-1] <= "2030-12-31"


def test_closures_are_clipped_to_the_calendar() -> None:
    business_days = {**SEED["dispatch"]["business_days"],
                     "shop_closures": [{"from": "2030-12-30", "to": "2031-01-05"}]}
    closed = closed_dates(business_days)
    assert closed[-2:] == ["2030-12-30", "2030-12-31"]


def test_the_data_is_json_and_deterministic(real_policies: dict[str, Any]) -> None:
    first = json.dumps(calculator_data(real_policies), ensure_ascii=False)
    again = json.dumps(calculator_data(copy.deepcopy(real_policies)),
                       ensure_ascii=False)
    assert first == again
    data = json.loads(first)
    assert data["timezone"] == "Asia/Tokyo" and data["currency"] == "JPY"
    assert data["dispatch"]["calendar"] == {"first": "2025-01-01", "last": "2030-12-31"}
    # Ids, numbers and dates only: what customers read is in the page, in its language.
    assert data["returns"]["refused_reasons"][0] == {"id": "worn"}
    assert not any(key in first for key in ('"name"', '"label"', '"languages"'))
    assert {"visa", "jcb", "diners"} <= {card["id"] for key in (
        "cards_direct", "cards_via_paypal", "cards_not_accepted")
        for card in data["payment"][key]}


def test_the_shop_section_gives_timezone_and_currency() -> None:
    data = calculator_data(SEED, {"timezone": "Asia/Tokyo", "currency": "JPY"})
    assert (data["timezone"], data["currency"]) == ("Asia/Tokyo", "JPY")


@pytest.mark.parametrize(("today", "warns"), [
    ("2029-12-30", False),  # 2030-12-31 is a year and a day away
    ("2029-12-31", True),   # exactly a year
    ("2030-06-01", True),
    ("2031-02-01", True),   # already past
])
def test_calendar_warning(today: str, warns: bool) -> None:
    message = calendar_warning(SEED, dt.date.fromisoformat(today))
    assert (message is not None) == warns
    if warns:
        assert "2030-12-31" in str(message) and "calendar_years" in str(message)


def test_today_in_the_shop_time_zone() -> None:
    utc = dt.UTC
    # Tokyo is UTC+9 all year: 15:00 UTC is midnight there.
    assert today_in_shop_timezone(dt.datetime(2026, 5, 2, 14, 59, 59, tzinfo=utc)) == "2026-05-02"
    assert today_in_shop_timezone(dt.datetime(2026, 5, 2, 15, 0, tzinfo=utc)) == "2026-05-03"
    los_angeles = dt.timezone(dt.timedelta(hours=-7))
    assert today_in_shop_timezone(dt.datetime(2026, 5, 2, 8, 0, tzinfo=los_angeles)) == "2026-05-03"
    with pytest.raises(ValueError):
        today_in_shop_timezone(dt.datetime(2026, 5, 2, 8, 0))


# --- Properties -----------------------------------------------------------------------------

ANYTHING = st.one_of(
    st.text(), st.none(), st.booleans(), st.integers(), st.floats(),
    st.lists(st.text(), max_size=2), st.dates().map(dt.date.isoformat),
    st.from_regex(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}\Z"), st.sampled_from(["JP", "us", "in_stock"]),
)
REQUEST_KEYS = st.sampled_from(["arrivalDate", "today", "reason", "gift", "countryCode",
                                "cardBrand"])
REQUESTS = st.one_of(ANYTHING, st.dictionaries(REQUEST_KEYS, ANYTHING, max_size=6))
IN_CALENDAR = st.dates(dt.date(2025, 1, 1), dt.date(2030, 12, 31))


def _is_clean(result: Any) -> bool:
    """A date string, or a dict that is an error or an answer; JSON either way."""
    json.dumps(result)
    return (isinstance(result, str) and parse_iso_date(result) is not None) or isinstance(
        result, dict)


@settings(max_examples=300, deadline=None)
@given(first=ANYTHING, second=ANYTHING, request=REQUESTS)
def test_no_input_crashes(data: dict[str, Any], first: Any, second: Any, request: Any) -> None:
    assert _is_clean(shipping_fee(data, first))
    assert _is_clean(ship_by_date(data, first, second))
    assert _is_clean(return_deadline(data, first))
    assert _is_clean(return_eligibility(data, request))
    assert _is_clean(payment_options(data, request))


def _japanese_business_day(day: dt.date) -> bool:
    """Independent of the calculator's data: Mon-Fri and not a holiday in `holidays`."""
    return day.weekday() < 5 and day not in holidays.country_holidays("JP", years=day.year)


@settings(max_examples=300, deadline=None)
@given(order=IN_CALENDAR)
def test_ship_by_is_the_third_business_day_after_the_order(
        data: dict[str, Any], order: dt.date) -> None:
    result = ship_by_date(data, order.isoformat(), "in_stock")
    if "error" in result:
        assert result["error"] == "outside_calendar" and order >= dt.date(2030, 12, 24)
        return
    ship_by = dt.date.fromisoformat(result["shipBy"])
    assert ship_by > order and _japanese_business_day(ship_by)
    between = [order + dt.timedelta(days=n) for n in range(1, (ship_by - order).days + 1)]
    assert sum(_japanese_business_day(day) for day in between) == 3


@settings(max_examples=300, deadline=None)
@given(order=IN_CALENDAR)
def test_made_to_order_dates_are_whole_months_later(data: dict[str, Any], order: dt.date) -> None:
    result = ship_by_date(data, order.isoformat(), "made_to_order")
    if "error" in result:
        assert order >= dt.date(2030, 10, 1)
        return
    part = "early" if order.day <= 10 else "mid" if order.day <= 20 else "late"
    for key, months in (("from", 2), ("to", 3)):
        year, month = map(int, result[key]["month"].split("-"))
        assert (year * 12 + month) - (order.year * 12 + order.month) == months
        # the day of the month is kept (clamped at a short month's end, still "late")
        assert result[key]["part"] == part


@settings(max_examples=300, deadline=None)
@given(arrival=st.dates(max_value=dt.date(9999, 12, 22)))
def test_the_deadline_is_window_days_minus_one_after_arrival(
        data: dict[str, Any], arrival: dt.date) -> None:
    deadline = dt.date.fromisoformat(str(return_deadline(data, arrival.isoformat())))
    assert (deadline - arrival).days == 10 - 1


@settings(max_examples=300, deadline=None)
@given(arrival=st.dates(), offset=st.integers(-30, 30),
       reason=st.sampled_from(["wrong_item", "damaged_on_arrival"]))
def test_an_accepted_reason_is_accepted_exactly_within_the_window(
        data: dict[str, Any], arrival: dt.date, offset: int, reason: str) -> None:
    try:
        today = arrival + dt.timedelta(days=offset)
        deadline = arrival + dt.timedelta(days=9)
    except OverflowError:
        return
    result = _eligibility(data, today.isoformat(), reason, arrival.isoformat())
    assert result["accepted"] == (arrival <= today <= deadline)
