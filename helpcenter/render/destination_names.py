"""Country names as a customer looks for them in a list of destinations.

CLDR (through Babel) gives every territory a name, but some are formal (「中華人民共和国
香港特別行政区」, "Hong Kong SAR China"), carry a bracketed alias (「ミャンマー (ビルマ)」)
or need "the" inside a sentence ("to the United States"). A Japanese list is read in
五十音 order of the names' readings, which code-point order is not: 中国 (ちゅうごく)
belongs among the た-row, not after every katakana name. The names with kanji that a
country list can hold are few, so their readings are listed here.
"""

from __future__ import annotations

import unicodedata

from babel import Locale

# Everyday short names where CLDR's standard name is formal or bracketed.
_SHORT_NAMES = {
    "ja": {"HK": "香港", "MO": "マカオ", "MM": "ミャンマー", "US": "アメリカ",
           "PS": "パレスチナ", "CC": "ココス諸島", "CD": "コンゴ民主共和国",
           "CG": "コンゴ共和国"},
    "en": {"HK": "Hong Kong", "MO": "Macao", "MM": "Myanmar", "CC": "Cocos Islands",
           "CD": "Democratic Republic of the Congo", "CG": "Republic of the Congo",
           "PS": "Palestine"},
}

# English names that take "the" inside a sentence ("Shipping to the United States").
_WITH_THE = frozenset({"US", "GB", "NL", "PH", "AE", "DO", "BS", "MV", "CF", "CD", "CG",
                       "KY", "FO", "MH", "SB", "VA", "TC", "VG", "VI", "CK", "GM", "CZ",
                       "KM", "SC", "FK", "MP", "PS"})

# Readings of the Japanese names that start with kanji, for 五十音 order.
_READINGS = {
    "中国": "ちゅうごく", "韓国": "かんこく", "台湾": "たいわん", "香港": "ほんこん",
    "日本": "にほん", "北朝鮮": "きたちょうせん", "南アフリカ": "みなみあふりか",
    "中央アフリカ共和国": "ちゅうおうあふりかきょうわこく", "赤道ギニア": "せきどうぎにあ",
    "東ティモール": "ひがしてぃもーる", "南スーダン": "みなみすーだん",
    "北マケドニア": "きたまけどにあ", "北マリアナ諸島": "きたまりあなしょとう",
    "西サハラ": "にしさはら", "米領サモア": "べいりょうさもあ",
    "仏領ギアナ": "ふつりょうぎあな", "仏領ポリネシア": "ふつりょうぽりねしあ",
    "英領ヴァージン諸島": "えいりょうゔぁーじんしょとう",
    "米領ヴァージン諸島": "べいりょうゔぁーじんしょとう",
}


def short_name(code: str, lang: str) -> str:
    """The name of a country as a list shows it: 香港, Hong Kong, United States."""
    return _SHORT_NAMES.get(lang, {}).get(code) or Locale.parse(lang).territories.get(code, code)


def name_in_sentence(code: str, lang: str) -> str:
    """The name inside a sentence: 'the United States' in English, else the list's name."""
    name = short_name(code, lang)
    return f"the {name}" if lang == "en" and code in _WITH_THE else name


def sort_key(name: str, lang: str) -> tuple[str, str]:
    """Order of a list of names: 五十音 of the reading in Japanese, alphabetical otherwise."""
    if lang != "ja":
        letters = unicodedata.normalize("NFKD", name)
        return ("".join(c for c in letters if not unicodedata.combining(c)).casefold(), name)
    return (_hiragana(unicodedata.normalize("NFKC", reading(name))), name)


def reading(name: str) -> str:
    """The reading of a Japanese country name: its own katakana, or the listed reading of
    a name that starts with kanji (tests/test_destinations.py checks every destination)."""
    return _READINGS.get(name, name)


def _hiragana(text: str) -> str:
    """Katakana folded to hiragana, so that both sort in one 五十音 order."""
    return "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in text)
