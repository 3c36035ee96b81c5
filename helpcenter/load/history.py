"""What changed in a source entry since it was translated, from git history.

A translation records only a hash of the source version it was made from, so the old
text itself is found in git: the newest committed version of the source file whose hash
matches is compared with the file as it is now. Without git, or when no committed
version matches, the caller says that the text changed without showing how.
"""

from __future__ import annotations

import difflib
import subprocess
from collections.abc import Callable
from pathlib import Path

from helpcenter.problems import BuildFailed, Problem

_GIT_TIMEOUT = 10
_MAX_VERSIONS = 50


def changes_since(root: Path, relative: str, recorded: str, current_text: str,
                  hash_of: Callable[[str], str | None], max_lines: int = 12) -> list[str] | None:
    """Diff lines (`- old`, `+ new`) from the version whose hash is `recorded` to now.

    None when git is not available, the file is not in a repository, or no committed
    version of it has that hash.
    """
    old = _version_with_hash(root, relative, recorded, hash_of)
    if old is None:
        return None
    diff = [line for line in difflib.unified_diff(_body(old), _body(current_text), n=0,
                                                  lineterm="")
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    if len(diff) > max_lines:
        diff = [*diff[:max_lines], f"… and {len(diff) - max_lines} more changed lines"]
    return [f"{line[0]} {line[1:]}" if line[:1] in "+-" else line for line in diff]


def last_changed(root: Path) -> dict[str, str]:
    """The date (ISO) of the last commit that changed each file under content/, from one
    `git log`; empty without git. Shown to readers as the entry's "last updated" date, so
    it is the same in every build of the same commit.

    A shallow clone (`git clone --depth N`, what CI checkouts are by default) ends at
    commits whose parents are missing: such a commit seems to add every file, so its date
    would be shown for every entry not changed since. When a file that exists is dated
    by such a commit, the build stops and asks for the full history (BuildFailed) rather
    than publish wrong dates; a shallow clone deep enough to hold every entry's last
    change builds the same site as a full one.
    """
    log = _git(root, "log", "--format=%x00%H %cs", "--name-only", "--relative", "--",
               "content")
    cut = _shallow_boundary(root)
    dates: dict[str, str] = {}
    unknown: set[str] = set()
    for block in (log or "").split("\0")[1:]:
        head, *files = block.strip().split("\n")
        commit, date = head.split(" ")
        for name in (name.strip() for name in files if name.strip()):
            if name not in dates and name not in unknown:
                if commit in cut:
                    unknown.add(name)
                else:
                    dates[name] = date
    _stop_if_history_is_cut(root, unknown)
    return dates


def _shallow_boundary(root: Path) -> frozenset[str]:
    """The commits at which a shallow clone's history is cut (empty in a full clone)."""
    if (_git(root, "rev-parse", "--is-shallow-repository") or "").strip() != "true":
        return frozenset()
    shallow = (_git(root, "rev-parse", "--git-path", "shallow") or "").strip()
    path = Path(shallow) if Path(shallow).is_absolute() else root / shallow
    try:
        return frozenset(path.read_text(encoding="ascii").split())
    except (OSError, UnicodeDecodeError):
        return frozenset()


def _stop_if_history_is_cut(root: Path, unknown: set[str]) -> None:
    missing = sorted(name for name in unknown
                     if name.endswith(".md") and (root / name).is_file())
    if missing:
        raise BuildFailed([Problem(
            missing[0], 0, f"this is a shallow clone of the git history (git clone --depth), "
            f"so the date of the last change of {len(missing)} file(s) in content/ is not "
            "known, and every page shows its \"last updated\" date",
            "fetch the whole history: git fetch --unshallow (in GitHub Actions: "
            "actions/checkout with fetch-depth: 0)")])


def _body(text: str) -> list[str]:
    """The lines that make up the hash: front matter's title/description and the body."""
    lines = text.replace("\r\n", "\n").split("\n")
    closing = next((i for i, line in enumerate(lines[1:], start=1) if line.rstrip() == "---"),
                   0)
    front = [line for line in lines[1:closing] if line.startswith(("title:", "description:"))]
    return [line.rstrip() for line in front + lines[closing + 1:] if line.strip()]


def _version_with_hash(root: Path, relative: str, recorded: str,
                       hash_of: Callable[[str], str | None]) -> str | None:
    commits = _git(root, "log", f"-n{_MAX_VERSIONS}", "--format=%H", "--", relative)
    for commit in (commits or "").split():
        text = _git(root, "show", f"{commit}:./{relative}")
        if text is not None and hash_of(text) == recorded:
            return text
    return None


def _git(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True,
                              timeout=_GIT_TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    return done.stdout.decode("utf-8", errors="replace")


def history_state(root: Path) -> str:
    """What the dates of `last_changed` depend on: the commit checked out, whether the
    history is shallow, and the replacements (`git replace`) that `git log` follows
    ("" without git)."""
    head = _git(root, "rev-parse", "HEAD", "--is-shallow-repository") or ""
    replaced = _git(root, "for-each-ref", "--format=%(objectname) %(refname)",
                    "refs/replace/") or ""
    return (head + replaced).strip()
