"""Rendering: placeholders formatted per language, the content sandbox, escaping,
links between entries, and sites published under a sub-path.

All of it is how the generator behaves, so it runs on the sample help center
(tests/fixtures/sample/): `site` is a copy a test may edit, `built_sample` the sample
built once for the tests that only read the output."""

from __future__ import annotations

import os
import re
import subprocess

import pytest
from conftest import Site
from hypothesis import given, settings
from hypothesis import strategies as st

from helpcenter.load.content import Entry
from helpcenter.render.listings import RelatedEntries

EN_SHIP = "content/en/shipping-cost.md"
JA_SHIP = "content/ja/shipping-cost.md"


@pytest.fixture
def site(sample_site: Site) -> Site:
    return sample_site


def add_to_body(site: Site, relative: str, text: str) -> None:
    site.write(relative, site.read(relative) + "\n\n" + text + "\n")


def answer(site: Site, page: str) -> str:
    return site.page(page).split('class="answer">')[1].split("</article>")[0]


def test_filters_format_values_the_way_each_language_writes_them(site: Site) -> None:
    sample = ("FEE[{{ policy.shipping.domestic.fee | money }}] "
              "DAYS[{{ policy.returns.window_days | days }}] "
              "BIZ[{{ policy.dispatch.in_stock_business_days | business_days }}] "
              "ONE[{{ 1 | business_days }}] "
              "MONTHS[{{ policy.dispatch.made_to_order_months | month_range }}] "
              "CARDS[{{ policy.payment.cards_via_paypal | or_list }}]")
    add_to_body(site, JA_SHIP, sample)
    add_to_body(site, EN_SHIP, sample)
    assert site.build().code == 0, "build failed"
    ja, en = answer(site, "ja/shipping-cost/index.html"), answer(site, "en/shipping-cost/index.html")
    assert "FEE[1,000円] DAYS[10日] BIZ[3営業日] ONE[1営業日] MONTHS[2〜3か月] CARDS[JCBまたはDiscover]" in ja
    assert ("FEE[¥1,000] DAYS[10 days] BIZ[3 business days] ONE[1 business day] "
            "MONTHS[2–3 months] CARDS[JCB or Discover]") in en


def test_bullets_list_the_labels_of_the_page_language(site: Site) -> None:
    add_to_body(site, EN_SHIP, "{{ policy.aftercare.services | bullets }}")
    assert site.build().code == 0
    assert re.search(r"<ul>\s*<li>resizing</li>\s*<li>repairs</li>\s*<li>cleaning</li>\s*</ul>",
                     answer(site, "en/shipping-cost/index.html"))


@pytest.mark.parametrize("attack", [
    "{{ policy.__class__.__mro__[1].__subclasses__() }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ money.__globals__ }}",
    "{% for c in ().__class__.__base__.__subclasses__() %}{{ c }}{% endfor %}",
])
def test_content_cannot_reach_python_objects(site: Site, attack: str) -> None:
    add_to_body(site, EN_SHIP, attack)
    result = site.build()
    assert result.code == 1
    assert "Traceback" not in result.stderr
    assert re.search(r"^content/en/shipping-cost\.md:\d+: ", result.stderr, re.M)
    assert "subclasses" not in (site.out / "en/shipping-cost/index.html").as_posix()


def test_content_cannot_include_files(site: Site) -> None:
    add_to_body(site, EN_SHIP, '{% include "/etc/passwd" %}')
    result = site.build()
    assert result.code == 1 and "root:" not in result.stderr + result.stdout


def test_text_from_the_policy_file_is_escaped_in_html(site: Site) -> None:
    site.replace("content/policies.yaml", "en: repairs}", 'en: "<script>alert(1)</script> & more"}')
    add_to_body(site, EN_SHIP, "{{ policy.aftercare.services | bullets }}")
    refused = site.build()  # markup in a policy text is an error (tests/test_sanitize.py)
    assert refused.code == 1 and "must be plain text" in refused.stderr
    site.replace("content/policies.yaml", '"<script>alert(1)</script> & more"', '"repairs & <3 more"')
    assert site.build().code == 0
    html = answer(site, "en/shipping-cost/index.html")
    assert "<li>repairs &amp; &lt;3 more</li>" in html


def test_a_link_to_another_entry_file_becomes_that_entry_in_the_same_language(site: Site) -> None:
    add_to_body(site, JA_SHIP, "[返品について](returns-and-exchanges.md)")
    add_to_body(site, EN_SHIP, "[Returns](returns-and-exchanges.md)")
    assert site.build().code == 0
    assert '<a href="/ja/returns-and-exchanges/">返品について</a>' in site.page(
        "ja/shipping-cost/index.html")
    assert '<a href="/en/returns-and-exchanges/">Returns</a>' in site.page(
        "en/shipping-cost/index.html")


