"""content/synonyms.yaml, as an editor keeps it: its mistakes, and what the browser gets.

What customers find with it is tested in tests/test_search_queries.py (ダイナース, アメックス,
…) and tests/browser/test_search.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import Site, copy_built, copy_site, snapshot

from helpcenter.load.synonyms import normalise

SYNONYMS = "content/synonyms.yaml"


@pytest.fixture(scope="module")
def good_site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    site = copy_site(tmp_path_factory.mktemp("synonyms") / "site")
    assert site.build().code == 0
    return site


def broken_copy(good_site: Site, tmp_path: Path, text: str) -> tuple[Site, dict[str, bytes]]:
    site = copy_built(good_site, tmp_path / "site")
    site.write(SYNONYMS, text)
    return site, snapshot(site.out)


def assert_refused(site: Site, before: dict[str, bytes], expected: list[str]) -> None:
    """Every problem at once, with its line and a fix; no traceback; the last site intact."""
    run = site.build()
    assert run.code == 1
    assert "Traceback" not in run.stderr
    assert [line.split(" (")[0] for line in run.problems] == expected
    assert all(line.endswith(")") for line in run.problems), run.problems
    assert snapshot(site.out) == before


def test_every_mistake_in_the_list_is_reported_with_its_line(good_site: Site,
                                                             tmp_path: Path) -> None:
    site, before = broken_copy(good_site, tmp_path, """\
ja:
  synonyms:
    ダイナース: Diners Club
    ア: American Express
    ペイパル:
    ビザ: [Visa, 42]
    マスター: マスター
  unanswered: キャンセル
  keywords: [x]
fr:
  synonyms: {}
en: amex
""")
    assert_refused(site, before, [
        f"{SYNONYMS}:4: 'ア' is a single character, which would match nearly every page",
        f"{SYNONYMS}:5: 'ペイパル' has no answer word",
        f"{SYNONYMS}:6: 'ビザ' has no answer word",
        f"{SYNONYMS}:7: 'マスター' points at itself",
        f"{SYNONYMS}:8: 'unanswered' is not a list of words of two or more characters",
        f"{SYNONYMS}:9: unknown key 'keywords' under 'ja'",
        f"{SYNONYMS}:10: 'fr' is not a language of the site",
        f"{SYNONYMS}:12: 'en' has no 'synonyms:' or 'unanswered:'",
    ])


def test_a_synonym_must_lead_to_an_answer(good_site: Site, tmp_path: Path) -> None:
    """関税 -> 税関 would send a customer to no page (the shop answers nothing about customs)."""
    site, before = broken_copy(good_site, tmp_path, """\
ja:
  synonyms:
    関税: 税関
    アメックス: American Express
    ジェーシービー: JBC
en:
  synonyms:
    amex: American Expres
""")
    assert_refused(site, before, [
        f"{SYNONYMS}:3: '税関', the answer word for '関税', is on no ja page",
        f"{SYNONYMS}:5: 'JBC', the answer word for 'ジェーシービー', is on no ja page",
        f"{SYNONYMS}:8: 'American Expres', the answer word for 'amex', is on no en page",
    ])


@pytest.mark.parametrize(("text", "expected"), [
    ("ja:\n  synonyms:\n    ビザ: Visa\n    ビザ: Mastercard\n", "4: 'ビザ' is given twice"),
    ("ja:\n  synonyms: [ビザ, Visa]\n", "2: 'synonyms' is not a mapping"),
    ("- ビザ\n- Visa\n", "1: the synonym list is not a mapping of languages"),
    ("ja:\n  synonyms:\n    ビザ: [Visa\n", "4:"),
])
def test_a_list_that_is_not_a_list_of_synonyms_is_reported(
        good_site: Site, tmp_path: Path, text: str, expected: str) -> None:
    site, before = broken_copy(good_site, tmp_path, text)
    run = site.build()
    assert run.code == 1 and "Traceback" not in run.stderr
    assert run.problems and run.problems[0].startswith(f"{SYNONYMS}:{expected}"), run.problems
    assert snapshot(site.out) == before


def test_the_browser_gets_the_list_normalised_as_it_normalises_a_query(good_site: Site) -> None:
    """Full-width, half-width and katakana keys all become the hiragana the query becomes."""
    site = copy_site(good_site.root.parent / "normalised")
    site.write(SYNONYMS, "ja:\n  synonyms:\n    ﾀﾞｲﾅｰｽ: Diners Club\n    ＡＭＥＸ: American Express\n"
                         "  unanswered: [キャンセル]\nen:\n  synonyms:\n    Master Card: Mastercard\n")
    assert site.build().code == 0
    shipped = json.loads((site.out / "pagefind" / "synonyms.json").read_text(encoding="utf-8"))
    assert shipped == {
        "ja": {"synonyms": {"だいなーす": ["Diners Club"], "amex": ["American Express"]},
               "unanswered": ["きゃんせる"]},
        "en": {"synonyms": {"master card": ["Mastercard"]}, "unanswered": []},
    }


def test_a_site_without_a_synonym_list_builds(good_site: Site) -> None:
    site = copy_site(good_site.root.parent / "without")
    (site.root / SYNONYMS).unlink()
    assert site.build().code == 0
    assert json.loads((site.out / "pagefind" / "synonyms.json").read_text()) == {}


@pytest.mark.parametrize(("typed", "query_form"), [
    ("ァヴヵヶ", "ぁゔゕゖ"),          # the ends of the katakana that have a hiragana
    ("ヷヸ・ヽ", "ヷヸ・ヽ"),          # past the end, and marks: kept as written
    ("カード・ローン", "かーど・ろーん"),  # the long-vowel mark and the middle dot stay
    ("ｳﾞｨﾄﾝ", "ゔぃとん"),             # half-width, with its voiced mark joined
    ("ダイナースＡＢＣ", "だいなーすabc"),  # full-width letters
])
def test_a_typed_word_becomes_the_hiragana_search_js_looks_up(typed: str, query_form: str) -> None:
    """A word written in katakana (any width) is filed under the hiragana a customer's
    query becomes, and nothing outside ァ..ヶ is changed."""
    assert normalise(typed) == query_form
