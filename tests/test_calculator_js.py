"""The browser module theme/static/calculator-core.js against the Python reference.

Thousands of seeded random cases (2024-2031: leap days, year ends, Golden Week, Silver
Week, every kind, reason, card and many countries, plus bad input) run through Node in
one process per time zone, on the real content/policies.yaml (no overseas rates
published) and on the seed with published overseas rates (tests/test_calculator.py), and
every result must be the Python one. The same cases run again with the process in Los Angeles (UTC-8/-7)
and on Kiritimati (UTC+14): a date in Tokyo must not depend on the customer's zone.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from test_calculator import SEED as SEED_WITH_RATES

from helpcenter.load.policy import load_policies
from helpcenter.render.calculator import (
    calculator_data,
    payment_options,
    return_deadline,
    return_eligibility,
    ship_by_date,
    shipping_fee,
    today_in_shop_timezone,
)

ROOT = Path(__file__).resolve().parents[1]

HARNESS = ROOT / "tests" / "js" / "run_calculator.mjs"
LANGUAGES = ("ja", "en")
SEED = 20260429
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)

REFERENCE: dict[str, Callable[..., Any]] = {
    "shippingFee": shipping_fee,
    "shipByDate": ship_by_date,
    "returnDeadline": return_deadline,
    "returnEligibility": return_eligibility,
    "paymentOptions": payment_options,
}

BAD_DATES = ["2026-02-30", "2025-02-29", "2100-02-29", "2026-13-01", "2026-00-01",
             "2026-04-31", "0000-01-01", "2026-1-5", "20260105", " 2026-01-05", "2026-01-05\n",
             "２０２６-０１-０５", "2026/01/05", "", "9999-12-31", "0001-01-01", None, 20260105,
             True, ["2026-01-05"], {"date": "2026-01-05"}]
BAD_COUNTRIES = ["", "J", "JPN", "J1", "ＪＰ", "jp ", "ZZ", "XX", "EU", "UN", None, 81, False,
                 ["JP"]]
BAD_REQUESTS = [None, "JP", 7, [], ["2026-05-01"], {}]


def _day(rng: random.Random, start: dt.date, end: dt.date) -> str:
    return (start + dt.timedelta(days=rng.randrange((end - start).days + 1))).isoformat()


def _special_days() -> list[str]:
    """Every day of the periods where the rules are easiest to get wrong."""
    periods = [(dt.date(year, 4, 25), dt.date(year, 5, 10)) for year in range(2025, 2031)]
    periods += [(dt.date(year, 9, 12), dt.date(year, 9, 28)) for year in range(2025, 2031)]
    periods += [(dt.date(year, 12, 20), dt.date(year + 1, 1, 12)) for year in range(2024, 2031)]
    periods += [(dt.date(year, 2, 20), dt.date(year, 3, 3)) for year in range(2024, 2032)]
    periods += [(dt.date(year, 10, 25), dt.date(year, 11, 5)) for year in (2030,)]
    days = []
    for start, end in periods:
        days += [(start + dt.timedelta(days=n)).isoformat() for n in range((end - start).days + 1)]
    return days


def generate_cases(data: dict[str, Any], seed: int = SEED) -> list[dict[str, Any]]:
    """About 16,000 cases: every calendar day once per kind, then seeded random ones."""
    rng = random.Random(seed)
    first, last = dt.date(2025, 1, 1), dt.date(2030, 12, 31)
    every_day = [(first + dt.timedelta(days=n)).isoformat()
                 for n in range((last - first).days + 1)]
    cases = [{"fn": "shipByDate", "args": [day, kind]} for day in every_day
             for kind in ("in_stock", "made_to_order", "mixed")]
    cases += _dispatch_cases(rng)
    cases += _return_cases(rng, data)
    cases += _country_cases(rng, data)
    cases += _clock_cases(rng)
    return cases


def _dispatch_cases(rng: random.Random) -> list[dict[str, Any]]:
    kinds = ["in_stock", "made_to_order", "mixed", "express", "", None, "IN_STOCK"]
    wide = (dt.date(2024, 10, 1), dt.date(2031, 3, 31))
    cases = [{"fn": "shipByDate", "args": [day, rng.choice(kinds)]} for day in _special_days()]
    cases += [{"fn": "shipByDate", "args": [_day(rng, *wide), rng.choice(kinds)]}
              for _ in range(1500)]
    cases += [{"fn": "shipByDate", "args": [bad, rng.choice(kinds)]} for bad in BAD_DATES]
    return cases


def _return_cases(rng: random.Random, data: dict[str, Any]) -> list[dict[str, Any]]:
    reasons = [item["id"] for key in ("accepted_reasons", "refused_reasons")
               for item in data["returns"][key]]
    reasons += ["changed_my_mind", "", None, "WRONG_ITEM", 3]
    days = _special_days() + [_day(rng, dt.date(2024, 1, 1), dt.date(2031, 12, 31))
                              for _ in range(1500)]
    cases = [{"fn": "returnDeadline", "args": [day]} for day in days]
    cases += [{"fn": "returnDeadline", "args": [bad]} for bad in [*BAD_DATES, "9999-12-22"]]
    for arrival in days:
        today = dt.date.fromisoformat(arrival) + dt.timedelta(days=rng.randint(-3, 14))
        request = {"arrivalDate": arrival, "today": today.isoformat(),
                   "reason": rng.choice(reasons)}
        if rng.random() < 0.5:
            request["gift"] = rng.choice([True, False, "true", 1, None])
        cases.append({"fn": "returnEligibility", "args": [request]})
    cases += [{"fn": "returnEligibility", "args": [request]} for request in BAD_REQUESTS]
    cases += [{"fn": "returnEligibility", "args": [{"arrivalDate": bad, "today": "2026-05-03",
                                                    "reason": "wrong_item"}]}
              for bad in BAD_DATES]
    cases += [{"fn": "returnEligibility", "args": [{"arrivalDate": "2026-05-03", "today": bad,
                                                    "reason": "wrong_item"}]}
              for bad in BAD_DATES]
    return cases


def _country_cases(rng: random.Random, data: dict[str, Any]) -> list[dict[str, Any]]:
    countries = data["shipping"]["countries"]
    codes = countries + [code.lower() for code in countries] + BAD_COUNTRIES
    codes += ["other", "OTHER", "Other"]
    codes += [code[0] + code[1].lower() for code in rng.sample(countries, 20)]
    cards = [card["id"] for key in ("cards_direct", "cards_via_paypal", "cards_not_accepted")
             for card in data["payment"][key]] + ["unionpay", "VISA", "", None, 5]
    cases = [{"fn": "shippingFee", "args": [code]} for code in codes]
    for _ in range(1500):
        request = {"countryCode": rng.choice(codes), "cardBrand": rng.choice(cards)}
        if rng.random() < 0.1:
            del request["cardBrand"]
        cases.append({"fn": "paymentOptions", "args": [request]})
    cases += [{"fn": "paymentOptions", "args": [request]} for request in BAD_REQUESTS]
    return cases


def _clock_cases(rng: random.Random) -> list[dict[str, Any]]:
    """Instants around midnight in Tokyo (15:00 UTC) and at random."""
    cases = []
    for _ in range(500):
        day = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(6 * 366))
        midnight_tokyo = dt.datetime.combine(day, dt.time(15), dt.UTC)
        instant = midnight_tokyo + dt.timedelta(milliseconds=rng.randint(-2000, 2000))
        cases.append(_millis(instant))
        cases.append(_millis(midnight_tokyo + dt.timedelta(seconds=rng.randrange(86400))))
    return [{"fn": "todayInShopTimeZone", "args": [ms]} for ms in cases]


def _millis(instant: dt.datetime) -> int:
    return (instant - EPOCH) // dt.timedelta(milliseconds=1)


def reference(case: dict[str, Any], data: dict[str, Any]) -> Any:
    """What the Python reference says, through JSON as the JS result comes."""
    if case["fn"] == "todayInShopTimeZone":
        now = EPOCH + dt.timedelta(milliseconds=case["args"][0])
        return today_in_shop_timezone(now, data["timezone"])
    return json.loads(json.dumps(REFERENCE[case["fn"]](data, *case["args"])))


def run_node(data_file: Path, cases_file: Path, tz: str | None) -> dict[str, Any]:
    node = shutil.which("node") or "/usr/bin/node"
    if not Path(node).exists():
        pytest.fail("Node.js is needed to test theme/static/calculator-core.js; install node")
    env = {key: value for key, value in os.environ.items() if key != "TZ"}
    if tz:
        env["TZ"] = tz
    completed = subprocess.run([node, str(HARNESS), str(data_file), str(cases_file)],
                               cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)


# Words that must appear among the reference answers, so that every branch is compared.
EXPECTED = {
    "real": ["2028-02-29", "outside_calendar", "invalid_date", "window_passed",
             "refused_reason", "not_arrived_yet", '"atCheckout": true', "unknown_country",
             "paypal", "not_accepted", "unknown_card", "gift_exchange_same_design", '"late"',
             '"early"', '"mid"'],
    "published_rates": ["rest_of_world", "north_america", '"atCheckout": false',
                        "unknown_country", '"late"'],
}


@pytest.fixture(scope="module", params=sorted(EXPECTED))
def data(request: pytest.FixtureRequest) -> dict[str, Any]:
    if request.param == "published_rates":
        return calculator_data(SEED_WITH_RATES)
    loaded, problems = load_policies(ROOT / "content" / "policies.yaml", ROOT, LANGUAGES)
    assert loaded is not None, problems
    return calculator_data(loaded.policies, loaded.shop)


@pytest.fixture(scope="module")
def files(data: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
          ) -> tuple[Path, Path, list[dict[str, Any]]]:
    folder = tmp_path_factory.mktemp("calculator")
    cases = generate_cases(data)
    (folder / "data.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    (folder / "cases.json").write_text(json.dumps(cases, ensure_ascii=False), encoding="utf-8")
    return folder / "data.json", folder / "cases.json", cases


@pytest.fixture(scope="module")
def node_results(files: tuple[Path, Path, list[dict[str, Any]]]) -> list[Any]:
    return run_node(files[0], files[1], "Asia/Tokyo")["results"]


@pytest.fixture(scope="module")
def python_results(files: tuple[Path, Path, list[dict[str, Any]]],
                   data: dict[str, Any]) -> list[Any]:
    """The reference's answer to every case, computed once for the tests below."""
    return [reference(case, data) for case in files[2]]


