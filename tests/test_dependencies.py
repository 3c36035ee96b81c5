"""Recorded dependencies: after any kind of edit, rendering again with the last pages gives
exactly the site a render from nothing gives, and renders only the pages that use what
changed.

A stale page (one used again although something it shows changed) is a worse bug than
a slow build, so every kind of input is edited here and the whole site compared byte for
byte with a full render of the edited sources.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Site, copy_site

from helpcenter.load.sources import load_sources
from helpcenter.pipeline import BuiltSite, render_and_check

Edit = Callable[[Site], None]


def render(site: Site, previous: BuiltSite | None = None) -> BuiltSite:
    sources = load_sources(site.root)
    return render_and_check(sources, previous)


def changed_pages(before: BuiltSite, after: BuiltSite) -> set[str]:
    """The pages of `after` that are new or differ from `before`'s."""
    return {path for path, data in after.files.items()
            if path.endswith(".html") and before.files.get(path) != data}


def append_to_body(relative: str, text: str) -> Edit:
    return lambda site: site.write(relative, site.read(relative) + f"\n{text}\n")


def new_entry(site: Site) -> None:
    for lang in ("ja", "en"):
        text = site.read(f"content/{lang}/gift-wrapping.md")
        site.write(f"content/{lang}/gift-cards.md", text.replace("title:", "title: New", 1))


CARDS = ("Diners Club", "American Express", "Visa", "Mastercard")


def remove_entry(site: Site) -> None:
    """payment-methods: its policy has another page (overseas-orders); the synonyms that
    led to the card names only it names go with it."""
    for lang in ("ja", "en"):
        (site.root / "content" / lang / "payment-methods.md").unlink()
    synonyms = site.read("content/synonyms.yaml").split("\n")
    site.write("content/synonyms.yaml", "\n".join(
        line for line in synonyms if not line.rstrip().endswith(CARDS)))


EDITS: dict[str, Edit] = {
    "entry body": append_to_body("content/en/gift-wrapping.md", "One more sentence."),
    "source entry body (its translation turns stale)":
        append_to_body("content/ja/receipts.md", "もう一文です。"),
    "entry title": lambda site: site.replace("content/en/receipts.md", "title: ",
                                             "title: About "),
    "entry order": lambda site: site.replace("content/en/receipts.md", "order: ", "order: 9"),
    "new entry": new_entry,
    "removed entry": remove_entry,
    "policy value in a few answers": lambda site: site.replace(
        "content/policies.yaml", "en: repairs}", "en: repairs and polishing}"),
    "policy value in the calculator": lambda site: site.replace(
        "content/policies.yaml", "fee: 1000 ", "fee: 1200 "),
    "template": lambda site: site.replace("theme/templates/entry.html", "</article>",
                                          "</article><!-- edited -->"),
    "template of the home page only": lambda site: site.replace(
        "theme/templates/home.html", "<div class=\"hero\">", "<div class=\"hero\"><!-- edited -->"),
    "catalog": lambda site: site.replace("locales/ja/LC_MESSAGES/messages.po",
                                         'msgstr "関連するご質問"', 'msgstr "関連する質問"'),
    "asset": lambda site: site.replace("theme/static/style.css", "--ink: #2b2623;",
                                       "--ink: #2b2624;"),
    "site settings": lambda site: site.replace("site.yaml", "support@milamore.example",
                                               "help@milamore.example"),
    "an answer another answer includes": lambda site: site.replace(
        "content/en/receipts.md", "title: ", "title: About "),
    "a template reached through one that uses {% trans %}": lambda site: site.replace(
        "theme/templates/brand.html", 'class="brand"', 'class="brand edited"'),
}

# The first site of these tests differs from the real one in two ways an edit must see
# through: an answer includes another's body, and the base template has a {% trans %}.
INCLUDES = "\n{% include \"content/en/receipts.md\" %}\n"


def prepare(site: Site) -> Site:
    site.write("content/en/gift-wrapping.md", site.read("content/en/gift-wrapping.md")
               + INCLUDES)
    message = "Write to us and include your order number if you have one."
    site.replace("theme/templates/base.html", '{{ _("' + message + '") }}',
                 "{% trans %}" + message + "{% endtrans %}")
    return site


def site_copy(folder: Path) -> Site:
    return prepare(copy_site(folder / "site"))


