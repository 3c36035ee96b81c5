"""Stage 7: write the site atomically.

The output path (`public`) is a symbolic link to a sibling folder that holds one
complete site (`.public.site-XXXX`). A build writes the whole new site into
`.public.new-XXXX`, completes it (`finish`: the search index, made from the staged
pages), renames it to `.public.site-YYYY` and then switches the link with one
`os.replace` of a new link over the old one. A rename of a link is atomic, so at every
moment `public` is either the whole last site or the whole new one; a failed or killed
build leaves the link where it was. The folder the link left is deleted afterwards.

Builds of the same output hold a lock (flock on the parent folder) while they write, so
two builds never interleave, and under that lock whatever a killed build left behind
(`.public.new-*`, `.public.site-*` that the link does not point to, a half-made link)
is removed.

A folder or link is only ever replaced if this tool made it (it holds our marker file),
and never one that contains the sources. An output folder made by an older version of
this tool (a real folder, not a link) is turned into a link once: that one switch is
two renames, not one.
"""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from helpcenter.problems import BuildFailed, Problem

MARKER = ".milamore-helpcenter"
_STAGING, _SITE, _LINK, _RETIRED = "new", "site", "link", "old"


def output_problems(out: Path, root: Path) -> list[Problem]:
    """Refuse output paths that would destroy something that is not ours."""
    out, root = _absolute(out), root.resolve()
    resolved = out.resolve()
    if resolved == root or resolved in root.parents or any(
            resolved.is_relative_to(root / part) for part in ("content", "theme", "locales")):
        return [Problem(str(out), 0, "the output folder would contain or replace the sources",
                        "choose another folder with --out, such as public")]
    blocking = next((p for p in out.parents if p.exists() and not p.is_dir()), None)
    if blocking is not None:
        return [Problem(str(blocking), 0, "this is a file, but the output folder "
                        f"{out} would have to be inside it", "choose another --out folder, "
                        "or move the file away")]
    if out.is_symlink() and not _is_our_link(out):
        return [Problem(str(out), 0, f"this is a link to {os.readlink(out)}, which this tool "
                        "did not make, so it will not be replaced", "choose another --out "
                        "folder, or delete the link yourself")]
    if out.exists() and not (out / MARKER).exists() and (out.is_file() or any(out.iterdir())):
        return [Problem(str(out), 0, "this folder exists and was not made by this tool, so "
                        "it will not be replaced", "choose another --out folder, or empty "
                        "or delete this one yourself")]
    return []


