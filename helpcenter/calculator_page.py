"""What the calculator's HTML needs besides the policy data: destinations grouped
and named in the page's language, the browser's UI strings, and safe JSON blocks.

The calculator runs in the browser from two `<script type="application/json">` blocks
(no inline script, so pages work under a strict Content-Security-Policy): the policy
data from `calculator.calculator_data`, and the translated strings its script uses.
"""

from __future__ import annotations

import json
from typing import Any

from babel import Locale
from babel.support import Translations
from markupsafe import Markup

from .formatting import money_style

# Which tool an entry page embeds, by the policy it explains.
TOOL_FOR_POLICY = {"shipping": "shipping", "dispatch": "dispatch", "returns": "returns"}


def tools_for(policies: tuple[str, ...]) -> list[str]:
    tools = [TOOL_FOR_POLICY[p] for p in policies if p in TOOL_FOR_POLICY]
    return list(dict.fromkeys(tools))


def destination_groups(data: dict[str, Any], shipping: dict[str, Any], lang: str,
                       translations: Translations) -> list[tuple[str, list[tuple[str, str]]]]:
    """Japan first, then each overseas zone, then every other country, names sorted.

    `shipping` is the shipping policy in the page's language (zone names as text); the
    calculator `data` lists every country the calculator knows.
    """
    names = Locale.parse(lang).territories
    domestic = shipping["domestic"]["country"]
    zoned = {c for zone in shipping["overseas"]["zones"] for c in zone["countries"]}

    def named(codes: set[str] | list[str]) -> list[tuple[str, str]]:
        return sorted(((code, names.get(code, code)) for code in codes), key=lambda c: c[1])

    groups = [(translations.gettext("Within Japan"), named([domestic]))]
    groups += [(zone["name"], named(zone["countries"]))
               for zone in shipping["overseas"]["zones"]]
    others = set(data["shipping"]["countries"]) - zoned - {domestic}
    groups.append((shipping["overseas"]["rest_of_world"]["name"], named(others)))
    return groups


def browser_strings(lang: str, translations: Translations,
                    messages: list[str | tuple[str, str]]) -> dict[str, Any]:
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
