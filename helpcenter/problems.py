"""Problems found in the sources, reported as `path:line: what is wrong (how to fix)`.

Every stage collects problems in a list instead of stopping at the first one, so an
editor with three mistakes learns all three from one run. The build stops at the end of
a stage when the list is not empty.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    message: str
    fix: str = ""
    warning: bool = False

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        text = f"{where}: {self.message}"
        text = f"{text} ({self.fix})" if self.fix else text
        return text.replace("\r", "\\r").replace("\n", "\\n")  # one problem, one line


class BuildFailed(Exception):  # noqa: N818 (it is the outcome, not a bug)
    """Raised at a stage boundary when that stage found problems."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(set(problems))
        super().__init__("\n".join(str(p) for p in self.problems))


def stop_if_any(problems: list[Problem]) -> None:
    errors = [p for p in problems if not p.warning]
    if errors:
        raise BuildFailed(errors)


def display_path(path: Path, root: Path) -> str:
    """The path as an editor knows it: relative to the project when possible. A link is
    named by its own name, not by the file it points to (which may be anywhere)."""
    for shown, base in ((Path(os.path.abspath(path)), Path(os.path.abspath(root))),
                        (path.resolve(), root.resolve())):
        try:
            return shown.relative_to(base).as_posix()
        except ValueError:
            continue
    return str(path)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`did you mean 'x'?` when a close match exists, else the list of valid choices."""
    options = sorted(choices)
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    return "use one of: " + ", ".join(options) if options else "none are defined"
