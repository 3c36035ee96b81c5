"""Which source files changed, and when a burst of changes is over.

The preview polls the sources (site.yaml, content/, theme/, locales/) ten times a
second, never the output. Editors save in bursts (save-all, a git checkout, an editor
that writes a temporary file and renames it), so a rebuild waits until nothing has
changed for `quiet` seconds, or at most `longest` seconds after the first change. A
file whose bytes did not change (saved again as it was, `touch`) causes no rebuild:
stat tells what may have changed, a hash of the contents tells what did.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from helpcenter.load.source_files import ignored, read_source_bytes

WATCHED = ("site.yaml", "content", "theme", "locales")

Stat = tuple[int, int]  # (mtime in ns, size)


def scan(root: Path) -> dict[str, Stat]:
    """The stat of every watched source file, by path. Plain strings and os.scandir: this
    runs ten times a second, and on 2,000 entries Path objects made it five times slower."""
    found: dict[str, Stat] = {}
    folders = []
    for name in WATCHED:
        top = os.path.join(root, name)
        if os.path.isdir(top):
            folders.append(top)
        elif (stat := _stat(top)) is not None:
            found[top] = stat
    while folders:
        try:
            listing = os.scandir(folders.pop())
        except OSError:  # removed while we looked
            continue
        with listing:
            for item in listing:
                if ignored(item.name):
                    continue
                if item.is_dir(follow_symlinks=False):
                    folders.append(item.path)
                elif (stat := _stat(item)) is not None:
                    found[item.path] = stat
    return found


def _stat(path: str | os.DirEntry[str]) -> Stat | None:
    try:
        result = path.stat() if isinstance(path, os.DirEntry) else os.stat(path)
    except OSError:  # deleted between listing and stat
        return None
    return (result.st_mtime_ns, result.st_size)


def changed(before: dict[str, Stat], after: dict[str, Stat]) -> set[Path]:
    """Files added, removed or touched between two scans."""
    return {Path(path) for path in before.keys() | after.keys()
            if before.get(path) != after.get(path)}


def content_hash(path: Path) -> str | None:
    """A hash of the file's bytes; None when it does not exist. A file that cannot be
    read (a named pipe, a link to a device, a huge file) is never opened for long: it
    gets its problem as its "hash", so that saving it causes a build, which reports it."""
    data, problem = read_source_bytes(path, str(path))
    if problem is None:
        return hashlib.blake2b(data, digest_size=16).hexdigest()
    return None if not os.path.lexists(path) else f"unreadable: {problem.message}"


def hashes(paths: Iterable[Path]) -> dict[Path, str | None]:
    return {path: content_hash(path) for path in paths}


@dataclass
class Debounce:
    """Collects changed paths; `due` once they have settled."""

    quiet: float = 0.15
    longest: float = 2.0
    pending: set[Path] = field(default_factory=set)
    _first: float = 0.0
    _last: float = 0.0

    def note(self, paths: Iterable[Path], now: float) -> None:
        paths = set(paths)
        if not paths:
            return
        if not self.pending:
            self._first = now
        self.pending |= paths
        self._last = now

    def due(self, now: float) -> bool:
        return bool(self.pending) and (now - self._last >= self.quiet
                                       or now - self._first >= self.longest)

    def take(self) -> set[Path]:
        paths, self.pending = self.pending, set()
        return paths
