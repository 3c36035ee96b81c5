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
    it is the same in every build of the same commit."""
    log = _git(root, "log", "--format=%x00%cs", "--name-only", "--relative", "--", "content")
    dates: dict[str, str] = {}
    for block in (log or "").split("\0")[1:]:
        date, *files = block.strip().split("\n")
        for name in files:
            dates.setdefault(name.strip(), date)
    return dates


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
