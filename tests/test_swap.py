"""The swap of the output: at no moment is there no complete site, whatever happens.

`public` is a link to the folder of one complete site; a build switches it with one
atomic rename. Faults are injected into a real build (a subprocess running the command
line) at each rename, link and delete of the swap: the process is killed there
(SIGKILL: no cleanup runs), or the call fails as a full or broken disk would. Every time,
`public` must still be the whole last site (or, once the switch happened, the whole new
one), the command must say what went wrong without a traceback, and the next build must
succeed and leave nothing behind.

The swap does not depend on what the site says, so the tests use the sample help center
(tests/fixtures/sample/), each on its own copy of one good build of it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from conftest import BUILD_TIMEOUT, ROOT, Site, build_environment, copy_built, snapshot

from helpcenter.write.output import MARKER

# Runs the build with one os function replaced: when it is called on the output's files,
# the process kills itself or the call fails with the given errno.
FAULTY_BUILD = """
import errno, os, shutil, signal, sys
function, action, root, out = sys.argv[1:5]
module = shutil if function == "rmtree" else os
real = getattr(module, function)
def faulty(*args, **kwargs):
    if any(".public." in str(arg) or str(arg) == out for arg in args):
        if action == "kill":
            os.kill(os.getpid(), signal.SIGKILL)
        paths = [str(arg) for arg in args if isinstance(arg, (str, os.PathLike))]
        raise OSError(getattr(errno, action), os.strerror(getattr(errno, action)), paths[-1])
    return real(*args, **kwargs)