def test_a_site_under_a_sub_path_links_within_that_path(site: Site) -> None:
    result = site.build("--base-url", "https://example.org/helpcenter/")
    assert result.code == 0, result.stderr
    html = site.page("en/shipping-cost/index.html")
    assert re.search(r'href="/helpcenter/assets/style\.[0-9a-f]{10}\.css"', html)
    assert 'href="/helpcenter/ja/shipping-cost/"' in html
    assert '<link rel="canonical" href="https://example.org/helpcenter/en/shipping-cost/">' in html
    internal = re.findall(r'(?:href|src)="(/[^"]*)"', html)
    assert internal and all(url.startswith("/helpcenter/") for url in internal)
    assert "Sitemap: https://example.org/helpcenter/sitemap.xml" in site.page("robots.txt")


def test_root_page_and_404_offer_both_languages_without_javascript(built_sample: Site) -> None:
    site = built_sample
    for page in ("index.html", "404.html"):
        html = site.page(page)
        assert 'href="/ja/"' in html and 'href="/en/"' in html
        assert 'lang="ja"' in html and 'lang="en"' in html
        assert all(re.fullmatch(r'<script src="[^"]+" defer>', tag)
                   for tag in re.findall(r"<script[^>]*>", html))  # no inline script
    assert "ページが見つかりません" in site.page("404.html").replace("<wbr>", "")
    assert "Page not found" in site.page("404.html")


def test_sitemap_lists_every_page_of_both_languages(built_sample: Site) -> None:
    sitemap = built_sample.page("sitemap.xml")
    pages = list(built_sample.out.glob("*/*/index.html"))
    assert len(pages) >= 6  # three questions per language, and the other pages
    for page in pages:
        lang, slug = page.parent.parent.name, page.parent.name
        assert f"<loc>https://help.milamore.example/{lang}/{slug}/</loc>" in sitemap


def test_entries_show_the_date_of_their_last_change_in_git(site: Site) -> None:
    def git(*args: str, date: str = "2024-03-05T12:00:00+09:00") -> None:
        env = {**os.environ, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date,
               "GIT_AUTHOR_NAME": "Editor", "GIT_AUTHOR_EMAIL": "editor@example.com",
               "GIT_COMMITTER_NAME": "Editor", "GIT_COMMITTER_EMAIL": "editor@example.com"}
        subprocess.run(["git", "-C", str(site.root), *args], check=True, env=env,
                       capture_output=True)
    git("init", "-q")
    git("add", "-A")
    git("commit", "-qm", "first")
    add_to_body(site, EN_SHIP, "One more sentence.")
    git("commit", "-qam", "edit", date="2025-01-20T09:00:00+09:00")

    assert site.build().code == 0

    assert '<time datetime="2024-03-05">2024年3月5日</time>' in site.page("ja/shipping-cost/index.html")
    assert '<time datetime="2025-01-20">January 20, 2025</time>' in site.page(
        "en/shipping-cost/index.html")
    assert '<time datetime="2024-03-05">March 5, 2024</time>' in site.page("en/receipts/index.html")


def test_without_git_history_no_date_is_invented(built_sample: Site) -> None:
    assert not (built_sample.root / ".git").exists()
    assert 'class="updated"' not in built_sample.page("en/shipping-cost/index.html")


def _related_by_definition(entry: Entry, entries: list[Entry]) -> list[str]:
    """What README promises under "related questions", compared pair by pair: entries
    sharing a policy first, then those only in the same category, each by order then
    file name; five at most; never the entry itself."""
    shares = [e for e in entries if e.slug != entry.slug and set(e.policies) & set(entry.policies)]
    same_category = [e for e in entries if e.slug != entry.slug and e not in shares
                     and e.category == entry.category]
    by_place = sorted(shares, key=lambda e: (e.order, e.slug)) + \
        sorted(same_category, key=lambda e: (e.order, e.slug))
    return [e.slug for e in by_place[:5]]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["shipping", "payment", "orders"]),
                          st.sets(st.sampled_from(["fee", "dispatch", "returns", "care", "tax"]),
                                  min_size=1, max_size=3),
                          st.integers(0, 6)), max_size=25))
def test_related_questions_are_the_closest_five_however_many_entries_share_them(
        shapes: list[tuple[str, set[str], int]]) -> None:
    """Any mix of categories, shared policies and equal `order` values (ties broken by the
    file name): the indexed lookup lists exactly what comparing every pair would."""
    entries = [Entry("ja", f"q-{n:02d}", f"content/ja/q-{n:02d}.md", "t", category,
                     tuple(sorted(policies)), order, "", "", 1, {})
               for n, (category, policies, order) in enumerate(shapes)]
    related = RelatedEntries(entries)
    for entry in entries:
        assert [e.slug for e in related.of(entry)] == _related_by_definition(entry, entries)
