"""Stage 2: load and validate content/policies.yaml, the shop's policy data.

Every fee, day count and rule a customer can ask about lives here. Prose reads it
through placeholders and the calculator reads it as JSON, so a value is written once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import holidays

from helpcenter.load.schema import (
    DAYS,
    ID,
    MONTHS,
    YEAR,
    YEN,
    Check,
    Choice,
    Country,
    Destination,
    Flag,
    IsoDate,
    ListOf,
    Localized,
    Record,
    Spec,
    Text,
)
from helpcenter.load.source_files import read_source_text
from helpcenter.load.yamlfile import LineMap, parse_yaml
from helpcenter.problems import Problem, display_path

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

_LABELLED = Record({"id": ID, "label": Localized()})
_CARD = Record({"id": ID, "name": Text()})
_ZONE = Record({"id": ID, "name": Localized(), "fee": YEN,
                "countries": ListOf(Destination())})
_CLOSURE = Record({"from": IsoDate(), "to": IsoDate(), "reason": Text()}, frozenset({"reason"}))
_AFTER_PAYMENT_REQUEST = Record({
    "requested_after": Choice(("payment_confirmed",)),
    "requires_order_number": Flag(),
    "deadline": Choice(("before_shipment",)),
})

POLICY_SCHEMAS: dict[str, Spec] = {
    "shipping": Record({
        "domestic": Record({"country": Country(), "fee": YEN}),
        # Only rates the shop has published: with none, the help center says that the
        # cost depends on the destination and is shown at checkout.
        "overseas": Record({
            "zones": ListOf(_ZONE, min_items=0, unique_key="id"),
            "rest_of_world": Record({"name": Localized(), "fee": YEN}),
        }, frozenset({"zones", "rest_of_world"}), retired=(
            ("fees_are_estimates", "customers read any overseas fee as the shop's price, so "
             "only rates the shop publishes are given",
             "delete the line; keep a zone only if its fee is a published rate, otherwise "
             "write 'zones: []' and the help center says checkout shows the cost"),)),
    }),
    "payment": Record({
        "credit_card": Flag(),
        "overseas_card_only": Flag(),
        "cards_direct": ListOf(_CARD, unique_key="id"),
        "cards_via_paypal": ListOf(_CARD, min_items=0, unique_key="id"),
        "cards_not_accepted": ListOf(_CARD, min_items=0, unique_key="id"),
    }),
    "dispatch": Record({
        "in_stock_business_days": DAYS,
        "made_to_order_months": Record({"min": MONTHS, "max": MONTHS}),
        "mixed_orders_ship_together": Flag(),
        "shipping_email": Flag(),
        "business_days": Record({
            "weekdays": ListOf(Choice(WEEKDAYS)),
            "national_holidays": Country(),
            "calendar_years": Record({"first": YEAR, "last": YEAR}),
            "shop_closures": ListOf(_CLOSURE, min_items=0),
        }),
    }),
    "returns": Record({
        "window_days": DAYS,
        "accepted_reasons": ListOf(_LABELLED, unique_key="id"),
        "refused_reasons": ListOf(_LABELLED, unique_key="id"),
        "gift_exchange_same_design_and_size": Flag(),
    }),
    "aftercare": Record({
        "services": ListOf(_LABELLED, unique_key="id"),
        "official_site_purchases_only": Flag(),
        "tracked_courier_required": Flag(),
    }),
    "overseas_orders": Record({"accepted": Flag()}),
    "receipts": _AFTER_PAYMENT_REQUEST,
    "gift_wrapping": _AFTER_PAYMENT_REQUEST,
    "order_emails": Record({"sent_when": ListOf(_LABELLED, unique_key="id")}),
}

_FILE_SCHEMA = Record({
    "shop": Record({"timezone": Choice(("Asia/Tokyo",)), "currency": Choice(("JPY",))}),
    "policies": Record({}),  # checked policy by policy below
})


@dataclass(frozen=True)
class PolicyData:
    """The validated policy file. `policies` maps policy id -> its data."""

    path: str
    shop: dict[str, Any]
    policies: dict[str, Any]
    lines: LineMap

    def line_of(self, policy_id: str) -> int:
        return self.lines.line(("policies", policy_id))


def load_policies(path: Path, root: Path,
                  languages: tuple[str, ...]) -> tuple[PolicyData | None, list[Problem]]:
    shown = display_path(path, root)
    if not path.exists() and not path.is_symlink():  # a broken link is read, and named
        return None, [Problem(shown, 0, "the policy file is missing",
                              "create it; see README, 'Changing a policy value'")]
    text, problem = read_source_text(path, shown)
    if problem:
        return None, [problem]
    parsed = parse_yaml(text, shown)
    if parsed.problems or parsed.data is None:
        return None, parsed.problems or [Problem(shown, 1, "the policy file is empty",
                                                 "add the 'shop:' and 'policies:' sections")]
    ctx = Check(parsed.lines, languages)
    data = parsed.data
    policies = data.get("policies") if isinstance(data, dict) else None
    _FILE_SCHEMA.check({**data, "policies": {}} if isinstance(policies, dict) else data, (), ctx)
    if isinstance(policies, dict):
        _check_policies(policies, ctx)
    _check_consistency(policies if isinstance(policies, dict) else {}, ctx)
    if ctx.problems:
        return None, ctx.problems
    assert isinstance(policies, dict)  # else _FILE_SCHEMA's Record reported it above
    return PolicyData(shown, data["shop"], policies, parsed.lines), []


def _check_policies(policies: dict[str, Any], ctx: Check) -> None:
    for policy_id, spec in POLICY_SCHEMAS.items():
        if policy_id in policies:
            policies[policy_id] = spec.check(policies[policy_id], ("policies", policy_id), ctx)
        else:
            ctx.fail(("policies",), f"the '{policy_id}' policy is missing",
                     f"add '{policy_id}:' under 'policies:'; the calculator and FAQ need it")
    for policy_id, value in policies.items():
        if policy_id not in POLICY_SCHEMAS:
            ID.check(policy_id, ("policies", policy_id), ctx)
            if not isinstance(value, dict):
                ctx.fail(("policies", policy_id), f"policy '{policy_id}' must be a group of named "
                         "values", "indent its values under it")


def _check_consistency(policies: dict[str, Any], ctx: Check) -> None:
    """Rules that span several values: zones may not overlap, ranges run forwards, and no
    card or return reason is listed under two answers that contradict each other."""
    _check_zones(policies, ctx)
    low = _dig(policies, "dispatch", "made_to_order_months", "min")
    high = _dig(policies, "dispatch", "made_to_order_months", "max")
    if _is_number(low) and _is_number(high) and low > high:
        ctx.fail(("policies", "dispatch", "made_to_order_months"),
                 f"made_to_order_months goes from {low} to {high}", "make min no larger than max")
    years = ("policies", "dispatch", "business_days", "calendar_years")
    first, last = _dig(policies, *years[1:], "first"), _dig(policies, *years[1:], "last")
    if _is_number(first) and _is_number(last) and first > last:
        ctx.fail(years, f"calendar_years runs backwards, from {first} to {last}",
                 f"make 'first' the earlier year: first: {last}, last: {first}")
    _check_holiday_calendar(policies, ctx, last)
    closures = _dig(policies, "dispatch", "business_days", "shop_closures")
    for index, closure in enumerate(_list(closures)):
        start, end = _dig(closure, "from"), _dig(closure, "to")
        if isinstance(start, str) and isinstance(end, str) and start > end:
            ctx.fail(("policies", "dispatch", "business_days", "shop_closures", index),
                     "this closure ends before it starts", "swap 'from' and 'to'")
    _check_exclusive(policies, ctx, ("payment",),
                     ("cards_direct", "cards_via_paypal", "cards_not_accepted"), "the card",
                     "keep the card in the one list that says how it can be used")
    _check_exclusive(policies, ctx, ("returns",), ("accepted_reasons", "refused_reasons"),
                     "the reason", "a reason is either accepted or refused: keep it in one list")


# What the calculator calls the two destinations that are not zones of the policy file.
_RESERVED_ZONE_IDS = {
    "domestic": "domestic shipping",
    "rest_of_world": "countries that are in no zone",
}


def _check_zones(policies: dict[str, Any], ctx: Check) -> None:
    seen: dict[str, str] = {}
    domestic = _dig(policies, "shipping", "domestic", "country")
    for z, zone in enumerate(_list(_dig(policies, "shipping", "overseas", "zones"))):
        zone_id = _dig(zone, "id")
        if isinstance(zone_id, str) and zone_id in _RESERVED_ZONE_IDS:
            ctx.fail(("policies", "shipping", "overseas", "zones", z, "id"),
                     f"a zone cannot be called '{zone_id}': the calculator already uses that "
                     f"name for {_RESERVED_ZONE_IDS[zone_id]}",
                     "give the zone another id, such as 'south_america'")
        for c, country in enumerate(_list(_dig(zone, "countries"))):
            key_path = ("policies", "shipping", "overseas", "zones", z, "countries", c)
            if not isinstance(country, str):
                continue
            if country == domestic:
                ctx.fail(key_path, f"{country} is the domestic country, not an overseas zone",
                         "remove it from the zone")
            elif country in seen:
                ctx.fail(key_path, f"{country} is in two zones ('{seen[country]}' and "
                         f"'{zone_id}')", "keep it in one zone only")
            seen.setdefault(country, str(zone_id))


def _check_holiday_calendar(policies: dict[str, Any], ctx: Check, last: Any) -> None:
    """The holidays package must know the country's holidays for every calendar year: a
    year it has no data for would silently count national holidays as business days."""
    key_path = ("policies", "dispatch", "business_days", "national_holidays")
    country = _dig(policies, *key_path[1:])
    scratch = Check(ctx.lines, ctx.languages)
    Country().check(country, key_path, scratch)
    if scratch.problems:
        return  # not a country code: the schema has reported it
    try:
        known_until = holidays.country_holidays(country).end_year
    except NotImplementedError:
        ctx.fail(key_path, f"there is no holiday calendar for {country}",
                 "use the country whose national holidays the shop observes, such as JP")
        return
    if _is_number(last) and last > known_until:
        ctx.fail(("policies", "dispatch", "business_days", "calendar_years", "last"),
                 f"the holiday calendar for {country} only goes up to {known_until}, "
                 f"not {last}", f"make 'last' {known_until} or earlier")


def _check_exclusive(policies: dict[str, Any], ctx: Check, where: tuple[str, ...],
                     lists: tuple[str, ...], what: str, fix: str) -> None:
    """No id in more than one of the lists `where.<list>` (each list's own repeats are
    reported by its schema)."""
    first_list: dict[str, str] = {}
    for name in lists:
        for index, item in enumerate(_list(_dig(policies, *where, name))):
            item_id = _dig(item, "id")
            if not isinstance(item_id, str):
                continue
            earlier = first_list.setdefault(item_id, name)
            if earlier != name:
                ctx.fail(("policies", *where, name, index),
                         f"{what} '{item_id}' is in both {earlier} and {name}", fix)


def _list(value: Any) -> list[Any]:
    """The value if it is a list, else an empty one (a wrong type is the schema's report)."""
    return value if isinstance(value, list) else []


def _is_number(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _dig(value: Any, *keys: str) -> Any:
    """value[k1][k2]… or None when any step is missing or of the wrong kind."""
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def localize(value: Any, lang: str, languages: tuple[str, ...]) -> Any:
    """The policy data as one language sees it: every {ja: …, en: …} becomes its text."""
    if isinstance(value, dict):
        if value and set(value) == set(languages):
            return value[lang]
        return {key: localize(item, lang, languages) for key, item in value.items()}
    if isinstance(value, list):
        return [localize(item, lang, languages) for item in value]
    return value
