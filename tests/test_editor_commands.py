"""The editors' commands, run as editors run them: `python build.py --root COPY …`.

new, translations (status, what changed, --mark-fresh), check's warnings and --strict,
policy values written out instead of placeholders, the catalog commands, and the
command line itself (--help, --quiet, --verbose, the summary).
"""

from __future__ import annotations

import re
import subprocess

import pytest
from conftest import Site

FEE_PLACEHOLDER = "{{ policy.shipping.domestic.fee | money }}"
STALE_SHIPPING = ("content/en/shipping-cost.md:7: warning: content/ja/shipping-cost.md has "
                  "changed since this translation was made (update the translation, then run: "
                  "python build.py translations --mark-fresh shipping-cost)")


def written_out(path: str, line: int, text: str, placeholder: str) -> str:
    return (f"{path}:{line}: warning: '{text}' is written out, but it comes from "
            f"content/policies.yaml (write {placeholder} instead, so the text follows "
            "content/policies.yaml)")


# --- new --------------------------------------------------------------------------------

def test_new_creates_both_languages_with_complete_front_matter(site: Site) -> None:
    result = site.run("new", "gift-cards", "--category", "orders", "--policy", "payment")

    assert result.code == 0, result.stderr
    assert result.stdout.splitlines()[:2] == ["created content/ja/gift-cards.md",
                                             "created content/en/gift-cards.md"]
    assert "python build.py translations --mark-fresh gift-cards" in result.stdout
    ja, en = site.read("content/ja/gift-cards.md"), site.read("content/en/gift-cards.md")
    for text in (ja, en):
        assert re.search(r"^category: orders\b", text, re.M)
        assert re.search(r"^policy: payment\b", text, re.M)
        assert re.search(r"^order: 40\b", text, re.M)  # after the last 'orders' entry (30)
        assert re.search(r"^description: ", text, re.M)
        assert "{{ policy.payment.cards_direct | and_list }}" in text  # the guide's examples
    assert "{{ policy.payment.cards_direct | and_list }}  ->  Visa、Mastercard、American Express" in ja
    assert re.search(r"^translated_from: ja-[0-9a-f]{12}$", en, re.M)
    assert "translated_from" not in ja


def test_a_new_entry_builds_warns_until_written_and_its_guide_is_never_published(
        site: Site) -> None:
    assert site.run("new", "gift-cards", "--category", "orders", "--policy",
                    "payment").code == 0

    check = site.run("check")
    assert check.code == 0, check.stderr
    assert check.problems == [
        "content/en/gift-cards.md:5: warning: this entry still has the text that 'python "
        "build.py new' wrote (write the question in 'title:' and the answer below the front "
        "matter)",
        "content/ja/gift-cards.md:4: warning: this entry still has the text that 'python "
        "build.py new' wrote (write the question in 'title:' and the answer below the front "
        "matter)"]
    assert site.build().code == 0
    page = site.page("ja/gift-cards/index.html")
    assert "ここに回答を書いてください。" in page
    assert "Markdown" not in page and "policies.yaml" not in page  # the guide is a comment


def test_new_refuses_unknown_category_and_policy_with_suggestions(site: Site) -> None:
    result = site.run("new", "gift-cards", "--category", "order", "--policy", "paymnt")

    assert result.code == 1
    assert result.problems == [
        "--category: unknown category 'order' (did you mean 'orders'? Categories are listed "
        "in site.yaml.)",
        "--policy: unknown policy 'paymnt' (did you mean 'payment'? Policies are defined in "
        "content/policies.yaml.)", "new failed: 2 problems."]
    assert not (site.root / "content/ja/gift-cards.md").exists()
    assert not (site.root / "content/en/gift-cards.md").exists()


@pytest.mark.parametrize(("slug", "problem"), [
    ("Gift Cards", "SLUG: 'Gift Cards' cannot be used as a file name and web address (use "
                   "lower-case letters, digits and '-', such as 'gift-cards')"),
    ("../../etc/passwd", "SLUG: '../../etc/passwd' cannot be used as a file name and web "
                         "address (use lower-case letters, digits and '-', such as 'etc-passwd')"),
    ("calculator", "SLUG: 'calculator' is the address of a page the site makes itself "
                   "(choose another name)"),
])
def test_new_refuses_an_unsafe_or_reserved_name(site: Site, slug: str, problem: str) -> None:
    result = site.run("new", slug, "--category", "orders", "--policy", "payment")
    assert result.code == 1
    assert result.problems == [problem, "new failed: 1 problem."]


