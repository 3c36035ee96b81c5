"""Placeholders an editor gets wrong: the wrong kind of value for a filter, settings a
filter does not take, and expressions that fail while the page is rendered.

Each case writes the mistake a few lines into an answer (never on its first line), and
asserts what test_bad_input.py asserts for every mistake: exit 1, `path:line: what (fix)`
at the line of the mistake, no traceback, the last good site byte-for-byte as it was.
The live preview shows the same problems in its overlay.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Site, copy_built
from test_bad_input import line_of
from test_bad_input import (
    test_a_mistake_is_reported_and_the_last_good_site_survives as expect_reported,
)
from test_catalog_safety import JA as JA_PO
from test_catalog_safety import set_msgstr
from test_serve import start_preview, stop_preview

from helpcenter.preview.builder import PreviewBuilder
from helpcenter.preview.loop import PreviewState

EN_SHIP = "content/en/shipping-cost.md"
JA_RETURNS = "content/ja/returns-and-exchanges.md"

Expected = list[tuple[str, int, str]]


def with_placeholder(site: Site, placeholder: str, path: str = EN_SHIP) -> int:
    """Adds a paragraph holding `placeholder` at the end of an answer; returns its line."""
    site.write(path, site.read(path).rstrip("\n") + f"\n\nSee also: {placeholder}.\n")
    return line_of(site, path, placeholder)


# The wrong kind of value for a filter ------------------------------------------------

def money_of_a_group(site: Site) -> Expected:  # the example: `.fee` forgotten
    line = with_placeholder(site, "{{ policy.shipping.domestic | money }}")
    return [(EN_SHIP, line, "the money filter needs an amount, but was given a group of "
             "settings (country, fee) (did you mean its setting 'fee'?")]


def days_of_a_group(site: Site) -> Expected:
    line = with_placeholder(site, "{{ policy.returns | days }}", JA_RETURNS)
    return [(JA_RETURNS, line, "the days filter needs a whole number of days, but was given a "
             "group of settings")]


def list_filter_of_a_group(site: Site) -> Expected:
    line = with_placeholder(site, "{{ policy.payment | and_list }}")
    return [(EN_SHIP, line, "the and_list filter needs a list, but was given a group of "
             "settings")]


def list_filter_of_a_number(site: Site) -> Expected:
    line = with_placeholder(site, "{{ policy.returns.window_days | bullets }}")
    return [(EN_SHIP, line, "the bullets filter needs a list, but was given the number 10")]


def money_of_text(site: Site) -> Expected:
    line = with_placeholder(site, "{{ policy.payment.cards_direct[0].name | money }}")
    return [(EN_SHIP, line, "the money filter needs an amount, but was given the text 'Visa'")]


def date_of_an_impossible_date(site: Site) -> Expected:
    line = with_placeholder(site, "{{ '2026-02-30' | date }}")
    return [(EN_SHIP, line, "the date filter needs a date, but was given the text "
             "'2026-02-30'")]


def month_range_of_a_number(site: Site) -> Expected:
    line = with_placeholder(site, "{{ policy.dispatch.in_stock_business_days | month_range }}")
    return [(EN_SHIP, line, "the month_range filter needs a setting with a 'min' and a 'max'")]


def business_days_of_yes(site: Site) -> Expected:
    line = with_placeholder(site, "{{ policy.payment.credit_card | business_days }}")
    return [(EN_SHIP, line, "needs a whole number of days, but was given yes/no (true)")]


# Settings a filter does not take ------------------------------------------------------

def unknown_currency(site: Site) -> Expected:
    line = with_placeholder(site, "{{ policy.shipping.domestic.fee | money('YEN') }}")
    return [(EN_SHIP, line, "the money filter was given the text 'YEN' as the currency")]


def setting_for_a_filter_without_settings(site: Site) -> Expected:
    line = with_placeholder(site, "{{ policy.returns.window_days | days('calendar') }}")
    return [(EN_SHIP, line, "the days filter was given settings it does not take")]


def unknown_date_style(site: Site) -> Expected:
    line = with_placeholder(site, "{{ '2026-04-01' | date('longest') }}")
    return [(EN_SHIP, line, "the date filter has no style the text 'longest' (use one of: "
             "short, medium, long, full)")]


def unknown_keyword_setting(site: Site) -> Expected:
    line = with_placeholder(site, "{{ policy.payment.cards_direct | and_list(sep='/') }}")
    return [(EN_SHIP, line, "the and_list filter was given settings it does not take")]


def misspelt_filter(site: Site) -> Expected:
    line = with_placeholder(site, "{{ policy.returns.window_days | dayz }}")
    return [(EN_SHIP, line, "there is no filter named 'dayz' (did you mean 'days'?")]


# Placeholders that fail while the page is rendered ------------------------------------

def division_by_zero(site: Site) -> Expected:  # the example
    line = with_placeholder(site, "{{ 1/0 }}")
    return [(EN_SHIP, line, "a placeholder cannot be filled in: it divides by zero")]


def division_by_zero_of_a_policy_value(site: Site) -> Expected:
    line = with_placeholder(site, "{{ policy.shipping.domestic.fee // 0 }}", JA_RETURNS)
    return [(JA_RETURNS, line, "it divides by zero")]


def text_plus_number(site: Site) -> Expected:
    line = with_placeholder(site, "{{ 'from ' + policy.shipping.domestic.fee }}")
    return [(EN_SHIP, line, "it combines values of different kinds, such as text and a number")]


def item_beyond_the_end_of_a_list(site: Site) -> Expected:
    line = with_placeholder(site, "{{ policy.payment.cards_direct[7].name }}")
    return [(EN_SHIP, line, "it names a value that does not exist")]


def reaching_into_python(site: Site) -> Expected:
    line = with_placeholder(site, "{{ 'shop'.__class__.__mro__ }}")
    return [(EN_SHIP, line, "it uses something content may not use")]


def second_mistake_in_a_loop(site: Site) -> Expected:
    site.write(EN_SHIP, site.read(EN_SHIP) + "\n{% for card in policy.payment.cards_direct %}\n"
               "- {{ card.name }}\n- {{ card.name | money }}\n{% endfor %}\n")
    return [(EN_SHIP, line_of(site, EN_SHIP, "card.name | money"),
             "the money filter needs an amount, but was given the text 'Visa'")]


def three_failing_placeholders_at_once(site: Site) -> Expected:
    """Rendering stops at the first failure; the editor still learns of all three."""
    first = with_placeholder(site, "{{ policy.returns.window_days / 0 }}")
    second = with_placeholder(site, "{{ policy.dispatch | business_days }}")
    third = with_placeholder(site, "{{ policy.shipping.domestic.fee | money(1) }}")
    return [(EN_SHIP, first, "it divides by zero"),
            (EN_SHIP, second, "the business_days filter needs a whole number of days"),
            (EN_SHIP, third, "the money filter was given the number 1 as the currency")]


def theme_template_given_a_group(site: Site) -> Expected:
    template = "theme/templates/calculator.html"
    site.replace(template, "fmt.money(policy.shipping.domestic.fee)",
                 "fmt.money(policy.shipping.domestic)")
    return [(template, line_of(site, template, "fmt.money(policy.shipping.domestic)"),
             "theme template error: this line cannot be rendered: the money filter needs an "
             "amount")]


def theme_template_dividing_by_zero(site: Site) -> Expected:
    template = "theme/templates/home.html"
    site.replace(template, "</div>\n{% endblock %}",
                 "</div>\n<p>{{ 1 // 0 }}</p>\n{% endblock %}")
    return [(template, line_of(site, template, "1 // 0"), "ZeroDivisionError")]


CASES = [money_of_a_group, days_of_a_group, list_filter_of_a_group, list_filter_of_a_number,
         money_of_text, date_of_an_impossible_date, month_range_of_a_number,
         business_days_of_yes, unknown_currency, setting_for_a_filter_without_settings,
         unknown_date_style, unknown_keyword_setting, misspelt_filter, division_by_zero,
         division_by_zero_of_a_policy_value, text_plus_number, item_beyond_the_end_of_a_list,
         reaching_into_python, second_mistake_in_a_loop, three_failing_placeholders_at_once,
         theme_template_given_a_group, theme_template_dividing_by_zero]


@pytest.mark.parametrize("breaks", CASES, ids=[case.__name__ for case in CASES])
def test_a_placeholder_mistake_is_reported_at_its_line(
        breaks: Callable[[Site], Expected], good_site: Site, tmp_path: Path) -> None:
    expect_reported(breaks, good_site, tmp_path)


@pytest.mark.parametrize("breaks", [money_of_a_group, division_by_zero, unknown_currency],
                         ids=["money_of_a_group", "division_by_zero", "unknown_currency"])
def test_check_reports_it_too(breaks: Callable[[Site], Expected], site: Site) -> None:
    (path, line, words), = breaks(site)

    result = site.run("check")

    assert result.code == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert any(p.startswith(f"{path}:{line}: ") and words in p for p in result.problems), \
        result.stderr


@pytest.mark.parametrize("breaks", [money_of_a_group, division_by_zero, unknown_currency,
                                    text_plus_number],
                         ids=["money_of_a_group", "division_by_zero", "unknown_currency",
                              "text_plus_number"])
def test_the_preview_overlay_names_the_file_and_line(
        breaks: Callable[[Site], Expected], good_site: Site, tmp_path: Path) -> None:
    site = copy_built(good_site, tmp_path / "site")
    preview = PreviewBuilder(site.root, "http://127.0.0.1:8000/")
    state = PreviewState()
    state.record(preview.build_all(), preview.files)
    good = dict(preview.files)
    (path, line, words), = breaks(site)

    outcome = preview.rebuild({site.root / path})
    state.record(outcome, preview.files)

    assert state.status["state"] == "failed"
    assert len(state.status["problems"]) == 1
    shown = state.status["problems"][0]
    assert shown.startswith(f"{path}:{line}: ") and words in shown, shown
    assert "internal error" not in shown and "bug in the generator" not in shown
    assert state.files == good  # the overlay sits over the last good preview


def test_the_running_preview_reports_each_mistake_and_recovers(site: Site) -> None:
    """`build.py serve` for real: the overlay's status names the file and line of a failing
    placeholder, a translation that drops a placeholder and unsafe markup, in turn, and
    the preview builds again once each is fixed."""
    running = start_preview(site)
    try:
        running.wait_until(lambda: running.status()["state"] == "ok", "the first build")
        original = {path: site.read(path) for path in (EN_SHIP, JA_PO)}
        mistakes = [
            (EN_SHIP, lambda: with_placeholder(site, "{{ 1/0 }}"), "it divides by zero"),
            (JA_PO, lambda: set_msgstr(site, "Language", 'msgstr "言語%(x)s"'),
             "has placeholders that differ from the original: %(x)s"),
            (EN_SHIP, lambda: with_placeholder(site, "<script>alert(1)</script>"),
             "the HTML element <script> is not allowed")]
        for path, make, words in mistakes:
            line = make()
            status = running.wait_for_status("failed")
            assert any(p.startswith(f"{path}:{line}: ") and words in p
                       for p in status["problems"]), status["problems"]
            assert not any("internal error" in p for p in status["problems"])
            site.write(path, original[path])
            running.wait_for_status("ok")
    finally:
        stop_preview(running)
