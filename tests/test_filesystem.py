"""File-system trouble, numbers and ports: always `path: what (fix)`, exit 1, no
traceback, the last good site untouched and no half-written file left.

The disk is made to fail for real: a tmpfs of a few hundred kilobytes is full, a tmpfs
mounted read-only refuses writes (root ignores file permissions, so chmod would not),
RLIMIT_FSIZE makes the kernel refuse a large file. Mounting needs root, as CI runs.
"""

from __future__ import annotations

import os
import resource
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import BUILD_TIMEOUT, ROOT, Run, Site, copy_site, snapshot
from test_serve import start_preview, stop_preview

from helpcenter.load.source_files import ignored

FULL_DISK = "cannot write: the disk is full (free some space on the disk, then build again)"


@contextmanager
def tmpfs(folder: Path, size: str, *options: str) -> Iterator[Path]:
    assert os.geteuid() == 0, "these tests mount a tmpfs, which needs root (as in CI)"
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", ",".join([f"size={size}", *options]),
                    "tmpfs", str(folder)], check=True)
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)


def _remount(folder: Path, *options: str) -> None:
    subprocess.run(["mount", "-o", ",".join(["remount", *options]), str(folder)], check=True)


def _fill(folder: Path) -> None:
    """Leave no free byte on the disk of `folder`."""
    with (folder / "filler").open("wb", buffering=0) as handle:
        try:
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
        except OSError:
            pass


def _assert_refused(result: Run, *expected: str) -> None:
    assert result.code == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    for text in expected:
        assert text in result.stderr, result.stderr


# --- a full disk ---------------------------------------------------------------------


def test_a_first_build_on_a_full_disk_says_so(site: Site, tmp_path: Path) -> None:
    with tmpfs(tmp_path / "tiny", "200k") as tiny:
        result = site.run("build", "--out", str(tiny / "public"))
        _assert_refused(result, f"{tiny / 'public'}: {FULL_DISK}")
        assert sorted(p.name for p in tiny.iterdir()) == []


def test_a_disk_that_fills_up_keeps_the_last_good_site(site: Site, tmp_path: Path) -> None:
    with tmpfs(tmp_path / "disk", "4m") as disk:
        out = disk / "public"
        assert site.run("build", "--out", str(out)).code == 0
        before = snapshot(out)
        _fill(disk)
        site.replace("content/policies.yaml", "fee: 1000 ", "fee: 1100 ")
        _assert_refused(site.run("build", "--out", str(out)), FULL_DISK,
                        "The published site was not changed.")
        assert snapshot(out) == before
        (disk / "filler").unlink()
        assert site.run("build", "--out", str(out)).code == 0
        assert sorted(p.name for p in disk.iterdir()) == sorted(["public", out.resolve().name])


def test_a_file_size_limit_is_reported_like_a_full_disk(site: Site, tmp_path: Path) -> None:
    def limit_file_size() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of a killed process
        resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))

    out = tmp_path / "public"
    done = subprocess.run([sys.executable, str(ROOT / "build.py"), "--root", str(site.root),
                           "build", "--out", str(out)], capture_output=True, text=True,
                          timeout=BUILD_TIMEOUT, preexec_fn=limit_file_size)
    _assert_refused(Run(done.returncode, done.stdout, done.stderr),
                    "cannot write: a file is larger than this system allows")
    assert [p.name for p in tmp_path.iterdir()] == ["site"], "no output, no leftovers"


def test_new_on_a_full_disk_leaves_no_half_entry(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "disk", "8m") as disk:
        site = copy_site(disk / "site")
        before = snapshot(site.root / "content")
        _fill(disk)
        result = site.run("new", "gift-cards", "--category", "orders", "--policy", "payment")
        _assert_refused(result, "cannot create the entry: the disk is full")
        assert snapshot(site.root / "content") == before


# --- read-only or missing folders ----------------------------------------------------


def test_a_read_only_disk_is_named(site: Site, tmp_path: Path) -> None:
    with tmpfs(tmp_path / "ro", "2m") as disk:
        assert site.run("build", "--out", str(disk / "public")).code == 0
        before = snapshot(disk / "public")
        _remount(disk, "ro")
        # an edit since the last build: there is something to write (an unchanged site
        # is not written again at all, read-only disk or not)
        site.write("content/en/receipts.md", site.read("content/en/receipts.md") + "\nMore.\n")
        for out in (disk / "public", disk / "missing" / "public", disk / "other"):
            result = site.run("build", "--out", str(out))
            _assert_refused(result, "cannot write: the disk is read-only (choose a writable "
                            "folder with --out)")
            assert result.problems[0].startswith(str(disk)), result.problems
        assert snapshot(disk / "public") == before


def test_a_missing_parent_folder_is_made(site: Site, tmp_path: Path) -> None:
    out = tmp_path / "does" / "not" / "exist" / "public"
    assert site.run("build", "--out", str(out)).code == 0
    assert (out / "ja" / "index.html").is_file()


# --- a file where a folder should be -------------------------------------------------


