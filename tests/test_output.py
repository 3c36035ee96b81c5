"""The output folder: written whole or not at all, reproducible, and never a folder the
tool does not own. About the generator, not the content: on the sample help center
(tests/fixtures/sample/)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, Site, copy_built, snapshot

from helpcenter.write.output import MARKER


@pytest.fixture
def site(sample_site: Site) -> Site:
    return sample_site


def test_two_builds_of_the_same_sources_are_byte_identical(site: Site, tmp_path: Path) -> None:
    """Two processes that order sets and dictionaries of strings differently (Python
    seeds its string hashes per process) write the same bytes."""
    first, second = tmp_path / "first", tmp_path / "second"
    assert site.run("build", "--out", str(first), env={"PYTHONHASHSEED": "1"}).code == 0
    assert site.run("build", "--out", str(second), env={"PYTHONHASHSEED": "2"}).code == 0
    assert snapshot(first) == snapshot(second)


def test_a_rebuild_replaces_the_old_site_and_leaves_no_temporary_folders(
        built_sample: Site, tmp_path: Path) -> None:
    site = copy_built(built_sample, tmp_path / "site")
    (site.out / "en" / "stale-page").mkdir()
    site.replace("content/policies.yaml", "fee: 1000 ", "fee: 1100 ")
    assert site.build().code == 0
    assert not (site.out / "en" / "stale-page").exists()
    assert "¥1,100" in site.page("en/shipping-cost/index.html")
    live = site.out.resolve().name
    assert sorted(p.name for p in site.root.iterdir() if "public" in p.name) == sorted(
        ["public", live]), "only the link and the one folder it points to remain"


def test_the_sources_folder_is_refused_as_output(site: Site) -> None:
    before = snapshot(site.root)
    for target in (site.root, site.root / "content", site.root.parent):
        result = site.run("build", "--out", str(target))
        assert result.code == 1
        assert "would contain or replace the sources" in result.stderr
    assert snapshot(site.root) == before


def test_a_folder_the_tool_did_not_make_is_never_replaced(site: Site, tmp_path: Path) -> None:
    foreign = tmp_path / "Documents"
    foreign.mkdir()
    (foreign / "taxes.txt").write_text("keep me")
    result = site.run("build", "--out", str(foreign))
    assert result.code == 1
    assert "was not made by this tool" in result.stderr
    assert (foreign / "taxes.txt").read_text() == "keep me"


def test_an_empty_folder_can_be_used_and_is_marked_as_ours(site: Site, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert site.run("build", "--out", str(empty)).code == 0
    assert (empty / MARKER).is_file() and (empty / "ja" / "index.html").is_file()


def test_a_build_killed_midway_leaves_the_last_good_site(built_sample: Site,
                                                         tmp_path: Path) -> None:
    site = copy_built(built_sample, tmp_path / "site")
    before = snapshot(site.out)
    # Slow the write down so the kill lands while files are being staged.
    slow = ("import sys, time, pathlib\n"
            "import helpcenter.write.output as o\n"
            "real = pathlib.Path.write_bytes\n"
            "def slow(self, data):\n"
            "    time.sleep(0.02)\n"
            "    return real(self, data)\n"
            "pathlib.Path.write_bytes = slow\n"
            "from helpcenter.cli import main\n"
            f"sys.exit(main(['--root', {str(site.root)!r}, 'build', '--out', {str(site.out)!r}]))\n")
    process = subprocess.Popen([sys.executable, "-c", slow], cwd=ROOT)
    deadline = time.monotonic() + 30
    while not list(site.root.glob(".public.new-*")) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert list(site.root.glob(".public.new-*")), "the build never started staging"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert snapshot(site.out) == before
    assert sorted(p.name for p in site.root.iterdir() if p.name == "public") == ["public"]
