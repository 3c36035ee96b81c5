"""Stage 7: write the site atomically.

The whole site is written into a new sibling folder, then swapped in with two
renames. A failed or killed build leaves the last good site where it was. A folder
is only ever replaced if this tool made it (it holds our marker file), and never
one that contains the sources. `finish`, if given, completes the staged folder before
the swap (the search index is made from the staged pages); if it fails, nothing is
swapped in.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from .problems import Problem

MARKER = ".milamore-helpcenter"


def output_problems(out: Path, root: Path) -> list[Problem]:
    """Refuse output folders that would destroy something that is not ours."""
    out, root = out.resolve(), root.resolve()
    if out == root or out in root.parents or out.is_relative_to(root / "content") \
            or out.is_relative_to(root / "theme") or out.is_relative_to(root / "locales"):
        return [Problem(str(out), 0, "the output folder would contain or replace the sources",
                        "choose another folder with --out, such as public")]
    if out.exists() and not (out / MARKER).exists() and (out.is_file() or any(out.iterdir())):
        return [Problem(str(out), 0, "this folder exists and was not made by this tool, so "
                        "it will not be replaced", "choose another --out folder, or empty "
                        "or delete this one yourself")]
    return []


def write_site(out: Path, files: dict[str, bytes],
               finish: Callable[[Path], None] | None = None) -> None:
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        for relative, data in sorted(files.items()):
            target = staging / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        if finish is not None:
            finish(staging)
        (staging / MARKER).write_text("Made by build.py; replaced by every build.\n")
        os.chmod(staging, 0o755)
        _swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _swap(staging: Path, out: Path) -> None:
    if not out.exists():
        staging.rename(out)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
    retired.rmdir()
    out.rename(retired)
    staging.rename(out)
    shutil.rmtree(retired, ignore_errors=True)
