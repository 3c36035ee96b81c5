"""Unusual numbers in policies.yaml and front matter, and unusable ports, are refused
with the line and what to write instead, never taken at face value: a return window of
100,000,000 days or a fee of 10^30 yen would be published and computed by the
calculator in every customer's browser."""

from __future__ import annotations

import re

import pytest
from conftest import Site

FEE = "content/policies.yaml:20: policies.shipping.domestic.fee must be "


@pytest.mark.parametrize(("written", "expected"), [
    (".nan", FEE + "a whole number, not '.nan' (which stands for \"not a number\")"),
    (".inf", FEE + "a whole number, not infinity"),
    ("-.inf", FEE + "a whole number, not infinity"),
    ("1.0e+400", FEE + "a whole number, not infinity (.inf, or a number too large to store)"),
    ("1e400", FEE + "a whole number, not the text '1e400'"),
    ("1000000000000000000000000000000", FEE + "at most 1,000,000 (yen), not "
     "1000000000000000000000000000000 (check the number: a digit too many?)"),
    ("9" * 5000, FEE + "a whole number, not the text '99999999999999999999… (5,000 "
     "characters)' (write a number such as 1 (yen))"),
    ("yes", FEE + "a whole number, not yes/no (true)"),
    ("1000.0", FEE + "a whole number, not the number 1000.0 (write 1000 without the "
     "decimal point)"),
    ("1000.5", FEE + "a whole number, not the number 1000.5 (write a number such as 1 (yen))"),
    ("1,000", FEE + "a whole number, not the text '1,000' (write 1000, without commas)"),
], ids=["nan", "inf", "minus-inf", "overflow", "1e400", "huge", "5000-digits", "yes",
        "float-whole", "float", "commas"])
def test_an_unusual_fee_is_refused(site: Site, written: str, expected: str) -> None:
    site.replace("content/policies.yaml", "fee: 1000 ", f"fee: {written} ")
    result = site.run("check")
    assert result.code == 1
    assert "Traceback" not in result.stderr
    assert any(line.startswith(expected) for line in result.problems), result.stderr
    assert all(len(line) < 400 for line in result.problems), "a number pasted 5,000 digits " \
        "long is shown by its start"


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("window_days: 10 ", "window_days: 100000000 ",
     r"content/policies.yaml:\d+: policies.returns.window_days must be at most 365 \(days\), "
     r"not 100000000"),
    ("window_days: 10 ", "window_days: 10.5 ",
     r"policies.returns.window_days must be a whole number, not the number 10.5"),
    ("in_stock_business_days: 3 ", "in_stock_business_days: no ",
     r"policies.dispatch.in_stock_business_days must be a whole number, not yes/no \(false\)"),
    ("last: 2030}", "last: 99999}",
     r"policies.dispatch.business_days.calendar_years.last must be at most 2,100, not 99999"),
    ("max: 3", "max: 3000",
     r"policies.dispatch.made_to_order_months.max must be at most 36 \(months\), not 3000"),
])
def test_unusual_days_months_and_years_are_refused(site: Site, old: str, new: str,
                                                   expected: str) -> None:
    site.replace("content/policies.yaml", old, new)
    result = site.run("check")
    assert result.code == 1
    assert "Traceback" not in result.stderr
    assert any(re.search(expected, line) for line in result.problems), result.stderr


@pytest.mark.parametrize(("written", "expected"), [
    ("1e400", "order must be a whole number, not the text '1e400'"),
    (".inf", "order must be a whole number, not infinity"),
    ("100000000000000000000", "order must be at most 9,007,199,254,740,991, not "
     "100000000000000000000"),
])
def test_an_unusual_order_in_front_matter_is_refused(site: Site, written: str,
                                                     expected: str) -> None:
    text = site.read("content/ja/receipts.md")
    site.write("content/ja/receipts.md", re.sub(r"(?m)^order: .*$", f"order: {written}", text))
    result = site.run("check")
    assert result.code == 1
    assert "Traceback" not in result.stderr
    assert any(line.startswith("content/ja/receipts.md:") and expected in line
               for line in result.problems), result.stderr


@pytest.mark.parametrize("port", ["0", "70000", "-1", "abc", "65536", "8000.5", "", "1e3"])
def test_a_port_that_cannot_be_opened_is_refused(site: Site, port: str) -> None:
    result = site.run("serve", f"--port={port}")
    assert result.code == 1
    assert "Traceback" not in result.stderr
    assert result.problems[0] == (f"--port: '{port}' is not a port number (give a whole "
                                  "number from 1 to 65535, such as --port 8001)")