def write_site(out: Path, files: dict[str, bytes],
               finish: Callable[[Path], None] | None = None,
               reuse: Mapping[str, Path] | None = None) -> None:
    """Write `files` as the new site at `out`, or leave `out` as it was. `reuse`: files
    whose bytes the published site already holds, linked from there instead of written
    (a hard link: the same bytes, nothing copied).

    Raises BuildFailed, naming the path and the reason, when the disk refuses (full,
    read-only, no permission).
    """
    out = _absolute(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with _locked(out.parent):
            remove_leftovers(out)
            _write_and_switch(out, files, finish, reuse or {})
    except OSError as error:
        if f"{os.sep}.{out.name}." in str(error.filename):  # our hidden folders: say `out`
            error.filename = None
        raise BuildFailed([disk_problem(error, out)]) from error


def _write_and_switch(out: Path, files: dict[str, bytes],
                      finish: Callable[[Path], None] | None, reuse: Mapping[str, Path]) -> None:
    staging = Path(tempfile.mkdtemp(prefix=_prefix(out, _STAGING), dir=out.parent))
    try:
        made: set[Path] = set()
        for relative, data in sorted(files.items()):
            target = staging / relative
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            if relative not in reuse or not _linked(reuse[relative], target):
                target.write_bytes(data)
        if finish is not None:
            finish(staging)
        (staging / MARKER).write_text("Made by build.py; replaced by every build.\n")
        os.chmod(staging, 0o755)
        complete = _unused_name(out, _SITE)
        staging.rename(complete)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _switch(out, complete)


def _linked(source: Path, target: Path) -> bool:
    try:
        os.link(source, target)
    except OSError:  # another disk, or links not allowed: write the bytes instead
        return False
    return True


def _switch(out: Path, complete: Path) -> None:
    """Point `out` at `complete` with one atomic rename, then delete the previous site."""
    previous = out.parent / os.readlink(out) if out.is_symlink() else None
    link = _unused_name(out, _LINK)
    retired = None
    try:
        link.symlink_to(complete.name, target_is_directory=True)
        if out.is_dir() and not out.is_symlink():  # made by an older version, or empty
            retired = previous = _unused_name(out, _RETIRED)
            out.rename(retired)
        os.replace(link, out)
    except BaseException:
        if retired is not None and not out.exists():
            retired.rename(out)
        link.unlink(missing_ok=True)
        shutil.rmtree(complete, ignore_errors=True)
        raise
    if previous is not None and previous != complete:
        shutil.rmtree(previous, ignore_errors=True)


def remove_leftovers(out: Path) -> list[Path]:
    """Delete what killed builds left beside `out`: every `.out.new-*`, `.out.old-*`,
    `.out.link-*`, and `.out.site-*` that `out` does not point to. Call it only while
    holding the lock: a running build's staging folder looks the same."""
    current = (out.parent / os.readlink(out)).name if out.is_symlink() else None
    removed = []
    prefixes = tuple(_prefix(out, kind) for kind in (_STAGING, _RETIRED, _LINK, _SITE))
    for path in sorted(out.parent.iterdir()):
        if path.name.startswith(prefixes) and path.name != current:
            if path.is_symlink() or not path.is_dir():
                path.unlink(missing_ok=True)
            else:
                shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """One build at a time writes into `folder` (released when the process dies)."""
    handle = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)


def _is_our_link(out: Path) -> bool:
    target = os.readlink(out)
    return "/" not in target and target.startswith(_prefix(out, _SITE))


def _prefix(out: Path, kind: str) -> str:
    return f".{out.name}.{kind}-"


def _unused_name(out: Path, kind: str) -> Path:
    """A fresh name beside `out` (mkdtemp's randomness, without keeping the folder)."""
    made = Path(tempfile.mkdtemp(prefix=_prefix(out, kind), dir=out.parent))
    made.rmdir()
    return made


def _absolute(path: Path) -> Path:
    """Absolute, with `..` folded, but the last part not followed if it is a link."""
    return Path(os.path.abspath(path))


_DISK_ERRORS = {
    errno.ENOSPC: ("the disk is full", "free some space on the disk, then build again"),
    errno.EDQUOT: ("the disk quota is used up", "free some space, then build again"),
    errno.EFBIG: ("a file is larger than this system allows (ulimit -f)",
                  "raise the file size limit, or free space, then build again"),
    errno.EROFS: ("the disk is read-only", "choose a writable folder with --out"),
    errno.EACCES: ("permission denied", "choose a folder you may write to with --out, "
                   "or change the folder's permissions"),
    errno.EPERM: ("permission denied", "choose a folder you may write to with --out, "
                  "or change the folder's permissions"),
    errno.ENOTDIR: ("a file is in the way where a folder should be",
                    "move the file away, or choose another folder with --out"),
    errno.EEXIST: ("a file is in the way where a folder should be",
                   "move the file away, or choose another folder with --out"),
    errno.ENAMETOOLONG: ("a file name is too long for this disk",
                         "choose a shorter --out folder or shorter file names"),
}


def disk_problem(error: OSError, fallback: Path, action: str = "cannot write") -> Problem:
    """An OSError as `path: what (fix)`, in words, never a traceback."""
    what, fix = _DISK_ERRORS.get(error.errno or 0, (error.strerror or str(error),
                                                    "check the disk and the folder, then "
                                                    "build again"))
    return Problem(str(error.filename or fallback), 0, f"{action}: {what}", fix)
