"""The preview's build logic without a server: what is rebuilt, skipped, kept and planned.
(Which pages an edit renders again: tests/test_dependencies.py.)"""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

from conftest import Site

from helpcenter.preview.builder import PreviewBuilder
from helpcenter.preview.loop import settle_memory
from helpcenter.preview.watch import Debounce, changed, ignored, scan
from helpcenter.render.template_cache import TEMPLATES


def test_debounce_waits_for_quiet_but_not_forever() -> None:
    debounce = Debounce(quiet=0.2, longest=1.0)
    debounce.note({Path("a")}, now=0.0)
    assert not debounce.due(0.1)
    debounce.note({Path("b")}, now=0.15)
    assert not debounce.due(0.3)
    assert debounce.due(0.4)
    assert debounce.take() == {Path("a"), Path("b")}
    assert not debounce.due(5.0)

    for step in range(7):  # an editor that saves every 0.15 s …
        debounce.note({Path("c")}, now=1.0 + 0.15 * step)
    assert not debounce.due(1.95)
    assert debounce.due(2.05)  # … still gets a rebuild one second after the first save


def test_editor_temporary_files_are_not_sources() -> None:
    assert [name for name in ("a.md", ".a.md.swp", "a.md~", "#a.md#", "4913", ".DS_Store",
                              "messages.pot", "messages.mo", "style.css") if not ignored(name)] \
        == ["a.md", "style.css"]


def test_scan_sees_sources_only(site: Site) -> None:
    (site.root / "public").mkdir()
    (site.root / "public/index.html").write_text("output")
    (site.root / "content/ja/.receipts.md.swp").write_text("vim")
    before = scan(site.root)
    assert str(site.root / "site.yaml") in before
    assert str(site.root / "theme/templates/base.html") in before
    assert not any("/public/" in path or path.endswith(".swp") for path in before)
    site.replace("content/ja/receipts.md", "領収書", "領収証")
    assert changed(before, scan(site.root)) == {site.root / "content/ja/receipts.md"}


def builder(site: Site) -> PreviewBuilder:
    preview = PreviewBuilder(site.root, "http://127.0.0.1:8000/")
    assert preview.build_all().ok
    return preview


def test_a_file_saved_unchanged_is_skipped(site: Site) -> None:
    preview = builder(site)
    path = site.root / "content/ja/receipts.md"
    path.write_bytes(path.read_bytes())
    outcome = preview.rebuild({path})
    assert outcome.ok and outcome.skipped and outcome.changed_files == ()


def test_an_entry_edit_changes_its_page_and_a_failure_keeps_the_last_good_site(
        site: Site) -> None:
    preview = builder(site)
    path = site.root / "content/ja/receipts.md"
    site.replace("content/ja/receipts.md", "領収書をご希望の場合", "領収書が必要な場合")
    outcome = preview.rebuild({path})
    assert outcome.ok
    assert "ja/receipts/index.html" in outcome.changed_files
    assert "ja/gift-wrapping/index.html" not in outcome.changed_files
    good = dict(preview.files)

    site.replace("content/ja/receipts.md", "order: 10", "order: ten")
    broken = preview.rebuild({path})
    assert not broken.ok and preview.files == good
    assert [str(p) for p in broken.problems] == [
        "content/ja/receipts.md:5: order must be a whole number, not the text 'ten' (write a "
        "number such as 1)"]

    other = site.root / "content/ja/gift-wrapping.md"  # the broken file is still broken
    site.replace("content/ja/gift-wrapping.md", "ギフトラッピングを", "ラッピングを")
    assert not preview.rebuild({other}).ok

    site.replace("content/ja/receipts.md", "order: ten", "order: 10")
    fixed = preview.rebuild({path})
    assert fixed.ok and "ja/gift-wrapping/index.html" in fixed.changed_files


def test_a_policy_change_renders_the_pages_that_show_the_value_and_no_others(
        site: Site) -> None:
    preview = builder(site)
    before = dict(preview.files)
    site.replace("content/policies.yaml", "fee: 1000 ", "fee: 1500 ")
    outcome = preview.rebuild({site.root / "content/policies.yaml"})
    assert outcome.ok
    assert "1,500円" in preview.files["ja/shipping-cost/index.html"].decode()
    changed = {path for path, data in preview.files.items()
               if path.endswith(".html") and before.get(path) != data}
    rendered = int(outcome.rendered.split()[0])
    pages = sum(1 for path in preview.files if path.endswith(".html"))
    assert len(changed) <= rendered < pages     # not every page: only those that use it


