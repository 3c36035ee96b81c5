"""The persistent build cache (.cache/helpcenter/): a build after a change publishes exactly
what a build from nothing publishes, for every kind of input — and a build after no
change does nothing.

Each case builds the real sources, changes one input, builds again with the cache, and
compares every published file (search index and headers included) with a build of the
same sources that neither reads nor writes the cache (--no-cache), into another folder.
"""

from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ROOT, Site, build_environment, copy_built, copy_site


def published(folder: Path) -> dict[str, bytes]:
    """Every file of a published site (its marker file aside), by path."""
    real = folder.resolve()
    return {path.relative_to(real).as_posix(): path.read_bytes()
            for path in sorted(real.rglob("*")) if path.is_file()
            and path.name != ".milamore-helpcenter"}


def fresh_build(site: Site, tmp_path: Path) -> dict[str, bytes]:
    out = tmp_path / "fresh"
    result = site.run("build", "--out", str(out), "--no-cache")
    assert result.code == 0, result.stderr
    return published(out)


@pytest.fixture
def built(built_site: Site, tmp_path: Path) -> Site:
    """A copy of the real help center with its build and cache: a case starts after a
    good build without making one from nothing (its first build there is a cached one)."""
    return copy_built(built_site, tmp_path / "site")


Edit = Callable[[Site], None]

EDITS: dict[str, Edit] = {
    "entry": lambda site: site.replace("content/en/receipts.md", "title: ", "title: About "),
    "policy value": lambda site: site.replace("content/policies.yaml", "fee: 1000 ",
                                              "fee: 1100 "),
    "template": lambda site: site.replace("theme/templates/entry.html", "</article>",
                                          "</article><!-- edited -->"),
    "catalog": lambda site: site.replace("locales/ja/LC_MESSAGES/messages.po",
                                         'msgstr "関連するご質問"', 'msgstr "関連する質問"'),
    "asset": lambda site: site.replace("theme/static/style.css", "--ink: #2b2623;",
                                       "--ink: #2b2624;"),
    "config": lambda site: site.replace("site.yaml", "support@milamore.example",
                                        "help@milamore.example"),
    "synonyms": lambda site: site.write("content/synonyms.yaml",
                                        site.read("content/synonyms.yaml") + "\n"),
}


@pytest.mark.parametrize("kind", EDITS)
def test_a_cached_build_after_a_change_publishes_what_a_build_from_nothing_does(
        kind: str, built: Site, tmp_path: Path) -> None:
    site = built
    assert site.build().code == 0
    EDITS[kind](site)
    result = site.build()
    assert result.code == 0, result.stderr
    assert "Nothing changed" not in result.stdout
    assert published(site.out) == fresh_build(site, tmp_path)


def test_nothing_changed_writes_nothing_and_says_so(built: Site) -> None:
    site = built
    assert site.build().code == 0
    before = os.readlink(site.out)
    files = published(site.out)
    result = site.build()
    assert result.code == 0
    assert "Nothing changed since the last build" in result.stdout
    assert os.readlink(site.out) == before          # the same published folder, untouched
    assert published(site.out) == files


def test_a_file_changed_by_hand_in_the_published_site_is_written_again(
        built: Site, tmp_path: Path) -> None:
    site = built
    assert site.build().code == 0
    page = site.out / "en" / "receipts" / "index.html"
    page.write_text("changed by hand", encoding="utf-8")
    assert site.build().code == 0
    assert published(site.out) == fresh_build(site, tmp_path)


def test_a_deleted_published_site_is_built_again(built: Site, tmp_path: Path) -> None:
    site = built
    assert site.build().code == 0
    shutil.rmtree(site.out.resolve())
    site.out.unlink()
    assert site.build().code == 0
    assert published(site.out) == fresh_build(site, tmp_path)