def test_new_refuses_an_existing_entry_and_changes_nothing(site: Site) -> None:
    before = site.read("content/ja/receipts.md")
    result = site.run("new", "receipts", "--category", "orders", "--policy", "receipts")

    assert result.code == 1
    assert result.problems == [
        "content/en/receipts.md: an entry with this name already exists (choose another "
        "name, or edit the file that exists)",
        "content/ja/receipts.md: an entry with this name already exists (choose another "
        "name, or edit the file that exists)", "new failed: 2 problems."]
    assert site.read("content/ja/receipts.md") == before


# --- translations -------------------------------------------------------------------------

def test_the_real_translations_are_all_fresh(site: Site) -> None:
    result = site.run("translations")
    assert result.code == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "9 translations: 9 fresh."
    assert all(line.startswith("fresh    content/en/")
               for line in result.stdout.splitlines()[:-1])


def test_an_edited_source_makes_its_translation_stale_until_marked_fresh(site: Site) -> None:
    site.replace("content/ja/shipping-cost.md", "全国一律", "全国どこでも一律")

    status = site.run("translations")
    assert ("stale    content/en/shipping-cost.md: the Japanese text changed since "
            "translation (no earlier version in git to compare with)") in status.stdout
    assert "9 translations: 8 fresh, 1 stale." in status.stdout

    check = site.run("check")
    assert check.code == 0 and check.problems == [STALE_SHIPPING]
    strict = site.run("check", "--strict")
    assert strict.code == 1
    assert strict.problems == [STALE_SHIPPING, "check --strict failed: 1 warning."]

    english = site.read("content/en/shipping-cost.md")
    marked = site.run("translations", "--mark-fresh", "shipping-cost")
    assert marked.code == 0
    assert re.fullmatch(r"marked content/en/shipping-cost\.md fresh \(translated_from: "
                        r"ja-[0-9a-f]{12}\)\n", marked.stdout)
    changed = [line for line in site.read("content/en/shipping-cost.md").splitlines()
               if line not in english.splitlines()]
    assert len(changed) == 1 and changed[0].startswith("translated_from: ja-")
    assert site.run("check", "--strict").code == 0


def test_stale_shows_what_changed_from_git_history(site: Site) -> None:
    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(site.root), "-c", "user.name=Editor",
                        "-c", "user.email=editor@example.com", *args],
                       check=True, capture_output=True)

    git("init", "-q")
    git("add", "-A")
    git("commit", "-qm", "the translated version")
    site.replace("content/ja/shipping-cost.md", "全国一律{{", "全国どこでも一律{{")
    git("commit", "-qam", "a later change")
    site.replace("content/ja/receipts.md", "領収書のご依頼は", "領収書のご依頼につきましては")

    lines = site.run("translations").stdout.splitlines()
    at = lines.index("stale    content/en/shipping-cost.md: content/ja/shipping-cost.md changed "
                     "since translation:")
    assert lines[at + 1:at + 3] == [
        "           - 日本国内への送料は、全国一律{{ policy.shipping.domestic.fee | money }}です。",
        "           + 日本国内への送料は、全国どこでも一律{{ policy.shipping.domestic.fee | money }}"
        "です。"]
    assert ("stale    content/en/receipts.md: content/ja/receipts.md changed since "
            "translation:") in lines  # an edit not yet committed is compared too


def test_missing_and_orphaned_translations(site: Site) -> None:
    (site.root / "content/en/receipts.md").unlink()
    (site.root / "content/ja/gift-wrapping.md").unlink()

    lines = site.run("translations").stdout.splitlines()
    assert ("missing  content/en/receipts.md: not written yet (translate "
            "content/ja/receipts.md)") in lines
    assert ("orphan   content/en/gift-wrapping.md: content/ja/gift-wrapping.md does not exist "
            "(write it, or delete the translation)") in lines
    check = site.run("check")
    assert check.code == 1
    assert ("content/ja/receipts.md:1: this entry has no 'en' translation (create "
            "content/en/receipts.md)") in check.problems


def test_changing_a_policy_value_or_whitespace_keeps_translations_fresh(site: Site) -> None:
    site.replace("content/policies.yaml", "fee: 1000 ", "fee: 1200 ")
    site.replace("content/ja/shipping-cost.md", "です。\n", "です。   \n\n\n")
    assert site.run("translations").stdout.splitlines()[-1] == "9 translations: 9 fresh."
    assert site.run("check", "--strict").code == 0


