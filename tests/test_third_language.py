"""A third language needs no code: site.yaml, a catalog and content are enough.

tests/fixtures/third_language/ is a small help center in Japanese, English and French
(never published): its own site.yaml, policies.yaml, three entries per language and
locales/fr/LC_MESSAGES/messages.po. Each test copies it, with the real theme and the
real Japanese and English catalogs, into tmp_path and runs `build.py --root` on it as an
editor would. The source language (`SiteConfig.source_language`, the first language of
site.yaml) is Japanese there; the last tests list English first instead.
"""

from __future__ import annotations

import re
import shutil
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po
from babel.support import Translations
from conftest import ROOT, Site

from helpcenter.load.catalogs import compile_translations

FIXTURE = Path(__file__).parent / "fixtures" / "third_language"
SLUGS = ("payment-methods", "returns-and-exchanges", "shipping-cost")
LANGUAGES = ("ja", "en", "fr")
FR_PO = "locales/fr/LC_MESSAGES/messages.po"


def third_language_site(target: Path) -> Site:
    """The fixture with the project's theme and its Japanese and English catalogs."""
    shutil.copytree(FIXTURE, target)
    shutil.copytree(ROOT / "theme", target / "theme")
    for lang in ("ja", "en"):
        shutil.copytree(ROOT / "locales" / lang, target / "locales" / lang)
    return Site(target)


@pytest.fixture
def site(tmp_path: Path) -> Site:
    return third_language_site(tmp_path / "site")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Site:
    site = third_language_site(tmp_path_factory.mktemp("third") / "site")
    result = site.build()
    assert result.code == 0, result.stderr
    assert result.problems == []
    return site


def english_first(site: Site) -> None:
    """Make English the source language: list it first in site.yaml, and drop the
    `translated_from:` the English entries had as translations of Japanese."""
    text = site.read("site.yaml")
    japanese = re.search(r"  - code: ja\n(?:    .*\n)+", text)
    assert japanese is not None
    text = text.replace(japanese.group(0), "", 1)
    site.write("site.yaml", text.replace("  - code: fr\n", japanese.group(0) + "  - code: fr\n",
                                         1))
    strip_translated_from(site, "en")


def strip_translated_from(site: Site, lang: str) -> None:
    """The entries of a language that becomes the source are no translations any more."""
    for slug in SLUGS:
        path = f"content/{lang}/{slug}.md"
        site.write(path, re.sub(r"^translated_from: .*\n", "", site.read(path), flags=re.M))


def catalog_texts(site: Site, lang: str) -> Translations:
    """A language's catalog of the site, compiled as the build compiles it."""
    return compile_translations(read_po(BytesIO((site.root / "locales" / lang / "LC_MESSAGES"
                                                  / "messages.po").read_bytes()), locale=lang))


# --- the build --------------------------------------------------------------------------

def test_the_site_builds_every_page_in_the_three_languages(built: Site) -> None:
    for lang in LANGUAGES:
        for page in ("", "calculator/", "search/", *(f"{slug}/" for slug in SLUGS)):
            assert (built.out / lang / page / "index.html").is_file(), (lang, page)
    page = built.page("fr/shipping-cost/index.html")
    assert page.startswith('<!DOCTYPE html>\n<html lang="fr"')
    assert "Combien coûte la livraison ?" in page
    assert "Rechercher dans le centre d’aide" in page  # the theme's texts, from fr's catalog
    assert "3 jours ouvrés" in page                     # a placeholder, in French word forms


def test_the_language_switcher_lists_the_three_languages(built: Site) -> None:
    for lang in LANGUAGES:
        page = built.page(f"{lang}/shipping-cost/index.html")
        switcher = re.search(r'<nav class="languages".*?</nav>', page, re.S)
        assert switcher is not None
        names = re.findall(r">(日本語|English|Français)<", switcher.group(0))
        assert names == ["日本語", "English", "Français"], (lang, names)
    chooser = built.page("index.html")
    assert re.findall(r'<section class="language-choice" lang="(\w+)"', chooser) == list(
        LANGUAGES)
    assert "Lire le centre d’aide en français" in chooser


def test_the_sitemap_gives_every_page_its_three_alternates(built: Site) -> None:
    sitemap = built.page("sitemap.xml")
    urls = re.findall(r"<url>.*?</url>", sitemap, re.S)
    assert len(urls) == 3 * (3 + len(SLUGS))
    for url in urls:
        assert re.findall(r'hreflang="(\w+)"', url) == list(LANGUAGES), url
    assert "<loc>https://help.milamore.test/fr/returns-and-exchanges/</loc>" in sitemap