setattr(module, function, faulty)
from helpcenter.cli import main
sys.exit(main(["--root", root, "build", "--out", out]))
"""


def _faulty_build(site: Site, function: str, action: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", FAULTY_BUILD, function, action,
                           str(site.root), str(site.out)], cwd=ROOT, capture_output=True,
                          text=True, timeout=BUILD_TIMEOUT, env=build_environment())


def _beside_output(site: Site) -> list[str]:
    return sorted(p.name for p in site.root.iterdir() if "public" in p.name)


def _assert_one_clean_site(site: Site) -> None:
    assert site.out.is_symlink() and (site.out / MARKER).is_file()
    assert _beside_output(site) == sorted(["public", site.out.resolve().name])


@pytest.fixture
def site(sample_site: Site) -> Site:
    return sample_site


@pytest.fixture
def published(built_sample: Site, tmp_path: Path) -> Site:
    """A site built once (the last good site), then changed (the next build's site)."""
    site = copy_built(built_sample, tmp_path / "site")
    _assert_one_clean_site(site)
    site.replace("content/policies.yaml", "fee: 1000 ", "fee: 1100 ")
    return site


# Each step of the swap, in order: the staged folder renamed to its final name, the new
# link made, the link renamed over `public` (the switch), the old site deleted.
BEFORE_SWITCH = [("rename", "the staged site renamed"), ("symlink", "the new link made"),
                 ("replace", "the link switched")]


@pytest.mark.parametrize(("function", "step"), BEFORE_SWITCH,
                         ids=[f for f, _ in BEFORE_SWITCH])
def test_a_build_killed_at_each_step_before_the_switch_leaves_the_last_site(
        published: Site, function: str, step: str) -> None:
    before = snapshot(published.out)
    done = _faulty_build(published, function, "kill")
    assert done.returncode == -9, f"not killed when {step}: {done.stderr}"
    assert snapshot(published.out) == before
    assert published.build().code == 0
    assert "¥1,100" in published.page("en/shipping-cost/index.html")
    _assert_one_clean_site(published)


@pytest.mark.parametrize("error", ["ENOSPC", "EIO", "EROFS"])
@pytest.mark.parametrize(("function", "step"), BEFORE_SWITCH,
                         ids=[f for f, _ in BEFORE_SWITCH])
def test_a_step_that_fails_before_the_switch_is_reported_and_changes_nothing(
        published: Site, function: str, step: str, error: str) -> None:
    before = snapshot(published.out)
    done = _faulty_build(published, function, error)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    first = done.stderr.splitlines()[0]
    assert first.startswith(str(published.root)) and ": cannot write: " in first, first
    assert "The published site was not changed." in done.stderr
    assert snapshot(published.out) == before
    _assert_one_clean_site(published)


def test_a_build_killed_after_the_switch_has_published_the_new_site(published: Site) -> None:
    """Killed while deleting the old site: the new one is live, the old one is removed by
    the next build."""
    old = published.out.resolve()
    done = _faulty_build(published, "rmtree", "kill")
    assert done.returncode == -9
    assert "¥1,100" in published.page("en/shipping-cost/index.html")
    assert old.is_dir(), "the old site was left behind by the kill"
    assert published.build().code == 0
    assert not old.exists()
    _assert_one_clean_site(published)


def test_leftovers_of_killed_builds_are_removed_by_the_next_build(published: Site) -> None:
    """What the issue found: killed builds of the older version left `.public.new-*`
    folders that no build removed; a kill at the switch leaves a site and a link."""
    assert _faulty_build(published, "replace", "kill").returncode == -9
    (published.root / ".public.new-k1ll3d").mkdir()
    (published.root / ".public.new-k1ll3d" / "index.html").write_text("half")
    left = [name for name in _beside_output(published)
            if name not in ("public", published.out.resolve().name)]
    assert [name.split("-")[0] for name in left] == [".public.link", ".public.new",
                                                    ".public.site"], left
    assert published.build().code == 0
    _assert_one_clean_site(published)


def test_a_folder_from_an_older_build_becomes_a_link_and_survives_a_failed_switch(
        site: Site) -> None:
    """Before links, `public` was a real folder with the marker."""
    site.out.mkdir()
    (site.out / MARKER).write_text("old")
    (site.out / "index.html").write_text("the old site")
    done = _faulty_build(site, "replace", "EIO")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert not site.out.is_symlink() and (site.out / "index.html").read_text() == "the old site"
    assert site.build().code == 0
    _assert_one_clean_site(site)


def test_readers_always_find_a_complete_site_while_builds_run(published: Site) -> None:
    """A web server or an upload reading `public` during three builds never finds it
    missing or half-written."""
    stop = threading.Event()
    misses: list[str] = []
    looks = [0]

    def read_continuously() -> None:
        while not stop.is_set():
            looks[0] += 1
            try:
                if not (published.out / MARKER).is_file():
                    misses.append("no marker")
                (published.out / "en" / "shipping-cost" / "index.html").read_bytes()
                (published.out / "pagefind" / "pagefind-entry.json").read_bytes()
            except OSError as error:
                misses.append(str(error))

    reader = threading.Thread(target=read_continuously)
    reader.start()
    try:
        for old, new in (("1100", "1200"), ("1200", "1300"), ("1300", "1400")):
            published.replace("content/policies.yaml", f"fee: {old} ", f"fee: {new} ")
            assert published.build().code == 0
    finally:
        stop.set()
        reader.join()
    assert looks[0] > 100
    assert misses == []


def test_two_builds_at_once_both_succeed_and_leave_one_site(published: Site) -> None:
    runs = [subprocess.Popen([sys.executable, str(ROOT / "build.py"), "--root",
                              str(published.root), "build", "--out", str(published.out)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env=build_environment())
            for _ in range(2)]
    for run in runs:
        _, err = run.communicate(timeout=BUILD_TIMEOUT)
        assert run.returncode == 0, err
    _assert_one_clean_site(published)
    assert os.path.getsize(published.out / "pagefind" / "pagefind-entry.json") > 0


def test_a_link_the_tool_did_not_make_is_never_replaced(site: Site, tmp_path) -> None:
    """`public -> /var/www/site` made by hand: neither the link nor its folder is touched,
    even when that folder holds an older build (marker included)."""
    for name, marker in (("www", False), ("old-build", True)):
        foreign = tmp_path / name
        foreign.mkdir()
        (foreign / "index.html").write_text("mine")
        if marker:
            (foreign / MARKER).write_text("old")
        site.out.unlink(missing_ok=True)
        site.out.symlink_to(foreign)
        before = snapshot(foreign)
        result = site.build()
        assert result.code == 1 and "Traceback" not in result.stderr
        assert result.problems[0] == (f"{site.out}: this is a link to {foreign}, which this "
                                      "tool did not make, so it will not be replaced (choose "
                                      "another --out folder, or delete the link yourself)")
        assert os.readlink(site.out) == str(foreign) and snapshot(foreign) == before
