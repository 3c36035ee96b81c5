"""A translator's mistakes in locales/, and `i18n update` never losing their work.

Catalog mistakes are found when the build loads the catalogs: a text whose quoting Babel
would read wrongly (it used to drop a character without a word), and a translation whose
placeholders differ from its original (it used to crash the build, or silently drop the
contact address from every page). Each is `path:line: what (fix)` at the translator's
line, exit 1, no traceback, the last good site untouched.

`i18n update` rewrites the catalogs: it must refuse to write when it cannot read every
template, and keep, and name, every translation it cannot match again.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Site
from test_bad_input import line_of
from test_bad_input import (
    test_a_mistake_is_reported_and_the_last_good_site_survives as expect_reported,
)

JA = "locales/ja/LC_MESSAGES/messages.po"
EN = "locales/en/LC_MESSAGES/messages.po"

Expected = list[tuple[str, int, str]]


def set_msgstr(site: Site, msgid: str, msgstr_line: str, po: str = JA) -> int:
    """Replaces the (first) msgstr of `msgid` with one raw line; returns that line's number."""
    lines = site.read(po).split("\n")
    start = lines.index(f'msgid "{msgid}"')
    at = next(i for i in range(start, len(lines)) if lines[i].startswith("msgstr"))
    end = at + 1
    while end < len(lines) and lines[end].startswith('"'):
        end += 1
    lines[at:end] = [msgstr_line]
    site.write(po, "\n".join(lines))
    return at + 1


ADDRESS = ("We're sorry this answer didn't help. Please tell us what you were looking for at "
           "%(address)s.")


# Placeholders that differ from the original -------------------------------------------

def misspelt_placeholder(site: Site) -> Expected:  # the example
    line = set_msgstr(site, ADDRESS, 'msgstr "解決しない場合は、%(adress)s までご連絡ください。"')
    return [(JA, line, "has %(adress)s where the original has %(address)s")]


def contact_address_dropped(site: Site) -> Expected:  # the example (finding 8)
    line = set_msgstr(site, ADDRESS,
                      'msgstr "解決しない場合は、support@milamore.example までご連絡ください。"')
    return [(JA, line, "drops the placeholder %(address)s")]


def fee_dropped_from_a_calculator_text(site: Site) -> Expected:
    line = set_msgstr(site, "Shipping to %(country)s costs %(fee)s.",
                      'msgstr "%(country)sへの送料は無料です。"')
    return [(JA, line, "drops the placeholder %(fee)s")]


def number_dropped_from_a_plural(site: Site) -> Expected:
    line = set_msgstr(site, "%(num)d day", 'msgstr[0] "数日"')
    return [(JA, line, "drops the placeholder %(num)d")]


def placeholder_added(site: Site) -> Expected:
    line = set_msgstr(site, "Language", 'msgstr "言語（%(shop)s）"')
    return [(JA, line, "has placeholders that differ from the original: %(shop)s")]


def percent_sign_alone(site: Site) -> Expected:
    line = set_msgstr(site, "Language", 'msgstr "言語 100%"')
    return [(JA, line, "has a '%' that is not a placeholder (write %% for a percent sign")]


def english_catalog_too(site: Site) -> Expected:
    line = set_msgstr(site, ADDRESS, 'msgstr "Still need help? Write to us."', EN)
    return [(EN, line, "drops the placeholder %(address)s")]


# Quoting Babel would read wrongly -----------------------------------------------------

def unterminated_quote(site: Site) -> Expected:  # the example
    line = set_msgstr(site, "Language", 'msgstr "言語')
    return [(JA, line, "the quoted text is not closed with a quote at the end of the line")]


def quote_inside_the_text(site: Site) -> Expected:
    line = set_msgstr(site, "Language", 'msgstr "言"語"')
    return [(JA, line, "a quote inside the text ends it too early")]


def unknown_escape(site: Site) -> Expected:
    line = set_msgstr(site, "Language", 'msgstr "言\\語"')
    return [(JA, line, "'\\語' is not an escape a catalog knows")]


def misspelt_keyword(site: Site) -> Expected:
    line = set_msgstr(site, "Language", 'msgtsr "言語"')
    return [(JA, line, "this line is neither a comment, nor msgid/msgstr")]


def continuation_without_its_closing_quote(site: Site) -> Expected:
    line = set_msgstr(site, "Language", 'msgstr ""\n"言語')
    return [(JA, line + 1, "not closed with a quote")]


def catalog_not_in_utf8(site: Site) -> Expected:
    text = site.read(JA)
    (site.root / JA).write_bytes(text.encode("utf-8") + "# 注記\n".encode("shift_jis"))
    return [(JA, text.count("\n") + 1, "this catalog is not saved as UTF-8")]


def two_mistakes_in_two_catalogs(site: Site) -> Expected:
    return [*misspelt_placeholder(site), *english_catalog_too(site)]


CASES = [misspelt_placeholder, contact_address_dropped, fee_dropped_from_a_calculator_text,
         number_dropped_from_a_plural, placeholder_added, percent_sign_alone,
         english_catalog_too, unterminated_quote, quote_inside_the_text, unknown_escape,
         misspelt_keyword, continuation_without_its_closing_quote, catalog_not_in_utf8,
         two_mistakes_in_two_catalogs]