def test_changing_a_placeholder_makes_the_translation_stale(site: Site) -> None:
    site.replace("content/ja/returns-and-exchanges.md", "window_days | days",
                 "window_days | business_days")
    assert ("stale    content/en/returns-and-exchanges.md: the Japanese text changed since "
            "translation (no earlier version in git to compare with)"
            in site.run("translations").stdout)


def test_mark_fresh_refuses_an_unknown_entry(site: Site) -> None:
    result = site.run("translations", "--mark-fresh", "no-such-entry")
    assert result.code == 1
    assert result.problems == [
        "content/ja/no-such-entry.md: there is no such entry, or it has problems (check the "
        "name (python build.py translations lists them) and fix the problems printed above)",
        "translations --mark-fresh failed: 1 problem."]


def test_translated_from_in_the_source_language_is_an_error(site: Site) -> None:
    site.replace("content/ja/receipts.md", "order: 10\n", "order: 10\ntranslated_from: ja-0123456789ab\n")
    result = site.run("check")
    assert result.code == 1
    assert ("content/ja/receipts.md:6: 'ja' is the source language, so this entry is not a "
            "translation (remove the line 'translated_from: …')") in result.problems


def test_a_malformed_translated_from_says_how_to_fix_it(site: Site) -> None:
    site.replace("content/en/receipts.md", "translated_from: ja-", "translated_from: 12")
    result = site.run("check")
    assert result.code == 1
    assert any(line.startswith("content/en/receipts.md:7: translated_from ")
               and "python build.py translations --mark-fresh SLUG" in line
               for line in result.problems), result.problems


# --- policy values written out -----------------------------------------------------------

def test_the_real_content_writes_no_policy_value_out(site: Site) -> None:
    result = site.run("check", "--strict")
    assert result.code == 0, result.stderr
    assert result.problems == []


def test_policy_values_written_out_are_found_with_the_placeholder_to_use(site: Site) -> None:
    ja, en = "content/ja/shipping-cost.md", "content/en/shipping-cost.md"
    site.write(ja, site.read(ja) + "\n送料は1,000円、発送は3営業日以内、返品は10日以内です。\n\n"
               "お支払いはVisaでどうぞ。\n")
    site.write(en, site.read(en) + "\nIt costs ¥1,000 and ships in 3 business days.\n\n"
               "Return it within 10 days. We accept Visa, Mastercard, and American Express.\n")
    site.replace(en, "title: How much is shipping?", "title: Is shipping ¥1000?")

    result = site.run("check", "--strict")

    fee, days = FEE_PLACEHOLDER, "{{ policy.returns.window_days | days }}"
    business = "{{ policy.dispatch.in_stock_business_days | business_days }}"
    cards = "{{ policy.payment.cards_direct | and_list }}"
    assert result.code == 1
    assert [p for p in result.problems if "translation was made" not in p] == [
        "content/en/shipping-cost.md:2: warning: '¥1000' is written out, but it comes from "
        "content/policies.yaml (the front matter cannot use placeholders: leave the value out "
        f"here, the answer gives it with {fee})",
        written_out(en, 13, "3 business days", business),
        written_out(en, 13, "¥1,000", fee),
        written_out(en, 15, "10 days", days),
        written_out(en, 15, "Visa, Mastercard, and American Express", cards),
        written_out(ja, 12, "1,000円", fee),
        written_out(ja, 12, "10日", days),
        written_out(ja, 12, "3営業日", business),
        written_out(ja, 14, "Visa", cards),
        "check --strict failed: 10 warnings."]


def test_numbers_that_are_not_policy_values_are_left_alone(site: Site) -> None:
    path = "content/ja/order-emails.md"
    site.write(path, site.read(path) + "\n1. 毎月10日と1月10日はお休みです。2025年の1,000件目のご注文。\n\n"
               "`1,000円` のようなコードや {# 1,000円 #} コメントは対象外です。\n\n"
               "```\n10日\n```\n")
    result = site.run("check")
    assert result.code == 0, result.stderr
    assert [p for p in result.problems if "written out" in p] == []


def test_the_build_fails_on_errors_but_not_on_these_warnings(site: Site) -> None:
    site.replace("content/ja/shipping-cost.md", "全国一律{{", "全国一律1,000円、{{")
    result = site.build()
    assert result.code == 0, result.stderr
    assert (site.out / "ja/shipping-cost/index.html").is_file()