def test_rebuilding_after_each_edit_gives_the_same_site_as_building_from_scratch(
        site: Site) -> None:
    """Whatever the preview re-renders or reuses, the result is what a full build makes."""
    preview = builder(site)
    new_ja = ("---\ntitle: 新しい質問\ncategory: orders\npolicy: receipts\norder: 5\n---\n"
              "[領収書](receipts.md)について。\n")
    new_en = new_ja.replace("新しい質問", "A new question").replace("について。", " info.")
    edits = [
        ("content/ja/receipts.md", lambda t: t.replace("領収書をご希望", "領収書がご入用")),
        ("content/ja/receipts.md", lambda t: t.replace("title: 領収書は", "title: 領収証は")),
        ("content/en/gift-wrapping.md", lambda t: t.replace("category: orders",
                                                            "category: payment")),
        ("content/ja/gift-wrapping.md", lambda t: t.replace("category: orders",
                                                            "category: payment")),
        ("content/ja/new-question.md", lambda _t: new_ja),
        ("content/en/new-question.md", lambda _t: new_en),
        ("content/ja/order-emails.md", lambda t: t.replace("order: 30", "order: 1")),
        ("content/en/receipts.md", lambda t: t + "\n## Paper receipts\n\nBy post.\n"),
        ("content/en/gift-wrapping.md",
         lambda t: t + "\nSee [paper receipts](receipts.md#paper-receipts).\n"),
        ("content/en/receipts.md", lambda t: t.replace("## Paper receipts", "## On paper")),
        ("content/en/receipts.md", lambda t: t.replace("## On paper", "## Paper receipts")),
        # a link to an address no page has, then gone again (the other links unchanged)
        ("content/en/gift-wrapping.md", lambda t: t + "\nSee [this](/en/no-such-page/).\n"),
        ("content/en/gift-wrapping.md",
         lambda t: t.replace("\nSee [this](/en/no-such-page/).\n", "")),
        # the source back as it was: its translation is no longer stale
        ("content/ja/receipts.md", lambda t: t.replace("領収書がご入用", "領収書をご希望")
         .replace("title: 領収証は", "title: 領収書は")),
        # an answer links to a question that is then deleted, then the link goes
        ("content/en/gift-wrapping.md",
         lambda t: t + "\nOr [a new question](new-question.md).\n"),
        ("content/en/new-question.md", None),
        ("content/ja/new-question.md", None),
        ("content/en/gift-wrapping.md",
         lambda t: t.replace("\nOr [a new question](new-question.md).\n", "")),
        # answers kept from the last rebuild, whose placeholders now say something else
        ("content/policies.yaml", lambda t: t.replace("in_stock_business_days: 3",
                                                      "in_stock_business_days: 4")),
        ("site.yaml", lambda t: t.replace("email: support@milamore.example",
                                          "email: help@milamore.example")),
        ("content/en/delivery-time.md", lambda t: t.replace("title: ", "title: When ", 1)),
        # an answer whose tag holds placeholders of numbers written out, then the catalog
        # that words them: the unchanged answer must say the new words
        ("content/ja/receipts.md", lambda t: t + "\n{% if true %}{{ 9 | days }}、"
         "{{ 2 | business_days }}、{{ {'min': 1, 'max': 2} | month_range }}{% endif %}\n"),
        ("locales/ja/LC_MESSAGES/messages.po", lambda t: t
         .replace('msgid_plural "%(num)d days"\nmsgstr[0] "%(num)d日"',
                  'msgid_plural "%(num)d days"\nmsgstr[0] "%(num)d日間"')
         .replace('msgstr "%(min)d〜%(max)dか月"', 'msgstr "%(min)d〜%(max)dカ月"')),
    ]
    failed: list[str] = []
    for relative, change in edits:
        path = site.root / relative
        if change is None:
            path.unlink()
        else:
            path.write_text(change(path.read_text(encoding="utf-8") if path.exists() else ""),
                            encoding="utf-8")
        outcome = preview.rebuild({path})
        TEMPLATES.clear()   # nothing compiled by the builds before: really from scratch
        scratch = PreviewBuilder(site.root, "http://127.0.0.1:8000/")
        from_scratch = scratch.build_all()
        assert outcome.ok == from_scratch.ok, (relative, outcome.problems)
        failed += [str(problem) for problem in outcome.problems]
        if outcome.ok:
            assert preview.files == scratch.files, relative
            assert set(outcome.warnings) == set(from_scratch.warnings), relative
    assert "9日間、2営業日、1〜2カ月" in preview.files["ja/receipts/index.html"].decode()
    # among the failed builds: the heading a link points at was renamed, an address no
    # page has, a question deleted while an answer links to it
    for link in ("/en/receipts/#paper-receipts", "/en/no-such-page/", "new-question"):
        assert any(problem.startswith("content/en/gift-wrapping.md:") and link in problem
                   for problem in failed), (link, failed)