@pytest.fixture(scope="module")
def first(tmp_path_factory: pytest.TempPathFactory) -> tuple[Site, BuiltSite]:
    site = site_copy(tmp_path_factory.mktemp("deps"))
    return site, render(site)


@pytest.mark.parametrize("kind", EDITS)
def test_an_edit_renders_what_a_render_from_nothing_renders(
        kind: str, first: tuple[Site, BuiltSite], tmp_path_factory: pytest.TempPathFactory
        ) -> None:
    _original, before = first
    site = site_copy(tmp_path_factory.mktemp("edit"))
    EDITS[kind](site)
    again = render(site, before)
    fresh = render(site)
    assert again.files == fresh.files
    assert sorted(again.warnings) == sorted(fresh.warnings)
    # Every page whose bytes changed was rendered; and not everything was, unless the
    # edit touches every page (a template, a catalog, an asset's name, the settings).
    assert again.rendered >= len(changed_pages(before, fresh))
    assert fresh.rendered == len(fresh.pages)


def test_nothing_changed_renders_nothing(first: tuple[Site, BuiltSite]) -> None:
    site, before = first
    again = render(site, before)
    assert again.rendered == 0
    assert again.files == before.files


@pytest.mark.parametrize(("kind", "at_most"), [
    ("entry body", 1),                      # the page itself
    ("source entry body (its translation turns stale)", 2),   # + the translation's notice
    ("policy value in a few answers", 3),   # the after-sales answer in each language, and
                                            # the answer that includes another (INCLUDES)
    ("template of the home page only", 2),  # the two home pages
])
def test_an_edit_renders_only_the_pages_that_use_what_changed(
        kind: str, at_most: int, first: tuple[Site, BuiltSite],
        tmp_path_factory: pytest.TempPathFactory) -> None:
    _original, before = first
    site = site_copy(tmp_path_factory.mktemp("few"))
    EDITS[kind](site)
    again = render(site, before)
    assert 0 < again.rendered <= at_most, again.rendered
    assert again.rendered >= len(changed_pages(before, again)) > 0


def test_a_title_renders_the_pages_that_list_it_and_not_the_others(
        first: tuple[Site, BuiltSite], tmp_path_factory: pytest.TempPathFactory) -> None:
    _original, before = first
    site = site_copy(tmp_path_factory.mktemp("title"))
    EDITS["entry title"](site)
    again = render(site, before)
    listing = {path for path, data in before.files.items()
               if path.startswith("en/") and path.endswith(".html")
               and b'href="/en/receipts/"' in data}
    assert again.rendered <= len(listing | {"en/receipts/index.html"})
    assert again.rendered < len([p for p in before.pages if p.lang == "en"])


@pytest.mark.parametrize(("body", "paths"), [
    ("{{ policy.shipping.domestic.fee | money }}", {"shipping.domestic.fee"}),
    ("{{ policy.a.b }} and {{ policy.c }}", {"a.b", "c"}),
    ("{{ policy['a'].b[0] }}", {"a.b.0"}),
    ("{{ policy.a[x].b }}", {"a"}),                 # a computed key: all of policy.a
    ("{% set p = policy.returns %}{{ p.window_days }}", {"returns"}),
    ("{% for z in policy.shipping.zones %}{{ z.fee }}{% endfor %}", {"shipping.zones"}),
    ("{{ policy | length }}", {""}),                 # the whole of it
    ("{{ contact }} and {{ shop_name }}", set()),
])
def test_the_policy_values_a_body_reads_are_found_in_its_syntax(body: str,
                                                                paths: set[str]) -> None:
    from jinja2 import Environment

    from helpcenter.render.dependencies import policy_paths
    assert policy_paths(Environment().parse(body)) == paths


def test_a_template_reading_policies_records_each_value_and_each_whole_mapping() -> None:
    from jinja2 import Environment

    from helpcenter.render.dependencies import PolicyReads
    data = {"shipping": {"domestic": {"fee": 1000}, "zones": [{"fee": 1}]},
            "payment": {"cards": {"visa": "Visa", "jcb": "JCB"}}, "returns": {"days": 10}}
    reads = PolicyReads()
    Environment().from_string(
        "{{ policy.shipping.domestic.fee }}{% for k, v in policy.payment.cards.items() %}"
        "{{ v }}{% endfor %}{{ policy.returns.missing is defined }}").render(
            policy=reads.policy(data))
    assert reads.paths == {"shipping.domestic.fee", "payment.cards", "returns.missing"}
