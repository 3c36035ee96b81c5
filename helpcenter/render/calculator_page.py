"""What the calculator's HTML needs besides the policy data: destinations grouped
and named in the page's language, the browser's UI strings, and safe JSON blocks.

The calculator runs in the browser from two `<script type="application/json">` blocks
(no inline script, so pages work under a strict Content-Security-Policy): the policy
data from `calculator.calculator_data`, and the translated strings its script uses.
"""

from __future__ import annotations

import json
from typing import Any

from babel.support import Translations
from markupsafe import Markup

from helpcenter.render.calculator import OTHER_DESTINATION
from helpcenter.render.destination_names import name_in_sentence, short_name, sort_key
from helpcenter.render.formatting import Formatter, money_style

# Which tool an entry page embeds, by the policy it explains.
TOOL_FOR_POLICY = {"shipping": "shipping", "dispatch": "dispatch", "returns": "returns"}


def tools_for(policies: tuple[str, ...]) -> list[str]:
    tools = [TOOL_FOR_POLICY[p] for p in policies if p in TOOL_FOR_POLICY]
    return list(dict.fromkeys(tools))


Option = tuple[str, str, str]  # value, name in the list, name inside a sentence


def destination_groups(shipping: dict[str, Any], lang: str, translations: Translations
                       ) -> list[tuple[str | None, list[Option]]]:
    """The destinations the shop's data can answer for, truthfully: Japan, each zone with a
    published rate (its countries by short name, in the language's order), then "another
    country or region" (the rest-of-the-world rate, or "shown at checkout").

    `shipping` is the shipping policy in the page's language (zone names as text). A group
    without a label is a plain option.
    """
    domestic = shipping["domestic"]["country"]

    def option(code: str) -> Option:
        return (code, short_name(code, lang), name_in_sentence(code, lang))

    overseas = shipping["overseas"]
    groups: list[tuple[str | None, list[Option]]] = [(None, [option(domestic)])]
    for zone in overseas.get("zones", []):
        countries = sorted((option(code) for code in zone["countries"]),
                           key=lambda item: sort_key(item[1], lang))
        groups.append((zone["name"], countries))
    rest = overseas.get("rest_of_world")
    other = rest["name"] if rest else (
        translations.gettext("Another country or region") if groups[1:] else
        translations.gettext("Outside Japan"))
    groups.append((None, [(OTHER_DESTINATION, other, other)]))
    return groups


def page_facts(policy: dict[str, Any], fmt: Formatter, contact: str) -> dict[str, str]:
    """What the calculator's answers say besides its rules, in the page's language: the
    contact address, the return window in words, and that JCB or Discover through PayPal
    count as card payment (so "card only" abroad does not read as a contradiction)."""
    facts = {"contact": contact, "returnWindow": fmt.days(policy["returns"]["window_days"])}
    paypal = policy["payment"]["cards_via_paypal"]
    if paypal and policy["payment"]["overseas_card_only"]:
        facts["paypalCountsAsCard"] = paypal_counts_as_card(paypal, fmt)
    return facts


def paypal_counts_as_card(cards: list[dict[str, Any]], fmt: Formatter) -> str:
    return fmt.translations.gettext(
        "Paying with %(cards)s through PayPal counts as paying by credit card.") % {
        "cards": fmt.or_list(cards)}


def browser_strings(lang: str, translations: Translations,
                    messages: list[str | tuple[str, ...]]) -> dict[str, Any]:
    """The calculator script's UI strings in one language, plus how it formats money."""
    strings: dict[str, Any] = {}
    for message in messages:
        if isinstance(message, tuple):
            singular, plural = message[0], message[1]
            forms = [translations.ngettext(singular, plural, n) for n in (1, 2)]
            if forms != [singular, plural]:
                strings[singular] = forms
        elif translations.gettext(message) != message:  # the script falls back to the msgid
            strings[message] = translations.gettext(message)
    return {"lang": lang, "moneyDisplay": "name" if money_style(lang) == "name" else "symbol",
            "strings": strings}


def json_script(value: Any) -> Markup:
    """JSON that is safe inside <script type="application/json">: no '</script>' can close it."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))