def test_enough_varied_cases(files: tuple[Path, Path, list[dict[str, Any]]],
                             python_results: list[Any], request: pytest.FixtureRequest) -> None:
    cases = files[2]
    assert len(cases) >= 10_000
    assert {case["fn"] for case in cases} == {*REFERENCE, "todayInShopTimeZone"}
    answers = [json.dumps(answer) for answer in python_results]
    for expected in EXPECTED[request.node.callspec.params["data"]]:
        assert any(expected in answer for answer in answers), expected


def test_js_gives_the_python_results(files: tuple[Path, Path, list[dict[str, Any]]],
                                     python_results: list[Any], node_results: list[Any]) -> None:
    cases = files[2]
    assert len(node_results) == len(cases)
    differing = [(case, got, want) for case, got, want
                 in zip(cases, node_results, python_results, strict=True) if got != want]
    report = "\n".join(f"{json.dumps(case, ensure_ascii=False)}\n   js:     {json.dumps(got)}"
                       f"\n   python: {json.dumps(want)}" for case, got, want in differing[:5])
    assert not differing, f"{len(differing)} of {len(cases)} cases differ, first ones:\n{report}"


@pytest.mark.parametrize(("tz", "offset"), [("America/Los_Angeles", 480),
                                            ("Pacific/Kiritimati", -840)])
def test_js_results_do_not_depend_on_the_time_zone(
        files: tuple[Path, Path, list[dict[str, Any]]], node_results: list[Any],
        tz: str, offset: int) -> None:
    elsewhere = run_node(files[0], files[1], tz)
    # The process really ran in that zone (offset on 1 January 2026, in minutes).
    assert (elsewhere["timeZone"], elsewhere["offsetMinutes"]) == (tz, offset)
    differing = [(case, got, want) for case, got, want
                 in zip(files[2], elsewhere["results"], node_results, strict=True) if got != want]
    report = "\n".join(f"{json.dumps(case)}: {json.dumps(got)} != {json.dumps(want)}"
                       for case, got, want in differing[:5])
    assert not differing, f"{len(differing)} cases differ in {tz}:\n{report}"
