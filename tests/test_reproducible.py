"""The same sources give the same bytes: on any filesystem, in any run, from any
checkout depth, and content can reach no helper that changes from build to build.

CI publishes what it builds; a byte that changes without a change in the sources makes
every deploy re-upload the search index and hides real changes in a diff.

Byte-identity across filesystems and environments is checked on the real help center (the
most pages and index files); the rest is about the generator and uses the sample one
(tests/fixtures/sample/).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from conftest import (
    BUILD_TIMEOUT,
    ROOT,
    Site,
    build_environment,
    copy_built,
    copy_sample,
    copy_site,
    snapshot,
)

TMPFS = Path("/dev/shm")


def _filesystem(path: Path) -> str:
    return subprocess.run(["stat", "-f", "-c", "%T", str(path)], capture_output=True,
                          text=True, check=True).stdout.strip()


def _build(site: Site, out: Path, **env: str) -> dict[str, bytes]:
    done = subprocess.run([sys.executable, str(ROOT / "build.py"), "--root", str(site.root),
                           "build", "--out", str(out)], capture_output=True, text=True,
                          timeout=BUILD_TIMEOUT, env=build_environment(env), cwd=env.get("CWD"))
    assert done.returncode == 0, done.stderr
    return snapshot(out)


# --- filesystems -----------------------------------------------------------------------


def test_a_build_on_tmpfs_is_byte_identical_to_one_on_disk(site: Site, tmp_path: Path) -> None:
    """tmpfs lists a folder newest first, ext4 by a hash of the names: the search index
    used to follow that order."""
    assert _filesystem(TMPFS) == "tmpfs" and _filesystem(tmp_path) != "tmpfs", \
        "this test needs a tmpfs at /dev/shm and a disk filesystem for tmp_path"
    on_disk = _build(site, tmp_path / "public")
    with tempfile.TemporaryDirectory(dir=TMPFS) as memory:
        in_memory = _build(site, Path(memory) / "public")
    assert in_memory.keys() == on_disk.keys()
    assert [name for name in on_disk if in_memory[name] != on_disk[name]] == []
    assert any(name.startswith("pagefind/index/") for name in on_disk)


@pytest.mark.parametrize("variant", [
    {"PYTHONHASHSEED": "1"},                                    # set and dict order
    {"TZ": "Pacific/Kiritimati", "LANG": "C"},                   # another day, no locale
    {"TZ": "America/Adak", "LANG": "ja_JP.UTF-8", "LC_ALL": "ja_JP.UTF-8"},
    {"CWD": "/"},                                                # another working folder
], ids=["hash-seed", "UTC+14", "UTC-10-japanese-locale", "working-folder"])
def test_runs_in_other_environments_are_byte_identical(reference: tuple[Site, dict[str, bytes]],
                                                       tmp_path: Path,
                                                       variant: dict[str, str]) -> None:
    site, expected = reference
    assert _build(site, tmp_path / "variant", **variant) == expected


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> tuple[Site, dict[str, bytes]]:
    """The real sources, and their build with PYTHONHASHSEED=0 that every variant must match
    (the variants build the same sources into folders of their own)."""
    site = copy_site(tmp_path_factory.mktemp("reference") / "site")
    return site, _build(site, site.root.parent / "reference", PYTHONHASHSEED="0")


# --- helpers that change from build to build -----------------------------------------


@pytest.mark.parametrize(("placeholder", "expected"), [
    ("{{ lipsum() }}", "unknown placeholder 'lipsum'"),
    ("{{ lipsum(1, html=False) }}", "unknown placeholder 'lipsum'"),
    ("{{ [1, 2, 3] | random }}", "there is no filter named 'random'"),
    ("{{ range(5) | random }}", "there is no filter named 'random'"),
    ("{{ policy.payment.cards_direct | random }}", "there is no filter named 'random'"),
])
def test_content_cannot_use_helpers_that_differ_on_every_build(
        built_sample: Site, tmp_path: Path, placeholder: str, expected: str) -> None:
    site = copy_built(built_sample, tmp_path / "site")
    before = snapshot(site.out)
    assert before
    site.replace("content/en/receipts.md", "\n---\n", f"\n---\nSee {placeholder}.\n")
    result = site.build()
    assert result.code == 1
    assert "Traceback" not in result.stderr
    [problem] = [p for p in result.problems if "receipts.md" in p]
    assert problem.startswith("content/en/receipts.md:")
    assert expected in problem
    assert snapshot(site.out) == before


def test_the_theme_cannot_use_them_either(sample_site: Site) -> None:
    site = sample_site
    site.replace("theme/templates/base.html", "</body>", "{{ lipsum(1) }}</body>")
    result = site.build()
    assert result.code == 1
    assert "Traceback" not in result.stderr
    assert "lipsum" in result.stderr


# --- checkout depth ------------------------------------------------------------------


def _git(folder: Path, *args: str, date: str = "2025-01-01T10:00:00+09:00") -> str:
    env = {**os.environ, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date,
           "GIT_AUTHOR_NAME": "Editor", "GIT_AUTHOR_EMAIL": "editor@milamore.example",
           "GIT_COMMITTER_NAME": "Editor", "GIT_COMMITTER_EMAIL": "editor@milamore.example"}
    return subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True,
                          check=True, env=env).stdout


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A repository of the help center with four commits: everything (January), the
    receipts answer (March), the returns answer (June), then only site.yaml (September)."""
    repo = copy_sample(tmp_path_factory.mktemp("history") / "repo").root
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "everything", date="2025-01-15T10:00:00+09:00")
    for slug, date in (("receipts", "2025-03-20T10:00:00+09:00"),
                       ("returns-and-exchanges", "2025-06-05T10:00:00+09:00")):
        for lang in ("ja", "en"):
            path = repo / "content" / lang / f"{slug}.md"
            path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        _git(repo, "commit", "-qam", f"update {slug}", date=date)
    site_yaml = repo / "site.yaml"
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    _git(repo, "commit", "-qam", "settings", date="2025-09-01T10:00:00+09:00")
    return repo


