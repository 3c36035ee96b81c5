"""Country names in a list of destinations: short everyday names, Japanese in 五十音 order
of the readings, English alphabetical, and "the" where English needs it in a sentence.
The list is shown only when the shop publishes overseas rates (content/policies.yaml)."""

from __future__ import annotations

import re

import pytest
from babel import Locale

from helpcenter.load.schema import Check, Destination
from helpcenter.load.yamlfile import LineMap
from helpcenter.render.destination_names import name_in_sentence, reading, short_name, sort_key

KANJI = re.compile(r"[一-鿿]")


def destinations() -> list[str]:
    """Every code the policy file accepts in a zone."""
    codes = [code for code in Locale("en").territories if re.fullmatch(r"[A-Z]{2}", code)]
    accepted = []
    for code in codes:
        check = Check(LineMap("content/policies.yaml"), ("ja", "en"))
        Destination().check(code, ("zone",), check)
        if not check.problems:
            accepted.append(code)
    return accepted


def test_places_nobody_ships_to_are_not_destinations() -> None:
    codes = destinations()
    assert len(codes) > 230
    for code in ("AQ", "BV", "HM", "CQ", "ZZ", "EU", "UN"):
        assert code not in codes
    for code in ("JP", "US", "HK", "MO", "TW", "NO", "GU"):
        assert code in codes


def test_every_japanese_destination_name_can_be_put_in_gojuon_order() -> None:
    """A name that starts with kanji needs its reading, or it would sort after every
    katakana name (the code-point order of the issue: 中国 after ロシア)."""
    missing = [(code, short_name(code, "ja")) for code in destinations()
               if KANJI.match(reading(short_name(code, "ja")))]
    assert missing == []


@pytest.mark.parametrize(("codes", "expected"), [
    (["CN", "KR", "TW", "HK", "RU", "AU"],                 # ちゅうごく かんこく たいわん ほんこん ろしあ おーすとらりあ
     ["AU", "KR", "TW", "CN", "HK", "RU"]),
    (["ZA", "KP", "TL", "US", "IT"], ["US", "IT", "KP", "TL", "ZA"]),  # あ い き ひ み
    (["JP", "NZ", "DE", "TH"], ["TH", "DE", "JP", "NZ"]),            # た ど に に(ゅ)
])
def test_japanese_names_sort_by_their_readings(codes: list[str], expected: list[str]) -> None:
    assert sorted(codes, key=lambda code: sort_key(short_name(code, "ja"), "ja")) == expected


def test_english_names_sort_alphabetically_ignoring_accents() -> None:
    codes = ["US", "AX", "CI", "CW", "GB", "AT"]
    names = [short_name(code, "en") for code in sorted(codes, key=lambda c: sort_key(
        short_name(c, "en"), "en"))]
    assert names == ["Åland Islands", "Austria", "Côte d’Ivoire", "Curaçao", "United Kingdom",
                     "United States"]


@pytest.mark.parametrize(("code", "ja", "en", "in_sentence"), [
    ("HK", "香港", "Hong Kong", "Hong Kong"),
    ("MO", "マカオ", "Macao", "Macao"),
    ("MM", "ミャンマー", "Myanmar", "Myanmar"),
    ("US", "アメリカ", "United States", "the United States"),
    ("GB", "イギリス", "United Kingdom", "the United Kingdom"),
    ("NL", "オランダ", "Netherlands", "the Netherlands"),
    ("PH", "フィリピン", "Philippines", "the Philippines"),
    ("FR", "フランス", "France", "France"),
])
def test_short_everyday_names(code: str, ja: str, en: str, in_sentence: str) -> None:
    assert short_name(code, "ja") == ja and short_name(code, "en") == en
    assert name_in_sentence(code, "en") == in_sentence
    assert name_in_sentence(code, "ja") == ja


def test_no_name_in_a_list_has_brackets_or_a_formal_title() -> None:
    for lang in ("ja", "en"):
        for code in destinations():
            name = short_name(code, lang)
            assert not re.search(r"[()（）]|特別行政区|SAR", name), (code, lang, name)