def test_an_editors_lock_file_among_the_entries_is_not_read_as_an_entry(site: Site) -> None:
    """Editors such as Emacs leave such files next to the one being edited; the preview,
    told of one, rebuilds as a build from nothing does: without it."""
    preview = builder(site)
    for name in (".#receipts.md", "#receipts.md", ".receipts.md"):
        lock = site.write(f"content/en/{name}", "junk")
        outcome = preview.rebuild({lock})
        assert outcome.ok, (name, outcome.problems)


def test_entries_kept_between_rebuilds_are_read_again_when_what_they_need_changes(
        site: Site) -> None:
    """The preview keeps entries it has read and parses again only files whose text
    changed; an entry whose category site.yaml no longer has is still reported."""
    preview = builder(site)
    site.replace("site.yaml", "  - id: orders\n", "  - id: your_orders\n")
    outcome = preview.rebuild({site.root / "site.yaml"})
    assert not outcome.ok
    assert any(str(problem).startswith("content/ja/receipts.md:") and "orders" in str(problem)
               for problem in outcome.problems), outcome.problems
    site.replace("site.yaml", "  - id: your_orders\n", "  - id: orders\n")
    assert preview.rebuild({site.root / "site.yaml"}).ok


def test_values_written_out_are_found_after_each_policy_change_as_by_a_build_from_nothing(
        sample_site: Site) -> None:
    """The preview keeps each answer's written-out values and looks again only where a
    changed policy value can now be found, or a value found before has gone: after each
    change, the warnings are exactly those of a build from nothing."""
    site = sample_site
    site.replace("content/ja/receipts.md", "\n---\n",
                 "\n---\n送料は1,100円、2,000円、または100円です。発送まで3営業日。\n")
    site.replace("content/en/receipts.md", "\n---\n",
                 "\n---\nShipping is ¥1,100 or ¥2,000; dispatch takes 4 business days.\n")
    preview = builder(site)
    policies = site.root / "content/policies.yaml"
    changes = [("fee: 1000", "fee: 1100"),    # now written out in both languages
               ("fee: 1100", "fee: 100"),     # 100円 alone, and inside 1,100円
               ("fee: 100 ", "fee: 2000 "),   # another written value
               ("in_stock_business_days: 3", "in_stock_business_days: 4"),  # the other one
               ("fee: 2000 ", "fee: 1000 "),  # none again
               ("in_stock_business_days: 4", "in_stock_business_days: 3")]
    seen: set[str] = set()
    for old, new in changes:
        site.replace("content/policies.yaml", old, new)
        outcome = preview.rebuild({policies})
        scratch = PreviewBuilder(site.root, "http://127.0.0.1:8000/").build_all()
        assert outcome.ok and scratch.ok, (new, outcome.problems)
        found = {str(w) for w in outcome.warnings if "is written out" in str(w)}
        assert found == {str(w) for w in scratch.warnings if "is written out" in str(w)}, new
        seen |= found
    assert any("'1,100円'" in w for w in seen) and any("'¥2,000'" in w for w in seen), seen
    assert any("'4 business days'" in w for w in seen), seen


def test_what_earlier_builds_left_is_freed_at_the_next_pause() -> None:
    """The preview keeps the objects of its last build out of the garbage collector's
    work between pauses (gc.freeze); a cycle of objects frozen while in use and dropped
    afterwards (the previous site, once the next one is built) is still freed at the
    next pause, so the preview's memory does not grow with every edit."""
    class Node:
        pass

    try:
        node = Node()
        node.self = node   # type: ignore[attr-defined]  (a cycle: only the collector frees it)
        alive = weakref.ref(node)
        settle_memory()
        assert gc.get_freeze_count() > 0
        del node
        gc.collect()
        assert alive() is not None, "frozen: ordinary collections leave it alone"
        settle_memory()
        assert alive() is None
    finally:
        gc.unfreeze()