def _clone(history: Path, target: Path, *depth: str) -> Site:
    subprocess.run(["git", "clone", "-q", *depth, f"file://{history}", str(target)],
                   check=True, capture_output=True)
    return Site(target)


def _updated(site: Site, slug: str) -> str:
    html = site.page(f"en/{slug}/index.html")
    found = re.search(r'<time datetime="([0-9-]+)"', html)
    assert found, f"{slug} shows no date"
    return found.group(1)


def test_a_full_clone_shows_the_date_each_answer_last_changed(history: Path,
                                                              tmp_path: Path) -> None:
    full = _clone(history, tmp_path / "full")
    assert full.build().code == 0
    assert _updated(full, "receipts") == "2025-03-20"
    assert _updated(full, "returns-and-exchanges") == "2025-06-05"
    assert _updated(full, "shipping-cost") == "2025-01-15"


@pytest.mark.parametrize("depth", ["1", "2", "3"])
def test_a_shallow_clone_asks_for_the_full_history(history: Path, tmp_path: Path,
                                                   depth: str) -> None:
    """Depth 1 is what actions/checkout gives by default: every date would be September's."""
    shallow = _clone(history, tmp_path / "shallow", "--depth", depth)
    for command in (["build", "--out", str(shallow.out)], ["check"]):
        result = shallow.run(*command)
        assert result.code == 1
        assert "Traceback" not in result.stderr
        [problem] = result.problems
        assert re.fullmatch(r"content/(ja|en)/[a-z0-9-]+\.md: this is a shallow clone of the "
                            r"git history .*\(fetch the whole history: git fetch --unshallow "
                            r"\(in GitHub Actions: actions/checkout with fetch-depth: 0\)\)",
                            problem), problem
    assert not shallow.out.exists()


def test_a_clone_made_whole_again_builds_the_same_site_as_a_full_clone(
        history: Path, tmp_path: Path) -> None:
    full = _clone(history, tmp_path / "full")
    shallow = _clone(history, tmp_path / "shallow", "--depth", "1")
    _git(shallow.root, "fetch", "-q", "--unshallow")
    assert full.build().code == 0 and shallow.build().code == 0
    assert snapshot(shallow.out) == snapshot(full.out)


def test_a_source_folder_without_git_shows_no_dates_rather_than_wrong_ones(
        built_sample: Site) -> None:
    """A copy or a downloaded archive has no history at all: no date is shown."""
    assert not (built_sample.root / ".git").exists()
    assert '<time datetime=' not in built_sample.page("en/receipts/index.html")
