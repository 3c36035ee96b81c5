"""The calculator as the build publishes it: which pages carry it, the data and strings
embedded in them, the tables shown without JavaScript, and the promise that a value
changed in content/policies.yaml changes the text, the table and the calculator at once."""

from __future__ import annotations

import datetime as dt
import json
import re

import yaml
from conftest import ROOT, Site

from helpcenter.calculator import shipping_fee
from helpcenter.calculator_page import json_script


def json_block(html: str, block_id: str) -> dict:
    match = re.search(rf'<script type="application/json" id="{block_id}">(.*?)</script>', html,
                      re.S)
    assert match, f"no #{block_id} block"
    return json.loads(match.group(1))


def forms(html: str) -> list[str]:
    return re.findall(r'<form class="tool" data-tool="(\w+)">', html)


def test_the_calculator_page_exists_in_both_languages_with_all_three_tools(built_site: Site) -> None:
    for lang in ("ja", "en"):
        html = built_site.page(f"{lang}/calculator/index.html")
        assert forms(html) == ["shipping", "dispatch", "returns"]
        assert re.search(r'<script type="module" src="/assets/calculator-ui\.[0-9a-f]{10}\.js">'
                         r'</script>', html)
    assert 'href="/en/calculator/"' in built_site.page("ja/calculator/index.html")
    assert 'href="/ja/calculator/"' in built_site.page("en/calculator/index.html")


def test_entries_embed_the_tool_for_the_policy_they_explain(built_site: Site) -> None:
    expected = {"shipping-cost": ["shipping"], "overseas-orders": ["shipping"],
                "delivery-time": ["dispatch"], "returns-and-exchanges": ["returns"],
                "payment-methods": [], "receipts": [], "order-emails": []}
    for slug, tools in expected.items():
        for lang in ("ja", "en"):
            html = built_site.page(f"{lang}/{slug}/index.html")
            assert forms(html) == tools, (lang, slug)
            assert ("/assets/calculator-ui." in html) == bool(tools)


def test_embedded_data_gives_the_fees_of_the_policy_file(built_site: Site) -> None:
    policies = yaml.safe_load((ROOT / "content/policies.yaml").read_text("utf-8"))["policies"]
    data = json_block(built_site.page("en/calculator/index.html"), "calculator-data")
    assert shipping_fee(data, "JP")["fee"] == policies["shipping"]["domestic"]["fee"]
    for zone in policies["shipping"]["overseas"]["zones"]:
        for country in zone["countries"]:
            assert shipping_fee(data, country)["fee"] == zone["fee"], country
    assert shipping_fee(data, "BR")["fee"] == policies["shipping"]["overseas"]["rest_of_world"]["fee"]
    assert data == json_block(built_site.page("ja/shipping-cost/index.html"), "calculator-data")


def test_destinations_list_japan_first_then_every_country_once_in_the_page_language(
        built_site: Site) -> None:
    for lang, japan, usa in (("ja", "日本", "アメリカ合衆国"), ("en", "Japan", "United States")):
        html = built_site.page(f"{lang}/calculator/index.html")
        select = html.split('id="ship-country"')[1].split("</select>")[0]
        options = re.findall(r'<option value="([A-Z]{2})">([^<]+)', select)
        assert options[0] == ("JP", japan)
        assert ("US", usa) in options
        codes = [code for code, _ in options]
        assert len(codes) == len(set(codes)) > 200
        data = json_block(html, "calculator-data")
        assert set(codes) == set(data["shipping"]["countries"])


def test_the_browser_gets_every_calculator_string_translated(built_site: Site) -> None:
    script = (ROOT / "theme/static/calculator-ui.js").read_text("utf-8")
    used = set(re.findall(r'\bn?gettext\(\s*"([^"]+)"', script))
    assert len(used) > 15
    strings = json_block(built_site.page("ja/calculator/index.html"), "ui-strings")
    assert strings["lang"] == "ja" and strings["moneyDisplay"] == "name"
    for message in used:
        translated = strings["strings"][message]
        forms_ = translated if isinstance(translated, list) else [translated]
        assert all(f and f != message and re.search(r"[぀-ヿ一-鿿]", f) for f in forms_), message
    english = json_block(built_site.page("en/calculator/index.html"), "ui-strings")
    assert english["moneyDisplay"] == "symbol"


def test_without_javascript_the_page_shows_the_rules_as_tables_and_lists(built_site: Site) -> None:
    html = built_site.page("ja/calculator/index.html")
    assert "<noscript>" in html
    table = html.split('<table class="policy-table">')[1].split("</table>")[0]
    assert "1,000円" in table and "約2,000円" in table and "その他の地域" in table
    assert "3営業日以内" in html and "2〜3か月" in html and "10日以上" in html
    english = built_site.page("en/calculator/index.html")
    assert "about ¥3,000" in english and "3 business days" in english


def test_a_changed_fee_changes_the_text_the_table_and_the_calculator(site: Site) -> None:
    site.replace("content/policies.yaml", "fee: 3000 ", "fee: 3300 ")
    site.replace("content/policies.yaml", "window_days: 10", "window_days: 14")
    assert site.build().code == 0
    page = site.page("en/calculator/index.html")
    assert "about ¥3,300" in page and "about ¥3,000" not in page
    data = json_block(site.page("en/shipping-cost/index.html"), "calculator-data")
    assert shipping_fee(data, "US")["fee"] == 3300
    assert data["returns"]["window_days"] == 14
    assert "14日以上" in site.page("ja/returns-and-exchanges/index.html")
    assert "14日以上" in site.page("ja/calculator/index.html")


def test_policy_text_cannot_break_out_of_the_page(site: Site) -> None:
    site.replace("content/policies.yaml", "en: Asia}", 'en: "Asia</script><script>alert(1)</script>"}')
    assert site.build().code == 0
    html = site.page("en/calculator/index.html")
    assert "<script>alert(1)" not in html
    assert '<optgroup label="Asia&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;">' in html
    json_block(html, "calculator-data")  # still one whole JSON block


def test_json_blocks_cannot_be_closed_by_their_text() -> None:
    text = str(json_script({"message": "</script><script>alert(1)</script> & <!--"}))
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"message": "</script><script>alert(1)</script> & <!--"}


def test_the_build_warns_when_the_calculators_calendar_is_about_to_run_out(site: Site) -> None:
    this_year = dt.date.today().year
    site.replace("content/policies.yaml", "calendar_years: {first: 2025, last: 2030}",
                 f"calendar_years: {{first: 2025, last: {this_year}}}")
    result = site.build()
    assert result.code == 0, result.stderr
    assert re.search(rf"^content/policies\.yaml:\d+: warning: the calculator's calendar "
                     rf"ends on {this_year}-12-31, less than a year from today",
                     result.stdout + result.stderr, re.M)