def test_check_strict_passes_and_counts_the_french_pages(site: Site) -> None:
    result = site.run("check", "--strict")
    assert result.code == 0, result.stderr
    assert re.search(r"^ +6  fr$", result.stdout, re.M)


# --- new ----------------------------------------------------------------------------------

def test_new_writes_the_french_guide_from_the_french_catalog(site: Site) -> None:
    result = site.run("new", "gift-cards", "--category", "payment", "--policy", "payment")
    assert result.code == 0, result.stderr
    assert "created content/fr/gift-cards.md" in result.stdout

    fr = site.read("content/fr/gift-cards.md")
    _ = catalog_texts(site, "fr").gettext
    names = {"language": "français", "source": "ja", "slug": "gift-cards",
             "source_name": "japonais"}
    expected = [
        _("The %(language)s translation of content/%(source)s/%(slug)s.md. Translate the "
          "title, the\ndescription and the answer; keep category, policy and order as in "
          "that file.") % names,
        _("Lines starting with '#' are notes (never published); you may delete them."),
        "title: " + _("Write the question here") + "    # "
        + _("the question, as a customer would ask it"),
        "category: payment    # " + _("keep as in the %(source_name)s file") % names,
        "description: " + _("Sum up the answer in one sentence (shown in search results and "
                            "link previews)."),
        _("The contact address is {{ contact }}. This note is never published; you may "
          "delete it."),
        _("When the translation is done, run: python build.py translations --mark-fresh "
          "%(slug)s") % names,
        _("Write the answer here."),
    ]
    for text in expected:
        assert text.replace("\n", "\n# ") in fr or text in fr, text
    # the catalog's own words, not English ones
    assert fr.startswith("---\n# Traduction en français de content/ja/gift-cards.md.")
    assert "title: Écrivez la question ici    # la question, telle qu’un client la poserait" in fr
    assert "{{ policy.payment.cards_direct | and_list }}  ->  Visa et Mastercard" in fr
    for english in ("Write the", "Never type", "keep as in", "Translate the", "Lines starting"):
        assert english not in fr
    assert re.search(r"^translated_from: ja-[0-9a-f]{12}$", fr, re.M)

    check = site.run("check")  # the French placeholders are recognized as unfinished too
    assert check.code == 0, check.stderr
    assert ("content/fr/gift-cards.md:5: warning: this entry still has the text that "
            "'python build.py new' wrote (write the question in 'title:' and the answer "
            "below the front matter)") in check.problems


def test_a_catalog_without_the_guide_gives_the_english_guide(site: Site) -> None:
    """A language whose catalog does not have the guide's texts yet: `new` writes them in
    English, and `check` names each missing text."""
    path = site.root / FR_PO
    catalog = read_po(BytesIO(path.read_bytes()), locale="fr")
    for message in list(catalog):
        if any(file.endswith("commands/new.py") for file, _line in message.locations):
            catalog.delete(message.id, message.context)
    buffer = BytesIO()
    write_po(buffer, catalog, width=100)
    path.write_bytes(buffer.getvalue())

    assert site.run("new", "gift-cards", "--category", "payment", "--policy",
                    "payment").code == 0
    fr = site.read("content/fr/gift-cards.md")
    assert fr.startswith("---\n# The French translation of content/ja/gift-cards.md.")
    assert "title: Write the question here    # the question, as a customer would ask it" in fr
    assert "Visa et Mastercard" in fr  # the word forms still come from the catalog
    check = site.run("check")
    assert check.code == 1
    assert any("the UI text 'Write the question here' is not in the 'fr' catalog" in line
               for line in check.problems), check.problems


# --- translations -------------------------------------------------------------------------

def test_translations_are_measured_against_the_source_language(site: Site) -> None:
    status = site.run("translations")
    assert status.code == 0, status.stderr
    assert status.stdout.splitlines() == [
        f"fresh    content/{lang}/{slug}.md" for slug in SLUGS for lang in ("en", "fr")
    ] + ["6 translations: 6 fresh."]

    site.replace("content/fr/shipping-cost.md", "coûte", "ne coûte que")  # not a source
    assert site.run("translations").stdout.splitlines()[-1] == "6 translations: 6 fresh."

    site.replace("content/ja/shipping-cost.md", "全国一律", "全国どこでも一律")
    lines = site.run("translations").stdout.splitlines()
    for lang in ("en", "fr"):
        assert (f"stale    content/{lang}/shipping-cost.md: the Japanese text changed since "
                "translation (no earlier version in git to compare with)") in lines
    assert lines[-2] == "6 translations: 4 fresh, 2 stale."
    assert site.run("translations", "--mark-fresh", "shipping-cost").code == 0
    assert site.run("check", "--strict").code == 0


