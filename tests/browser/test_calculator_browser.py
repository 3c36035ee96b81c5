"""The calculator in a real Chromium, used as a customer would: fill the form, press the
button, read the answer. Expected answers come from the Python reference implementation
and Babel, so the browser, the reference and the static text must all agree, whatever
the time zone of the customer's computer."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from babel.dates import format_date

from helpcenter.render.calculator import return_deadline, ship_by_date, shipping_fee

pytestmark = pytest.mark.browser

TIME_ZONES = ["Asia/Tokyo", "America/Los_Angeles", "Pacific/Kiritimati"]
# 23:30 on Thursday 30 April 2026 in Japan: still the 29th in Los Angeles, already 1 May
# in Kiritimati. Golden Week (29 Apr, 3-6 May) lies right after it.
NOW_IN_JAPAN = "2026-04-30T23:30:00+09:00"
TODAY_IN_JAPAN = "2026-04-30"


def words(iso: str, lang: str) -> str:
    return format_date(dt.date.fromisoformat(iso), "full", locale=lang)


def open_calculator(open_page: Callable[..., Any], site: Any, lang: str, zone: str) -> Any:
    return open_page(site.page_url(f"{lang}/calculator/index.html"), timezone_id=zone,
                     locale="en-US" if lang == "en" else "ja-JP",
                     prepare=lambda page: page.clock.set_fixed_time(NOW_IN_JAPAN))


def data_of(page: Any) -> dict:
    return json.loads(page.locator("#calculator-data").text_content())


def sentences(page: Any, tool: str) -> list[str]:
    result = page.locator(f'form[data-tool="{tool}"] [data-result]')
    result.locator("p").first.wait_for()
    return result.locator("p").all_text_contents()


def answer(page: Any, tool: str) -> str:
    return " ".join(sentences(page, tool))


@pytest.mark.parametrize("zone", TIME_ZONES)
def test_dispatch_date_is_the_same_in_every_time_zone(open_page, root_site, zone: str) -> None:
    visit = open_calculator(open_page, root_site, "en", zone)
    page = visit.page
    data = data_of(page)
    order_date = page.get_by_label("Order date (date in Japan)")
    assert order_date.input_value() == TODAY_IN_JAPAN

    page.get_by_role("button", name="Show when it ships").click()
    # Thu 30 April: 1 May (1), Golden Week 3-6 May, Thu 7 (2), Fri 8 (3).
    assert ship_by_date(data, TODAY_IN_JAPAN, "in_stock")["shipBy"] == "2026-05-08"
    assert answer(page, "dispatch") == "Your order usually ships by Friday, May 8, 2026."

    page.get_by_label("Made-to-order items").check()
    payment_date = page.get_by_label("Payment date (date in Japan)")
    assert payment_date.input_value() == TODAY_IN_JAPAN
    payment_date.fill("2026-12-28")
    page.get_by_role("button", name="Show when it ships").click()
    assert answer(page, "dispatch").startswith(
        "If you paid on Monday, December 28, 2026, your order should ship around late February "
        "to late March 2027.")
    assert visit.problems() == []


@pytest.mark.parametrize("zone", TIME_ZONES)
def test_return_window_counts_from_the_arrival_date_in_japan(open_page, root_site,
                                                            zone: str) -> None:
    visit = open_calculator(open_page, root_site, "ja", zone)
    page = visit.page
    data = data_of(page)
    window = data["returns"]["window_days"]
    today = dt.date.fromisoformat(TODAY_IN_JAPAN)
    arrival = page.get_by_label("商品の到着日（日本時間）")
    check = page.get_by_role("button", name="返品・交換できるか確認")

    last_chance = (today - dt.timedelta(days=window - 1)).isoformat()
    arrival.fill(last_chance)
    check.click()
    assert return_deadline(data, last_chance) == TODAY_IN_JAPAN
    first, second, how = sentences(page, "returns")
    assert first == ("返品・交換は2026年4月30日（木）までお申し込みいただけます"
                     "（商品が届いた日を含めて10日以内）。")
    assert second == "本日がお申し込みの最終日です。"
    assert how == "お申し込みの際は、ご注文番号を添えてsupport@milamore.exampleまでご連絡ください。"

    too_late = (today - dt.timedelta(days=window)).isoformat()
    arrival.fill(too_late)
    check.click()
    assert return_deadline(data, too_late) == "2026-04-29"
    assert answer(page, "returns") == (
        "申し訳ございませんが、返品・交換のお申し込み期限は2026年4月29日（水）でした"
        "（商品が届いた日を含めて10日以内）。")

    arrival.fill(TODAY_IN_JAPAN)
    page.get_by_label("一度でも着用された場合").check()
    check.click()
    assert answer(page, "returns") == "申し訳ございませんが、この場合は返品・交換をお受けいたしかねます。"
    assert visit.problems() == []


def test_shipping_cost_and_card_advice_in_english(open_page, root_site) -> None:
    visit = open_calculator(open_page, root_site, "en", "America/Los_Angeles")
    page = visit.page
    data = data_of(page)
    destination = page.get_by_label("Where should we ship?")
    card = page.get_by_label("Card you want to pay with (optional)")
    show = page.get_by_role("button", name="Show the shipping cost")

    assert destination.input_value() == "JP"
    show.click()
    fee = shipping_fee(data, "JP")["fee"]
    assert answer(page, "shipping") == (
        f"Shipping within Japan costs ¥{fee:,}, the same anywhere in the country.")

    destination.select_option("other")
    card.select_option("jcb")
    show.click()
    assert sentences(page, "shipping") == [
        "Shipping costs outside Japan depend on the destination. The exact cost is shown at "
        "checkout.",
        "Orders shipped outside Japan can be paid by credit card only.",
        "Paying with JCB or Discover through PayPal counts as paying by credit card.",
        "JCB can be used by paying through PayPal."]

    card.select_option("diners")
    show.click()
    assert "Sorry, Diners Club cannot be used." in answer(page, "shipping")
    assert visit.problems() == []


def test_shipping_cost_in_japanese_uses_the_same_money_format_as_the_text(open_page,
                                                                         root_site) -> None:
    visit = open_calculator(open_page, root_site, "ja", "Asia/Tokyo")
    page = visit.page
    page.get_by_label("お届け先の国・地域").select_option("JP")
    page.get_by_role("button", name="送料を表示").click()
    fee = shipping_fee(data_of(page), "JP")["fee"]
    assert answer(page, "shipping") == f"日本国内への送料は、全国一律{fee:,}円です。"
    table_row = page.locator(".policy-table tr", has_text="日本")
    assert f"{fee:,}円" in table_row.first.text_content()


def test_the_embedded_tool_works_on_the_entry_page(open_page, root_site) -> None:
    visit = open_calculator(open_page, root_site, "en", "Pacific/Kiritimati")
    visit.page.goto(root_site.page_url("en/delivery-time/index.html"))
    page = visit.page
    assert page.get_by_label("Order date (date in Japan)").input_value() == TODAY_IN_JAPAN
    page.get_by_role("button", name="Show when it ships").click()
    assert answer(page, "dispatch").startswith("Your order usually ships by ")
    assert visit.problems() == []


def test_keyboard_alone_reaches_the_form_and_gets_an_announced_answer(open_page,
                                                                     root_site) -> None:
    visit = open_calculator(open_page, root_site, "en", "Asia/Tokyo")
    page = visit.page
    page.get_by_label("Where should we ship?").focus()
    page.keyboard.press("Tab")   # the card
    page.keyboard.press("Tab")   # the button
    assert page.evaluate("document.activeElement.textContent") == "Show the shipping cost"
    page.keyboard.press("Enter")
    result = page.locator('form[data-tool="shipping"] [data-result]')
    assert result.get_attribute("aria-live") == "polite"
    assert "Shipping within Japan" in answer(page, "shipping")


def test_without_javascript_the_rules_are_shown_and_the_forms_are_not(open_page,
                                                                     root_site) -> None:
    visit = open_page(root_site.page_url("en/calculator/index.html"), java_script_enabled=False)
    page = visit.page
    assert page.locator("form[data-tool]").first.is_hidden()
    notice = page.locator("noscript .notice")
    assert notice.is_visible() and "The calculator needs JavaScript" in notice.text_content()
    assert page.locator(".policy-table").is_visible()
    assert page.get_by_text("Items in stock usually ship within 3 business days").is_visible()


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_calculator_fits_a_320_pixel_phone(open_page, root_site, lang: str) -> None:
    visit = open_page(root_site.page_url(f"{lang}/calculator/index.html"),
                      viewport={"width": 320, "height": 640})
    width = visit.page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320


def test_a_date_outside_the_known_calendar_is_said_plainly_not_guessed(open_page,
                                                                      root_site) -> None:
    visit = open_calculator(open_page, root_site, "en", "Asia/Tokyo")
    page = visit.page
    calendar = data_of(page)["dispatch"]["calendar"]
    after = (dt.date.fromisoformat(calendar["last"]) + dt.timedelta(days=5)).isoformat()
    page.get_by_label("Order date (date in Japan)").fill(after)
    page.get_by_role("button", name="Show when it ships").click()
    assert answer(page, "dispatch") == (
        f"The calculator knows the shop's calendar from {words(calendar['first'], 'en')} to "
        f"{words(calendar['last'], 'en')}. For other dates, please contact us at "
        "support@milamore.example.")
