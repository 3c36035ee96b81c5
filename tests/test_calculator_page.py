"""The calculator as the build publishes it: which pages carry it, the data and strings
embedded in them, the tables shown without JavaScript, and the promise that a value
changed in content/policies.yaml changes the text, the table and the calculator at once."""

from __future__ import annotations

import datetime as dt
import json
import re

import yaml
from conftest import ROOT, Site, publish_overseas_rates

from helpcenter.render.calculator import shipping_fee
from helpcenter.render.calculator_page import json_script


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


def test_embedded_data_gives_only_the_fees_the_shop_publishes(built_site: Site) -> None:
    policies = yaml.safe_load((ROOT / "content/policies.yaml").read_text("utf-8"))["policies"]
    data = json_block(built_site.page("en/calculator/index.html"), "calculator-data")
    assert shipping_fee(data, "JP")["fee"] == policies["shipping"]["domestic"]["fee"]
    assert data["shipping"]["overseas"] == {"zones": [], "rest_of_world": None}
    for country in ("US", "CN", "FR", "BR", "AU", "other"):
        assert shipping_fee(data, country)["atCheckout"] is True, country
    assert data == json_block(built_site.page("ja/shipping-cost/index.html"), "calculator-data")


def destinations(html: str) -> list[tuple[str, str]]:
    select = html.split('id="ship-country"')[1].split("</select>")[0]
    return re.findall(r'<option value="(\w+)"[^>]*>([^<]+)</option>', select)


def test_with_no_published_rates_the_destination_is_japan_or_another_country(
        built_site: Site) -> None:
    assert destinations(built_site.page("ja/calculator/index.html")) == [
        ("JP", "日本"), ("other", "日本国外")]
    assert destinations(built_site.page("en/shipping-cost/index.html")) == [
        ("JP", "Japan"), ("other", "Outside Japan")]


# Money as the pages write it: 1,000円 and ¥1,000 (also inside the embedded JSON).
AMOUNT = r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)"
MONEY = re.compile(rf"{AMOUNT}\s?円|¥\s?{AMOUNT}|{AMOUNT}\s?(?:yen|JPY)", re.I)