# --- another source language ----------------------------------------------------------------

def test_english_as_the_source_language_works_end_to_end(site: Site) -> None:
    english_first(site)

    status = site.run("translations")
    lines = status.stdout.splitlines()
    assert ("stale    content/fr/shipping-cost.md: the English text changed since "
            "translation (no earlier version in git to compare with)") in lines
    assert ("stale    content/ja/shipping-cost.md: does not record which version of "
            "content/en/shipping-cost.md it translates (compare them, then mark it fresh)"
            ) in lines
    assert lines[-2] == "6 translations: 0 fresh, 6 stale."

    marked = site.run("translations", "--mark-fresh", *SLUGS)
    assert marked.code == 0, marked.stderr
    assert re.search(r"^marked content/ja/shipping-cost\.md fresh \(translated_from: "
                     r"en-[0-9a-f]{12}\)$", marked.stdout, re.M)
    assert site.run("translations").stdout.splitlines()[-1] == "6 translations: 6 fresh."
    assert site.run("check", "--strict").code == 0

    new = site.run("new", "gift-cards", "--category", "payment", "--policy", "receipts")
    assert new.code == 0, new.stderr
    assert "Next: write the question and the answer in content/en/gift-cards.md" in new.stdout
    assert "the page is at /en/gift-cards/." in new.stdout
    en, ja = site.read("content/en/gift-cards.md"), site.read("content/ja/gift-cards.md")
    assert "translated_from" not in en
    assert en.startswith("---\n# A new question. Replace the title and the description")
    assert "category: payment    # a category of site.yaml: shipping, payment, returns" in en
    assert re.search(r"^translated_from: en-[0-9a-f]{12}$", ja, re.M)
    assert ja.startswith("---\n# content/en/gift-cards.md の日本語訳です。")
    assert "category: payment    # 英語のファイルと同じにしてください" in ja
    fr = site.read("content/fr/gift-cards.md")
    assert fr.startswith("---\n# Traduction en français de content/en/gift-cards.md.")
    assert "identique au fichier en anglais" in fr

    (site.root / "content/ja/gift-cards.md").unlink()
    (site.root / "content/en/gift-cards.md").unlink()
    (site.root / "content/fr/gift-cards.md").unlink()
    site.replace("content/en/shipping-cost.md", "a flat", "one flat")
    build = site.build()
    assert build.code == 0, build.stderr
    stale = site.page("ja/shipping-cost/index.html")
    assert '<p class="stale-notice" role="note">' in stale
    assert 'href="/en/shipping-cost/" hreflang="en"' in stale.split("stale-notice", 1)[1]
    assert "stale-notice" not in site.page("en/shipping-cost/index.html")


def test_source_language_can_be_named_in_site_yaml(site: Site) -> None:
    """`source_language: en` makes English the source while the languages keep the order
    readers see them in (Japanese first)."""
    site.replace("site.yaml", "shop_name: Milamore\n", "shop_name: Milamore\nsource_language: en\n")
    strip_translated_from(site, "en")

    lines = site.run("translations").stdout.splitlines()
    assert lines[0] == ("stale    content/ja/payment-methods.md: does not record which "
                        "version of content/en/payment-methods.md it translates (compare "
                        "them, then mark it fresh)")
    assert lines[-2] == "6 translations: 0 fresh, 6 stale."
    assert site.run("translations", "--mark-fresh", *SLUGS).code == 0
    check = site.run("check", "--strict")
    assert check.code == 0, check.stderr
    assert re.search(r"^ +\d+  ja\n +\d+  en\n +\d+  fr$", check.stdout, re.M)  # as listed

    new = site.run("new", "gift-cards", "--category", "payment", "--policy", "receipts")
    assert new.stdout.splitlines()[:3] == [f"created content/{lang}/gift-cards.md"
                                          for lang in LANGUAGES]
    assert "Next: write the question and the answer in content/en/gift-cards.md" in new.stdout
    assert "translated_from" not in site.read("content/en/gift-cards.md")
    assert site.read("content/ja/gift-cards.md").startswith(
        "---\n# content/en/gift-cards.md の日本語訳です。")


def test_a_source_language_the_site_does_not_have_is_refused(site: Site) -> None:
    site.replace("site.yaml", "shop_name: Milamore\n", "shop_name: Milamore\nsource_language: de\n")
    line = site.read("site.yaml").splitlines().index("source_language: de") + 1
    result = site.run("check")
    assert result.code == 1
    assert result.problems == [
        f"site.yaml:{line}: source_language 'de' is not one of the languages of this site "
        "(write one of the codes under 'languages:' (ja, en, fr), or delete the line to make "
        "the first language listed the source)"]