def test_a_file_in_the_way_of_the_output(site: Site, tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("keep me")
    for out, expected in ((notes, "was not made by this tool"),
                          (notes / "public", "this is a file, but the output folder"),
                          (notes / "a" / "b", f"{notes}: this is a file")):
        _assert_refused(site.run("build", "--out", str(out)), expected)
    assert notes.read_text() == "keep me"


def test_a_file_where_a_language_folder_should_be(site: Site) -> None:
    for path in (site.root / "content" / "en").iterdir():
        path.unlink()
    (site.root / "content" / "en").rmdir()
    (site.root / "content" / "en").write_text("oops")
    _assert_refused(site.run("check"), "content/en: this is a file, but it should be the "
                    "folder of the 'en' entries (move the file away and make a folder "
                    "content/en)")
    before = snapshot(site.root / "content")
    result = site.run("new", "gift-cards", "--category", "orders", "--policy", "payment")
    _assert_refused(result, "cannot create the entry: a file is in the way")
    assert snapshot(site.root / "content") == before, "the Japanese file was left behind"


# --- odd entries in content/ ----------------------------------------------------------


EDITOR_FILES = [".#receipts.md", "receipts.md~", ".receipts.md.swp", "#receipts.md#",
                ".receipts.md", "receipts.md.orig", "4913"]


def test_editors_lock_and_backup_files_are_skipped_by_build_and_preview(site: Site,
                                                                         tmp_path: Path) -> None:
    clean = tmp_path / "clean"
    assert site.run("build", "--out", str(clean)).code == 0
    folder = site.root / "content" / "ja"
    for name in EDITOR_FILES:
        if name.startswith(".#"):  # Emacs: a link to user@host.pid, which does not exist
            (folder / name).symlink_to("editor@host.1234")
        else:
            (folder / name).write_text("---\ntitle: [half saved\n", encoding="utf-8")
    assert all(ignored(name) for name in EDITOR_FILES), "the preview's watcher skips them"
    assert site.build().code == 0
    assert snapshot(site.out) == snapshot(clean)
    preview = start_preview(site)
    try:
        assert preview.status()["state"] == "ok", preview.status()
        assert preview.status()["problems"] == []
    finally:
        stop_preview(preview)


NOT_AN_ENTRY = "so it cannot be an entry (move it out of content/"


@pytest.mark.parametrize(("make", "expected"), [
    (lambda p: p.mkdir(), f"this is a folder, not a file, {NOT_AN_ENTRY}"),
    (lambda p: os.mkfifo(p), f"this is a pipe (FIFO), not a file, {NOT_AN_ENTRY}"),
    (lambda p: socket.socket(socket.AF_UNIX).bind(str(p)),
     f"this is a socket, not a file, {NOT_AN_ENTRY}"),
    (lambda p: p.symlink_to("gone.md"), "this is a link to gone.md, which does not exist "
     "(delete the link, or make it point to an entry)"),
], ids=["folder", "fifo", "socket", "broken-link"])
def test_something_other_than_a_file_named_like_an_entry(site: Site, make, expected: str) -> None:
    """A pipe used to hang the build for ever: it is never opened in a way that waits."""
    assert site.build().code == 0
    before = snapshot(site.out)
    make(site.root / "content" / "ja" / "gift-cards.md")
    for result in (site.build(), site.run("check")):
        _assert_refused(result, f"content/ja/gift-cards.md: {expected}")
    assert snapshot(site.out) == before


def test_a_link_to_an_entry_file_is_read(site: Site, tmp_path: Path) -> None:
    """Only what is not a file is refused: a link to a file works like the file."""
    moved = tmp_path / "receipts.md"
    (site.root / "content" / "en" / "receipts.md").rename(moved)
    (site.root / "content" / "en" / "receipts.md").symlink_to(moved)
    assert site.build().code == 0
    assert "receipt" in site.page("en/receipts/index.html")


# --- names too long for an address ------------------------------------------------------


@pytest.mark.parametrize("length", [81, 200, 255, 300])
def test_new_refuses_a_name_too_long_for_an_address(site: Site, length: int) -> None:
    slug = ("gift-card-" * 40)[:length].strip("-")
    slug = slug + "x" * (length - len(slug))
    before = snapshot(site.root / "content")
    result = site.run("new", slug, "--category", "orders", "--policy", "payment")
    _assert_refused(result, f"SLUG: the name is {length} characters long, more than the 80")
    assert snapshot(site.root / "content") == before


def test_new_accepts_a_name_of_80_characters(site: Site) -> None:
    slug = "a" * 80
    assert site.run("new", slug, "--category", "orders", "--policy", "payment").code == 0
    assert (site.root / "content" / "ja" / f"{slug}.md").is_file()


def test_an_entry_file_with_a_name_too_long_is_reported(site: Site) -> None:
    slug = "how-do-i-" + "x" * 100
    for lang in ("ja", "en"):
        (site.root / "content" / lang / "receipts.md").rename(
            site.root / "content" / lang / f"{slug}.md")
    result = site.run("check")
    _assert_refused(result, f"content/ja/{slug}.md:1: the file name is 109 characters long")


def test_the_preview_reports_a_pipe_named_like_an_entry_as_the_build_does(site: Site) -> None:
    preview = start_preview(site)
    try:
        os.mkfifo(site.root / "content" / "ja" / "receipts-copy.md")
        status = preview.wait_for_status("failed")
        assert status["problems"] == [
            "content/ja/receipts-copy.md: this is a pipe (FIFO), not a file, so it cannot "
            "be an entry (move it out of content/, or rename it so that it does not end in "
            ".md)"]
        (site.root / "content" / "ja" / "receipts-copy.md").unlink()
        assert preview.wait_for_status("ok")["problems"] == []
    finally:
        stop_preview(preview)
