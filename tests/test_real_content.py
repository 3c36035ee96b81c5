"""The real help center: both languages build, every policy has its pages, the seed's
facts appear on the right page in both languages, and the language switcher pairs up
the same entry."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import yaml
from conftest import ROOT, Site

LANGS = ("ja", "en")


def visible_text(html: str) -> str:
    """What a reader sees in <main>, with whitespace folded."""
    class Collector(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.depth, self.parts = 0, []

        def handle_starttag(self, tag, attrs):
            self.depth += tag == "main"

        def handle_endtag(self, tag):
            self.depth -= tag == "main"

        def handle_data(self, data):
            if self.depth:
                self.parts.append(data)
    collector = Collector()
    collector.feed(html)
    return re.sub(r"\s+", " ", "".join(collector.parts))


def policy_data() -> dict:
    return yaml.safe_load((ROOT / "content/policies.yaml").read_text(encoding="utf-8"))["policies"]


def test_every_entry_is_built_in_both_languages(built_site: Site) -> None:
    slugs = {p.stem for p in (ROOT / "content/ja").glob("*.md")}
    assert len(slugs) == 9
    assert slugs == {p.stem for p in (ROOT / "content/en").glob("*.md")}
    for lang in LANGS:
        for slug in slugs:
            assert (built_site.out / lang / slug / "index.html").is_file()


def test_every_policy_has_a_page_in_every_language(built_site: Site) -> None:
    policies = set(policy_data())
    for lang in LANGS:
        covered = set()
        for path in (ROOT / "content" / lang).glob("*.md"):
            front = yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])
            ids = front["policy"] if isinstance(front["policy"], list) else [front["policy"]]
            if (built_site.out / lang / path.stem / "index.html").is_file():
                covered |= set(ids)
        assert policies <= covered, f"{lang}: no page for {policies - covered}"


FACTS = {
    # page: (Japanese phrases, English phrases) the seed promises
    "shipping-cost": (["全国一律1,000円", "ご注文手続きの際に表示"], ["¥1,000", "shown at checkout"]),
    "payment-methods": (["Visa、Mastercard、American Express", "JCB、Discover", "PayPal",
                         "Diners Club", "クレジットカード決済のみ"],
                        ["Visa, Mastercard, and American Express", "JCB and Discover", "PayPal",
                         "Diners Club", "only pay by credit card"]),
    "delivery-time": (["3営業日", "2〜3か月", "まとめて発送", "メール"],
                      ["3 business days", "2–3 months", "together", "email"]),
    "returns-and-exchanges": (["商品が届いた日を含めて10日以内",
                               "例：商品が5月1日に届いた場合、お申し込みは5月10日までです。",
                               "ご注文番号を添えてsupport@milamore.exampleまでご連絡ください", "着用", "金属アレルギー", "同じデザイン・同じサイズ",
                               "ご注文の商品と異なる", "破損", "公式サイト以外"],
                              ["within 10 days of the item's arrival, counting the day it arrives "
                               "as the first day",
                               "if the item arrives on May 1, the last day to ask is May 10.",
                               "write to us at support@milamore.example with your order number",
                               "worn", "metal allergy", "same design in the same size",
                               "not the one you ordered", "damaged", "official Milamore website"]),
    "after-sales-service": (["サイズ直し", "修理", "クリーニング", "追跡番号"],
                            ["resizing", "repairs", "cleaning", "tracking number"]),
    "receipts": (["ご注文番号", "発送前", "領収書"], ["order number", "before", "receipt"]),
    "gift-wrapping": (["ご注文番号", "ギフトラッピング"], ["order number", "gift-wrapped"]),
    "order-emails": (["迷惑メール", "ドメイン指定受信", "Gmail", "責任を負いかねます"],
                     ["spam", "Gmail", "responsib"]),
    "overseas-orders": (["ご注文手続きの際に表示", "クレジットカード決済のみ",
                         "JCBまたはDiscoverをPayPal経由でお支払いいただく場合も、クレジットカード決済として承ります"],
                        ["checkout", "only be paid by credit card",
                         "Paying with JCB or Discover through PayPal counts as paying by credit card"]),
}


def test_the_seed_facts_appear_on_the_right_page_in_both_languages(built_site: Site) -> None:
    for slug, (ja_phrases, en_phrases) in FACTS.items():
        for lang, phrases in (("ja", ja_phrases), ("en", en_phrases)):
            text = visible_text(built_site.page(f"{lang}/{slug}/index.html"))
            missing = [p for p in phrases if p not in text]
            assert not missing, f"{lang}/{slug} lacks {missing}"


def test_contact_address_from_site_yaml_is_a_mailto_link_on_every_entry(built_site: Site) -> None:
    address = yaml.safe_load((ROOT / "site.yaml").read_text(encoding="utf-8"))["contact"]["email"]
    for page in built_site.out.glob("*/*/index.html"):
        assert f'href="mailto:{address}"' in page.read_text(encoding="utf-8"), page
    for lang in LANGS:  # the seed's "contact us at" now has an address in the text itself
        for slug in ("receipts", "gift-wrapping", "after-sales-service"):
            answer = built_site.page(f"{lang}/{slug}/index.html").split('class="answer"')[1]
            assert f"mailto:{address}" in answer.split("</article>")[0], f"{lang}/{slug}"


def test_language_switcher_goes_to_the_same_entry(built_site: Site) -> None:
    for page in sorted(built_site.out.glob("ja/*/index.html")):
        slug = page.parent.name
        html = page.read_text(encoding="utf-8")
        switcher = re.compile(r'<nav class="languages".*?</nav>', re.S)
        assert re.search(rf'<a href="/en/{slug}/" hreflang="en"[^>]*>English</a>',
                         switcher.search(html).group())
        english = built_site.page(f"en/{slug}/index.html")
        assert re.search(rf'<a href="/ja/{slug}/" hreflang="ja"[^>]*>日本語</a>',
                         switcher.search(english).group())
        assert '<html lang="ja">' in html and '<html lang="en">' in english


def test_pages_carry_the_per_language_site_titles(built_site: Site) -> None:
    site = yaml.safe_load((ROOT / "site.yaml").read_text(encoding="utf-8"))
    titles = {lang["code"]: lang["title"] for lang in site["languages"]}
    for lang in LANGS:
        assert f"<title>{titles[lang]}</title>" in built_site.page(f"{lang}/index.html")
        entry = built_site.page(f"{lang}/shipping-cost/index.html")
        assert re.search(rf"<title>[^<]+ \| {re.escape(titles[lang])}</title>", entry)


def test_home_pages_group_entries_by_category_in_order(built_site: Site) -> None:
    ja = built_site.page("ja/index.html")
    positions = [ja.index(f'href="/ja/{slug}/"') for slug in
                 ("shipping-cost", "delivery-time", "overseas-orders")]
    assert positions == sorted(positions)
    headings = re.findall(r"<h3 [^>]*>([^<]+)</h3>", ja.replace("<wbr>", ""))
    assert headings.index("送料・配送") < headings.index("お支払い") < headings.index("返品・交換")
    en = re.findall(r"<h3 [^>]*>([^<]+)</h3>", built_site.page("en/index.html"))
    assert en.index("Shipping and delivery") < en.index("Returns and exchanges")


def test_japanese_headings_get_usable_ids(built_site: Site) -> None:
    html = built_site.page("ja/returns-and-exchanges/index.html")
    answer = html.split('class="answer"')[1].split("</article>")[0]
    ids = re.findall(r'<h2 id="([^"]+)"', answer)
    assert ids and all(re.search(r"[぀-ヿ一-鿿]", i) for i in ids), ids


def test_no_page_requests_anything_from_another_origin(built_site: Site) -> None:
    for page in built_site.out.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        for url in re.findall(r'(?:src|href)="([^"]+)"', html):
            assert not re.match(r"(https?:)?//", url) or 'rel="' in html.split(url)[0][-40:], (
                page, url)


def test_changing_a_fee_in_the_policy_file_changes_both_languages(site: Site) -> None:
    site.replace("content/policies.yaml", "fee: 1000 ", "fee: 1200 ")
    assert site.build().code == 0
    assert "全国一律1,200円" in site.page("ja/shipping-cost/index.html")
    assert "¥1,200" in site.page("en/shipping-cost/index.html")


def test_changing_the_return_window_changes_both_languages(site: Site) -> None:
    site.replace("content/policies.yaml", "window_days: 10", "window_days: 14")
    assert site.build().code == 0
    ja = visible_text(site.page("ja/returns-and-exchanges/index.html"))
    assert "商品が届いた日を含めて14日以内" in ja and "お申し込みは5月14日までです" in ja
    en = visible_text(site.page("en/returns-and-exchanges/index.html"))
    assert "within 14 days of the item's arrival" in en and "the last day to ask is May 14" in en


def test_the_repository_has_no_hand_written_values_left_in_sync_by_hand() -> None:
    """The fee lives only in the policy file: no entry writes it as a literal."""
    for path in Path(ROOT / "content").glob("*/*.md"):
        body = path.read_text(encoding="utf-8").split("---", 2)[2]
        assert not re.search(r"1,?000|¥|円", body.replace("{{", "").replace("}}", "")), path