def test_no_page_shows_a_price_the_policy_file_does_not_publish(built_site: Site) -> None:
    domestic = {"1,000円", "¥1,000"}
    pages = sorted(built_site.out.rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        text = page.read_text("utf-8")
        shown = set(MONEY.findall(text))
        assert shown <= domestic, (page, shown - domestic)
        assert "約" not in "".join(re.findall(r"約[0-9,]+", text)), page
        assert "estimate" not in text.lower(), page


def test_a_published_rate_is_shown_as_a_rate_in_the_table_and_the_data(site: Site) -> None:
    publish_overseas_rates(site, rest_of_world=4500)
    assert site.build().code == 0
    ja = site.page("ja/calculator/index.html")
    table = ja.split('<table class="policy-table">')[1].split("</table>")[0]
    for zone, fee in (("アジア", "2,000円"), ("北米", "3,000円"), ("ヨーロッパ", "3,500円"),
                      ("その他の国・地域", "4,500円")):
        row = next(row for row in table.split("<tr>") if zone in row)
        assert fee in row and "約" not in row, row
    english = site.page("en/calculator/index.html")
    assert "¥3,000" in english and "about ¥" not in english
    data = json_block(site.page("en/overseas-orders/index.html"), "calculator-data")
    assert shipping_fee(data, "US")["fee"] == 3000 and shipping_fee(data, "BR")["fee"] == 4500


def test_a_country_list_has_short_names_in_the_order_of_each_language(site: Site) -> None:
    publish_overseas_rates(site)
    assert site.build().code == 0
    ja = destinations(site.page("ja/calculator/index.html"))
    en = destinations(site.page("en/calculator/index.html"))
    assert ja[0] == ("JP", "日本") and en[0] == ("JP", "Japan")
    assert ja[-1] == ("other", "そのほかの国・地域")
    assert en[-1] == ("other", "Another country or region")
    names_ja = dict(ja)
    # Short everyday names, no brackets: 香港, not 中華人民共和国香港特別行政区.
    assert (names_ja["HK"], names_ja["MM"], names_ja["US"]) == ("香港", "ミャンマー", "アメリカ")
    assert (dict(en)["HK"], dict(en)["MM"]) == ("Hong Kong", "Myanmar")
    # Each zone in 五十音 order of the readings (かんこく, しんがぽーる, たいわん,
    # ちゅうごく, ほんこん, みゃんまー) and alphabetical in English.
    asia = ["KR", "TW", "HK", "CN", "MM", "SG"]
    assert [code for code, _ in ja if code in asia] == ["KR", "SG", "TW", "CN", "HK", "MM"]
    assert [code for code, _ in en if code in asia] == ["CN", "HK", "MM", "SG", "KR", "TW"]
    europe = ["GB", "FR", "DE", "NO", "NL", "IS"]
    # アイスランド, イギリス, オランダ, ドイツ, ノルウェー, フランス
    assert [code for code, _ in ja if code in europe] == ["IS", "GB", "NL", "DE", "NO", "FR"]
    assert [code for code, _ in en if code in europe] == ["FR", "DE", "IS", "NL", "NO", "GB"]
    english = site.page("en/calculator/index.html")
    assert 'value="US" data-in-sentence="the United States">United States<' in english
    assert 'value="GB" data-in-sentence="the United Kingdom">United Kingdom<' in english
    assert 'value="FR">France<' in english


def test_the_browser_gets_every_calculator_string_translated(built_site: Site) -> None:
    script = (ROOT / "theme/static/calculator-ui.js").read_text("utf-8")
    used = set(re.findall(r'\bn?gettext\(\s*"([^"]+)"', script))
    assert len(used) > 15
    strings = json_block(built_site.page("ja/calculator/index.html"), "ui-strings")
    assert strings["lang"] == "ja" and strings["moneyDisplay"] == "name"
    # Not a text but the catalog's choice of weekday width: 2026年12月30日（水）.
    assert strings["strings"].pop("weekday:long") == "weekday:short"
    for message in used - {"weekday:long"}:
        translated = strings["strings"][message]
        forms_ = translated if isinstance(translated, list) else [translated]
        # Japanese letters, or at least Japanese punctuation (%(date)s（%(weekday)s）)
        assert all(f and f != message and re.search(r"[぀-ヿ一-鿿（）〜]", f)
                   for f in forms_), message
    english = json_block(built_site.page("en/calculator/index.html"), "ui-strings")
    assert english["moneyDisplay"] == "symbol"


def test_without_javascript_the_page_shows_the_rules_as_tables_and_lists(built_site: Site) -> None:
    html = built_site.page("ja/calculator/index.html")
    assert "<noscript>" in html
    table = html.split('<table class="policy-table">')[1].split("</table>")[0]
    assert "1,000円" in table and "お届け先によって異なります（ご注文手続きの際に表示されます）" in table
    assert "3営業日以内" in html and "2〜3か月" in html
    assert "商品が届いた日を含めて10日以内" in html and "例：商品が5月1日に届いた場合、お申し込みは5月10日までです。" in html
    english = built_site.page("en/calculator/index.html")
    assert "Depends on the destination; shown at checkout" in english
    assert "3 business days" in english
    assert "if it arrives on May 1, the last day to ask is May 10." in english


def test_a_changed_fee_changes_the_text_the_table_and_the_calculator(site: Site) -> None:
    site.replace("content/policies.yaml", "fee: 1000 ", "fee: 1200 ")
    site.replace("content/policies.yaml", "window_days: 10", "window_days: 14")
    assert site.build().code == 0
    page = site.page("en/calculator/index.html")
    assert "¥1,200" in page and "¥1,000" not in page
    data = json_block(site.page("en/shipping-cost/index.html"), "calculator-data")
    assert shipping_fee(data, "JP")["fee"] == 1200
    assert data["returns"]["window_days"] == 14
    for page in ("ja/returns-and-exchanges/index.html", "ja/calculator/index.html"):
        assert "商品が届いた日を含めて14日以内" in site.page(page)
        assert "お申し込みは5月14日までです" in site.page(page)
    assert json_block(site.page("ja/calculator/index.html"), "calculator-facts")[
        "returnWindow"] == "14日"


def test_policy_text_cannot_break_out_of_the_page(site: Site) -> None:
    publish_overseas_rates(site)
    site.replace("content/policies.yaml", "en: Asia}", 'en: "Asia</script><script>alert(1)</script>"}')
    refused = site.build()
    assert refused.code == 1  # markup in a policy text is an error (tests/test_sanitize.py)
    assert "policies.shipping.overseas.zones.0.name.en must be plain text" in refused.stderr

    site.replace("content/policies.yaml", 'en: "Asia</script><script>alert(1)</script>"}',
                 """en: 'Asia "East" & <3'}""")  # plain text that HTML and JSON must escape
    assert site.build().code == 0
    html = site.page("en/calculator/index.html")
    assert '<optgroup label="Asia &#34;East&#34; &amp; &lt;3">' in html
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


def test_closures_and_working_days_are_mentioned_only_as_the_policy_file_gives_them(
        built_site: Site, site: Site) -> None:
    for page, absent in (("ja/calculator/index.html", "休業日"),
                         ("en/calculator/index.html", "the shop is closed")):
        assert absent not in built_site.page(page)
    assert "営業日は月曜日から金曜日です（祝日を除きます）。" in built_site.page("ja/calculator/index.html")
    site.replace("content/policies.yaml", "shop_closures: []",
                 "shop_closures:\n        - {from: 2026-12-29, to: 2027-01-04}")
    site.replace("content/policies.yaml", "weekdays: [mon, tue, wed, thu, fri]",
                 "weekdays: [sat, mon, tue, wed, thu, fri]")
    result = site.build()
    assert result.code == 0, result.stderr
    assert ("営業日は月曜日、火曜日、水曜日、木曜日、金曜日、土曜日です（祝日と当店の休業日を除きます）。"
            in site.page("ja/calculator/index.html"))
    assert ("Business days are Monday, Tuesday, Wednesday, Thursday, Friday, and Saturday, "
            "except Japanese national holidays and days the shop is closed."
            in site.page("en/calculator/index.html"))