def test_the_build_prints_the_warnings_too(site: Site) -> None:
    site.replace("content/ja/shipping-cost.md", "全国一律{{", "全国一律1,000円、{{")
    result = site.build()
    assert written_out("content/ja/shipping-cost.md", 8, "1,000円",
                       FEE_PLACEHOLDER) in result.problems


def test_a_stale_translation_tells_its_readers_and_links_to_the_source(site: Site) -> None:
    site.replace("content/ja/shipping-cost.md", "全国一律{{", "全国どこでも一律{{")
    assert site.build().code == 0
    notice = re.search(r'<p class="stale-notice" role="note">(.*?)</p>',
                       site.page("en/shipping-cost/index.html"), re.S)
    assert notice is not None
    assert "This translation may be out of date: the Japanese page it was translated from " \
           "has changed since." in notice.group(1)
    assert '<a href="/ja/shipping-cost/" hreflang="ja" lang="ja">日本語</a>' in notice.group(1)
    for fresh in ("en/receipts/index.html", "ja/shipping-cost/index.html"):
        assert "stale-notice" not in site.page(fresh)


# --- catalogs --------------------------------------------------------------------------

def test_i18n_extract_writes_the_template_of_every_ui_text(site: Site) -> None:
    result = site.run("i18n", "extract")
    assert result.code == 0, result.stderr
    assert re.fullmatch(r"wrote locales/messages\.pot \(\d+ UI texts\)\n", result.stdout)
    pot = site.read("locales/messages.pot")
    assert 'msgid "All questions"\nmsgstr ""' in pot
    assert "#: theme/templates/base.html:" in pot
    assert site.run("check", "--strict").code == 0  # the build does not read the .pot


def test_check_reports_fuzzy_and_untranslated_ui_texts(site: Site) -> None:
    po = "locales/ja/LC_MESSAGES/messages.po"
    site.replace(po, 'msgid "All questions"', '#, fuzzy\nmsgid "All questions"')
    text = site.read(po)
    line = text[:text.index('msgid "All questions"')].count("\n") + 1
    result = site.run("check")
    assert result.code == 1
    assert result.problems == [
        f"{po}:{line}: 'All questions' is marked fuzzy (write the translation in msgstr and "
        "remove any '#, fuzzy' line above it)"]


def test_i18n_update_keeps_the_catalogs_complete(site: Site) -> None:
    result = site.run("i18n", "update")
    assert result.code == 0, result.stderr
    assert "updated locales/ja/LC_MESSAGES/messages.po" in result.stdout
    assert site.run("check", "--strict").code == 0


# --- the command line -------------------------------------------------------------------

@pytest.mark.parametrize("command", ["", "build", "check", "serve", "new", "translations",
                                     "i18n"])
def test_every_command_has_help(site: Site, command: str) -> None:
    result = site.run(*([command] if command else []), "--help")
    assert result.code == 0
    assert result.stdout.startswith("usage: build.py")
    assert "--quiet" in result.stdout and "--verbose" in result.stdout


def test_the_build_ends_with_a_summary_table(site: Site) -> None:
    result = site.build()
    assert result.code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "  pages  language"
    assert re.fullmatch(r" +\d+  ja", lines[1]) and re.fullmatch(r" +\d+  en", lines[2])
    assert re.fullmatch(rf"Built {re.escape(str(site.out))} in \d+\.\d\d s: \d+ files, "
                        r"no warnings\.", lines[-1])


def test_a_verbose_build_prints_the_time_of_each_stage(site: Site) -> None:
    verbose = site.run("--verbose", "build", "--out", str(site.out))
    stages = [line.split()[0] for line in verbose.stdout.splitlines()
              if re.fullmatch(r"  \w+ +\d+\.\d\d s", line)]
    assert stages == ["load", "render", "write"]


def test_quiet_prints_nothing_when_all_is_well_and_verbose_prints_stages(site: Site) -> None:
    quiet = site.run("check", "--quiet")
    assert quiet.code == 0 and quiet.stdout == "" and quiet.problems == []
    assert site.run("--quiet", "build", "--out", str(site.out)).stdout == ""

    verbose = site.run("check", "--verbose")
    stages = [line.split()[0] for line in verbose.stdout.splitlines()
              if re.fullmatch(r"  \w+ +\d+\.\d\d s", line)]
    assert stages == ["load", "render"]