def test_a_damaged_cache_is_ignored(built: Site, tmp_path: Path) -> None:
    site = built
    assert site.build().code == 0
    for path in (site.root / ".cache" / "helpcenter").glob("*.pickle"):
        path.write_bytes(path.read_bytes()[:100])
    kept = list((site.root / ".cache" / "helpcenter" / "messages").glob("*.json"))
    assert kept   # the UI strings of the theme and the generator, by file
    for number, path in enumerate(kept):   # cut short, emptied, or changed by hand
        text = path.read_text(encoding="utf-8")
        path.write_text([text[:len(text) // 2], "", text.replace("1", "2", 1) or "[]"][number % 3],
                        encoding="utf-8")
    EDITS["entry"](site)
    result = site.build()
    assert result.code == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert published(site.out) == fresh_build(site, tmp_path)


def test_a_cache_made_by_other_code_is_not_used(site: Site) -> None:
    assert site.build().code == 0
    [path] = (site.root / ".cache" / "helpcenter").glob("*.pickle")
    saved = pickle.loads(path.read_bytes())
    saved.code = "another version of the generator"
    path.write_bytes(pickle.dumps(saved))
    result = site.build("-v")
    assert "Nothing changed" not in result.stdout
    assert result.code == 0


def test_a_change_to_the_generators_code_renders_everything_again(tmp_path: Path) -> None:
    """A copy of the generator whose code changes between two builds (the structured
    data of every answer): the cached build is what a build from nothing gives."""
    project = copy_site(tmp_path / "project")
    shutil.copytree(ROOT / "helpcenter", project.root / "helpcenter",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(ROOT / "build.py", project.root / "build.py")

    def build(*args: str) -> None:
        done = subprocess.run([sys.executable, str(project.root / "build.py"), *args],
                              capture_output=True, text=True, timeout=120, check=False,
                              env=build_environment())
        assert done.returncode == 0, done.stderr

    build("build")
    module = project.root / "helpcenter" / "render" / "site.py"
    text = module.read_text(encoding="utf-8")
    assert '"@type": "FAQPage"' in text
    module.write_text(text.replace('"@type": "FAQPage"', '"@type": "QAPage"'), encoding="utf-8")
    before = published(project.out)
    build("build")
    build("build", "--out", str(tmp_path / "fresh"), "--no-cache")
    assert published(project.out) == published(tmp_path / "fresh")
    assert published(project.out) != before


def test_no_cache_neither_reads_nor_writes_a_cache(site: Site) -> None:
    shutil.rmtree(site.root / ".cache")   # (the test sites share some of theirs)
    result = site.run("build", "--no-cache")
    assert result.code == 0, result.stderr
    assert not (site.root / ".cache").exists()


def test_the_cache_is_never_committed(site: Site) -> None:
    assert site.build().code == 0
    ignore = site.root / ".cache" / ".gitignore"
    assert ignore.read_text(encoding="utf-8").strip() == "*"


@pytest.mark.parametrize("kind", ["folder", "pipe", "broken link", "link to a device"])
def test_something_new_that_is_not_an_entry_file_is_reported_after_a_cached_build(
        kind: str, built: Site) -> None:
    """The cache's view of the sources sees folders, pipes and links, not only files:
    after a good build, `content/ja/x.md` that is not a file still stops the next one."""
    site = built
    assert site.build().code == 0
    path = site.root / "content" / "ja" / "gift-cards.md"
    if kind == "folder":
        path.mkdir()
    elif kind == "pipe":
        os.mkfifo(path)
    elif kind == "broken link":
        path.symlink_to(site.root / "nowhere.md")
    else:
        path.symlink_to("/dev/zero")
    result = site.build()
    assert result.code == 1
    assert "content/ja/gift-cards.md" in result.stderr
    assert "Traceback" not in result.stderr


def _symlinked_folder(site: Site) -> None:
    """content/en is a link to a folder elsewhere; a file in it changes."""
    real = site.root.parent / "english-entries"
    (site.root / "content" / "en").rename(real)
    (site.root / "content" / "en").symlink_to(real, target_is_directory=True)


LINKED_AND_HIDDEN: dict[str, tuple[Callable[[Site], None], Callable[[Site], None]]] = {
    "a file in a linked folder": (
        _symlinked_folder,
        lambda site: site.replace("content/en/receipts.md", "title: ", "title: About ")),
    "a hidden file the theme publishes": (
        lambda site: site.write("theme/static/.well-known/security.txt", "Contact: a@b.c\n"),
        lambda site: site.write("theme/static/.well-known/security.txt", "Contact: d@e.f\n")),
}


@pytest.mark.parametrize("kind", LINKED_AND_HIDDEN)
def test_a_change_the_build_reads_is_never_taken_for_nothing_changed(
        kind: str, site: Site, tmp_path: Path) -> None:
    prepare, change = LINKED_AND_HIDDEN[kind]
    prepare(site)
    assert site.build().code == 0
    change(site)
    result = site.build()
    assert result.code == 0, result.stderr
    assert "Nothing changed" not in result.stdout
    assert published(site.out) == fresh_build(site, tmp_path)


def test_dates_changed_by_git_replace_are_published(site: Site, tmp_path: Path) -> None:
    """`git log` follows replacement commits: the entries' dates change, HEAD does not."""
    def git(*args: str, date: str = "2025-03-04T10:00:00+09:00") -> str:
        env = {**os.environ, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date,
               "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e", "GIT_COMMITTER_NAME": "t",
               "GIT_COMMITTER_EMAIL": "t@e"}
        return subprocess.run(["git", "-C", str(site.root), *args], env=env, check=True,
                              capture_output=True, text=True).stdout.strip()
    git("init", "-q")
    git("add", "site.yaml", "content", "theme", "locales")
    git("commit", "-q", "-m", "first")
    assert site.build().code == 0
    head = git("rev-parse", "HEAD")
    tree = git("rev-parse", "HEAD^{tree}")
    other = git("commit-tree", tree, "-m", "first", date="2026-06-07T10:00:00+09:00")
    git("replace", head, other)
    result = site.build()
    assert result.code == 0, result.stderr
    assert "Nothing changed" not in result.stdout
    assert published(site.out) == fresh_build(site, tmp_path)