@pytest.mark.parametrize("breaks", CASES, ids=[case.__name__ for case in CASES])
def test_a_catalog_mistake_is_reported_at_its_line(
        breaks: Callable[[Site], Expected], good_site: Site, tmp_path: Path) -> None:
    expect_reported(breaks, good_site, tmp_path)


# i18n update -------------------------------------------------------------------------

def catalogs(site: Site) -> dict[str, bytes]:
    return {po: (site.root / po).read_bytes() for po in (JA, EN)}


def assert_refused(site: Site, command: str, path: str, line: int, words: str) -> None:
    before = catalogs(site)
    pot = site.root / "locales/messages.pot"

    result = site.run("i18n", command)

    assert result.code == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert any(p.startswith(f"{path}:{line}: ") and words in p for p in result.problems), \
        result.stderr
    assert "No catalog was changed." in result.stderr
    assert catalogs(site) == before
    assert not pot.exists()


def test_update_refuses_a_template_that_does_not_parse(site: Site) -> None:
    # the example: one syntax error used to drop 110 catalog lines, exit 0
    site.replace("theme/templates/search.html", "{% endblock %}\n", "{% endblok %}\n")
    line = line_of(site, "theme/templates/search.html", "{% endblok %}")
    assert_refused(site, "update", "theme/templates/search.html", line,
                   "this template cannot be read")


def test_update_refuses_an_unclosed_tag_in_a_partial_template(site: Site) -> None:
    site.replace("theme/templates/entry.html", "{% endif %}", "{% end if %}")
    assert_refused(site, "update", "theme/templates/entry.html",
                   line_of(site, "theme/templates/entry.html", "{% end if %}"),
                   "this template cannot be read")


def test_update_refuses_a_template_not_saved_as_utf8(site: Site) -> None:
    path = site.root / "theme/templates/home.html"
    path.write_bytes(site.read("theme/templates/home.html").encode("utf-8") + "註".encode("cp932"))
    before = catalogs(site)
    result = site.run("i18n", "update")
    assert result.code == 1 and "Traceback" not in result.stderr
    assert any(p.startswith("theme/templates/home.html: this file cannot be read")
               for p in result.problems), result.stderr
    assert catalogs(site) == before


def test_update_refuses_a_catalog_it_cannot_read_whole(site: Site) -> None:
    line = set_msgstr(site, "Language", 'msgstr "言語')
    assert_refused(site, "update", JA, line, "not closed with a quote")


def test_extract_refuses_a_template_that_does_not_parse(site: Site) -> None:
    site.replace("theme/templates/home.html", "{% endfor %}", "{% endfro %}")
    assert_refused(site, "extract", "theme/templates/home.html",
                   line_of(site, "theme/templates/home.html", "{% endfro %}"),
                   "this template cannot be read")


def test_a_translation_whose_text_left_the_theme_is_kept_and_comes_back(site: Site) -> None:
    """Removing a text from a template keeps its translation (and says so); putting the
    text back restores the same translation, not an empty or fuzzy guess."""
    translated = site.read(JA).split('msgid "Was this answer helpful?"\nmsgstr ', 1)[1].split("\n")[0]
    template = "theme/templates/entry.html"
    original = site.read(template)
    site.write(template, original.replace('_("Was this answer helpful?")', '"Helpful?"'))

    removed = site.run("i18n", "update")

    assert removed.code == 0, removed.stderr
    assert any(p.startswith(f"{JA}: warning: the text 'Was this answer helpful?' is no longer in the "
                            "theme: its translation is kept") for p in removed.problems), \
        removed.stderr
    assert f'#~ msgid "Was this answer helpful?"\n#~ msgstr {translated}\n' in site.read(JA)

    site.write(template, original)
    restored = site.run("i18n", "update")

    assert restored.code == 0, restored.stderr
    assert f'msgid "Was this answer helpful?"\nmsgstr {translated}\n' in site.read(JA)
    assert "#~ msgid \"Was this answer helpful?\"" not in site.read(JA)
    assert site.run("check", "--strict").code == 0


def test_a_changed_text_keeps_the_old_translation_and_names_the_guess(site: Site) -> None:
    template = "theme/templates/entry.html"
    site.replace(template, '_("Was this answer helpful?")', '_("Was this answer useful?")')

    result = site.run("i18n", "update")

    assert result.code == 0, result.stderr
    assert any("the translation of 'Was this answer useful?' was guessed from the one of "
               "'Was this answer helpful?' and is marked fuzzy" in p for p in result.problems), result.stderr
    text = site.read(JA)
    assert '#, fuzzy\nmsgid "Was this answer useful?"' in text
    assert '#~ msgid "Was this answer helpful?"' in text
    check = site.run("check")
    assert check.code == 1 and any("'Was this answer useful?' is marked fuzzy" in p
                                   for p in check.problems)


def test_new_goes_on_with_a_translation_that_does_not_fit(site: Site) -> None:
    """`new` writes a scaffold even while a catalog is broken (with English word forms);
    it used to end in a traceback on a misspelt %(num)d."""
    set_msgstr(site, "%(num)d day", 'msgstr[0] "%(nm)d日"')

    result = site.run("new", "gift-cards", "--category", "orders", "--policy", "returns")

    assert result.code == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "10 days" in site.read("content/ja/gift-cards.md")
    assert site.run("check").code == 1  # the catalog itself is still reported
