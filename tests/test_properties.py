"""Whatever an editor's file contains, the build answers with a result or with problems.

Property-based tests (hypothesis): arbitrary bytes and text, YAML-ish text made of the
pieces that confuse parsers (tags, anchors, flow brackets, quotes, tabs, NUL, a byte order
mark, CR and CRLF line endings, lone surrogates written as YAML escapes or as the bytes of
a surrogate), and the real policy file with one value replaced by something else. Each
run must return a result or clean `Problem`s, never raise, and every problem must point
at a line that exists in the file.

The calculator's date functions already have such a test (tests/test_calculator.py,
`test_no_input_crashes`: text, numbers, dates, lists and request dicts); the one here adds
what it does not generate: nested values, dicts where a date is expected, lone surrogates,
NaN and huge numbers.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import math
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from helpcenter.load.config import SiteConfig, load_config
from helpcenter.load.content import Entry, read_entry
from helpcenter.load.policy import load_policies
from helpcenter.load.yamlfile import parse_yaml
from helpcenter.problems import Problem
from helpcenter.render.calculator import (
    calculator_data,
    parse_iso_date,
    payment_options,
    return_deadline,
    return_eligibility,
    ship_by_date,
    shipping_fee,
)

ROOT = Path(__file__).resolve().parents[1]
FAST = settings(max_examples=200, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])

# Where PyYAML starts a new line; an editor's line numbers count the same breaks.
LINE_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")


def lines_in(text: str) -> int:
    """The number of lines an editor shows, the empty one after a final newline included."""
    return len(LINE_BREAK.split(text))


def assert_clean(problems: list[Problem], path: str, first_line: int, last_line: int) -> None:
    for problem in problems:
        assert isinstance(problem, Problem)
        assert problem.path == path
        assert first_line <= problem.line <= last_line, (problem, first_line, last_line)
        assert problem.message.strip() and "Traceback" not in problem.message
        assert re.fullmatch(r"[^:]+:\d+: .+ \(.+\)", str(problem)), str(problem)


# --- Text made of the pieces of YAML ------------------------------------------------------

SURROGATES = st.integers(0xD800, 0xDFFF).map(chr)
ANY_CHARACTER = st.one_of(st.characters(), SURROGATES)
PIECES = st.sampled_from([
    "key", "title", "order", "policy", "category", ":", ": ", " ", "  ", "\t", "\n", "\r\n",
    "\r", "- ", "[", "]", "{", "}", ", ", "'", '"', "#", "? ", "|", ">", "---", "...",
    "&a ", "*a", "&b [*b]", "!!int ", "!!float ", "!!str ", "!!timestamp ", "!!binary ",
    "!!set ", "!!omap ", "!!python/object:os.system ", "!custom ", "%YAML 1.1\n", "%TAG ! x\n",
    "2026-02-30", "2026-01-05", "10", "-1", "0x1F", "1e999", ".nan", "true", "no", "NO", "~",
    "null", "\ufeff", "\x00", "\x85", "\u2028", '"\\ud800"', '"\\x00"', '"\\N"', "\\",
    "送料", "é",
])
YAMLISH = st.lists(st.one_of(PIECES, st.text(ANY_CHARACTER, max_size=4)), max_size=30).map(
    "".join)


@FAST
@given(text=st.one_of(YAMLISH, st.text(ANY_CHARACTER)), first_line=st.integers(1, 50))
@example(text="&a [*a]", first_line=1)
@example(text="&a {x: *a}", first_line=1)
@example(text="? !!int abc\n: 1", first_line=1)
@example(text="? !!timestamp 2026-02-30\n: 1", first_line=1)
@example(text="title: x\x00", first_line=2)
@example(text="title: \ud800", first_line=2)
@example(text="---", first_line=1)   # libyaml's empty value on the line after the last
@example(text="{~:\n  }", first_line=3)
def test_parse_yaml_gives_data_or_problems_on_any_text(text: str, first_line: int) -> None:
    parsed = parse_yaml(text, "f.yaml", first_line)

    assert_clean(parsed.problems, "f.yaml", first_line, first_line + lines_in(text) - 1)
    for key_path, line in parsed.lines.lines.items():
        assert first_line <= line <= first_line + lines_in(text) - 1, key_path


@FAST
@given(text=st.one_of(YAMLISH, st.text()))
@example(text='title: "\\ud800"')
def test_parsed_text_never_holds_what_utf8_cannot_write(text: str) -> None:
    """A lone surrogate from a YAML escape ("\\ud800") would crash the final write."""
    parsed = parse_yaml(text, "f.yaml")
    if not parsed.problems:
        json.dumps(parsed.data, default=str).encode("utf-8")


# --- Front matter files -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def config() -> SiteConfig:
    loaded, problems = load_config(ROOT)
    assert loaded is not None, problems
    return loaded


FRONT_VALUES = st.one_of(
    st.sampled_from(["送料はいくらですか？", "How much?", "shipping", "payment", "shiping",
                     "[shipping, payment]", "[]", "10", "-1", "first", "~", "''", "{a: 1}",
                     "2026-02-30", '"\\ud800"', "&a [*a]", "|\n  many\n  lines"]),
    YAMLISH)
FIELDS = st.sampled_from(["title", "category", "policy", "order", "description", "titel",
                          "1", "? [x]", "order"])
FRONT_MATTER = st.lists(st.tuples(FIELDS, FRONT_VALUES), max_size=7).map(
    lambda pairs: "".join(f"{key}: {value}\n" for key, value in pairs))
BODY = st.one_of(st.just("本文です。{{ policy.shipping.domestic.fee | money }}\n"), YAMLISH)


@st.composite
def entry_files(draw: st.DrawFn) -> bytes:
    """Markdown files with front matter, then damaged the ways files get damaged."""
    opening = draw(st.sampled_from(["---\n", "---  \n", "--- \r\n", "", "--\n", "\ufeff---\n"]))
    closing = draw(st.sampled_from(["---\n", "---\r\n", "", "...\n", "----\n"]))
    text = opening + draw(FRONT_MATTER) + closing + draw(BODY)
    if draw(st.booleans()):
        text = text.replace("\n", draw(st.sampled_from(["\r\n", "\r"])))
    raw = text.encode("utf-8", "surrogatepass")  # a lone surrogate becomes its 3 bytes
    if draw(st.booleans()):
        raw = b"\xef\xbb\xbf" + raw
    if draw(st.booleans()):
        at = draw(st.integers(0, len(raw)))
        raw = raw[:at] + draw(st.sampled_from([b"\x00", b"\xff", b"\xed\xa0\x80", b"\xe3\x81",
                                               b"\r", b"\n---\n"])) + raw[at:]
    return raw


def file_lines(raw: bytes) -> int:
    text = raw.decode("utf-8", "replace").removeprefix("\ufeff")
    return lines_in(text)


@FAST
@given(raw=st.one_of(entry_files(), st.binary(max_size=300)))
@example(raw=b"---\ntitle: x\x00\n---\nbody\n")
@example(raw=b"---\n&a [*a]\n---\nbody\n")
@example(raw=b"\xef\xbb\xbf---\r\ntitle: \xed\xa0\x80\r\n---\r\n")
def test_read_entry_gives_an_entry_or_problems_on_any_file(
        raw: bytes, config: SiteConfig, tmp_path_factory: pytest.TempPathFactory) -> None:
    path = tmp_path_factory.mktemp("entry") / "question.md"
    path.write_bytes(raw)

    entry, problems = read_entry(path, "ja", config)

    assert (entry is None) == bool(problems)
    assert_clean(problems, str(path), 1, file_lines(raw))
    if entry is not None:
        assert isinstance(entry, Entry) and entry.title and entry.slug == "question"
        assert 1 <= entry.body_line <= file_lines(raw) + 1
        (entry.title + entry.body + entry.description).encode("utf-8")


# --- The policy file, one value replaced -----------------------------------------------------

REAL_POLICIES = yaml.safe_load((ROOT / "content" / "policies.yaml").read_text(encoding="utf-8"))
REPLACEMENTS = st.one_of(
    st.none(), st.booleans(), st.integers(-10, 10), st.integers(), st.sampled_from(
        [1999, 2000, 2099, 2100, 10000, "JP", "XX", "EU", "NO", "domestic", "rest_of_world",
         "jcb", "wrong_item", "2026-02-30", "", "Asia/Tokyo"]),
    st.dates().map(lambda d: d), st.text(max_size=5), st.lists(st.integers(0, 3), max_size=2),
    st.dictionaries(st.sampled_from(["id", "ja", "en", "from", "to", "x"]),
                    st.sampled_from(["a", 1, None]), max_size=3))


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*path, index))
    return found


ALL_PATHS = _paths(REAL_POLICIES)


@FAST
@given(changes=st.lists(st.tuples(st.sampled_from(ALL_PATHS), REPLACEMENTS), min_size=1,
                        max_size=3))
@example(changes=[(("policies", "shipping", "overseas", "zones", 0, "countries"), 5)])
@example(changes=[(("policies", "dispatch", "business_days", "national_holidays"), "EU")])
def test_a_policy_file_with_any_value_replaced_loads_or_reports(
        changes: list[tuple[tuple[Any, ...], Any]],
        tmp_path_factory: pytest.TempPathFactory) -> None:
    data = copy.deepcopy(REAL_POLICIES)
    for path, value in changes:
        data = _replace(data, path, value)
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    root = tmp_path_factory.mktemp("policies")
    (root / "policies.yaml").write_text(text, encoding="utf-8")

    loaded, problems = load_policies(root / "policies.yaml", root, ("ja", "en"))

    assert (loaded is None) == bool(problems)
    assert_clean(problems, "policies.yaml", 1, lines_in(text))
    if loaded is not None:  # accepted data must make a calculator, as JSON
        json.dumps(calculator_data(loaded.policies, loaded.shop))


def _replace(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    """`data` with the value at `path` replaced (unchanged if an earlier change removed it)."""
    if not path:
        return value
    key = path[0]
    present = key in data if isinstance(data, dict) else (
        isinstance(data, list) and isinstance(key, int) and key < len(data))
    if present:
        data[key] = _replace(data[key], path[1:], value)
    return data


# --- The calculator: what test_calculator.py's property test does not generate --------------

JSONISH = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(),
              st.text(ANY_CHARACTER, max_size=12), st.dates().map(dt.date.isoformat),
              st.sampled_from(["JP", "us", "XX", "in_stock", "made_to_order", "worn",
                               "wrong_item", "9999-12-31", "0001-01-01", "2028-02-29"])),
    lambda children: st.one_of(st.lists(children, max_size=3),
                               st.dictionaries(st.sampled_from(
                                   ["arrivalDate", "today", "reason", "gift", "countryCode",
                                    "cardBrand", "date"]) | st.text(max_size=3), children,
                                   max_size=4)),
    max_leaves=8)


@pytest.fixture(scope="module")
def real_data() -> dict[str, Any]:
    loaded, problems = load_policies(ROOT / "content" / "policies.yaml", ROOT, ("ja", "en"))
    assert loaded is not None, problems
    return calculator_data(loaded.policies, loaded.shop)


def _clean_result(result: Any) -> None:
    json.dumps(result, allow_nan=False)
    if isinstance(result, str):
        assert parse_iso_date(result) is not None, result
    else:
        assert isinstance(result, dict) and result, result


@FAST
@given(first=JSONISH, second=JSONISH)
@example(first=math.nan, second={"date": "2026-05-01"})
@example(first="\ud800", second=["2026-05-01"])
@example(first=10**400, second="in_stock")
def test_the_calculator_answers_or_reports_on_any_json_value(
        real_data: dict[str, Any], first: Any, second: Any) -> None:
    _clean_result(shipping_fee(real_data, first))
    _clean_result(ship_by_date(real_data, first, second))
    _clean_result(return_deadline(real_data, first))
    _clean_result(return_eligibility(real_data, first))
    _clean_result(payment_options(real_data, first))
    day = parse_iso_date(first)
    assert day is None or (isinstance(day, dt.date) and day.isoformat() == first)
