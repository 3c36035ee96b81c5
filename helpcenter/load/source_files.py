"""Reading a source file an editor saved: regular files only, and only so much of them.

Every source the build reads (site.yaml, policies.yaml, entries, catalogs) comes through
here. A named pipe where an entry is expected would block a plain `open()` forever, a
symbolic link to /dev/zero would be read forever, and a file of gigabytes would be read
into memory before anything could complain. So the file is opened without blocking,
checked with `fstat` on the open descriptor (not a `stat` before opening, which a file
swapped in between would get past), and read up to one byte more than the limit.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from helpcenter.problems import Problem

# The largest source file the build reads. The help center's biggest file is a few
# kilobytes; a megabyte is a book's worth of text, so a bigger file is a mistake (a
# pasted log, an image saved as .md), and reading it could exhaust the memory.
MAX_SOURCE_BYTES = 1_000_000
# Editors' temporary and backup files, and files the build never reads.
_IGNORED_SUFFIXES = (".swp", ".swo", ".swx", ".tmp", ".bak", ".orig", ".pot", ".mo", ".pyc", "~")
_IGNORED_NAMES = frozenset({"4913", "__pycache__"})  # 4913: vim's write test



def ignored(name: str) -> bool:
    """An editor's lock, backup or swap file, or a file the build never reads: skipped by
    the build and by the preview's watcher alike."""
    return (name.startswith((".", "#")) or name.endswith(_IGNORED_SUFFIXES)
            or name in _IGNORED_NAMES)


def read_source_bytes(path: Path, shown: str,
                      limit: int = MAX_SOURCE_BYTES) -> tuple[bytes, Problem | None]:
    """The bytes of a regular file of at most `limit` bytes, or a problem naming it."""
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:  # a socket cannot be opened at all: say what it is
        kind = _special_kind(os.stat(path).st_mode) if os.path.exists(path) else ""
        return b"", _special(kind, shown) if kind else _unreadable(error, shown)
    try:
        kind = _special_kind(os.fstat(handle).st_mode)
        if kind:
            return b"", _special(kind, shown)
        data = _read_at_most(handle, limit + 1)
    except OSError as error:
        return b"", _unreadable(error, shown)
    finally:
        os.close(handle)
    if len(data) > limit:
        return b"", Problem(shown, 0, f"this file is larger than {limit:,} bytes",
                            "a help-center source is a few kilobytes; check that the right "
                            "file was saved here, or split it")
    return data, None


def read_source_text(path: Path, shown: str,
                     limit: int = MAX_SOURCE_BYTES) -> tuple[str, Problem | None]:
    """The text of a UTF-8 source file (a byte-order mark is dropped), or a problem."""
    data, problem = read_source_bytes(path, shown, limit)
    if problem:
        return "", problem
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return "", Problem(shown, line, "this file is not saved as UTF-8",
                           "save it again with the encoding UTF-8")


def _read_at_most(handle: int, size: int) -> bytes:
    chunks: list[bytes] = []
    remaining = size
    while remaining > 0:
        chunk = os.read(handle, min(remaining, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _special_kind(mode: int) -> str:
    """'' for a regular file, else what it is, in words."""
    kinds = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
             (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"),
             (stat.S_ISSOCK, "a socket"))
    return next((name for test, name in kinds if test(mode)), "" if stat.S_ISREG(mode)
                else "a special file")


def _special(kind: str, shown: str) -> Problem:
    return Problem(shown, 0, f"this is {kind}, not a file the build can read",
                   "replace it with a text file, or delete it")


def _unreadable(error: OSError, shown: str) -> Problem:
    if error.errno == errno.ENOENT:
        return Problem(shown, 0, "this file does not exist (or is a link to nothing)",
                       "create it, or fix the link")
    return Problem(shown, 0, f"this file cannot be read: {error.strerror or error}",
                   "check that it exists and that you may read it")
