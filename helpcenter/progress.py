"""What the command line prints while and after it works: progress, problems, a summary.

Three levels: `--quiet` prints only problems (errors and warnings), the default adds
a short summary, `--verbose` adds the time of every stage. A stage that takes longer
than a second is announced on a terminal as it starts, so a long build is never silent.
Problems go to stderr, everything else to stdout.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TextIO

from helpcenter.problems import Problem

QUIET, NORMAL, VERBOSE = 0, 1, 2
_ANNOUNCE_AFTER = 1.0  # seconds


@dataclass
class Reporter:
    level: int = NORMAL
    out: TextIO = field(default_factory=lambda: sys.stdout)
    err: TextIO = field(default_factory=lambda: sys.stderr)
    _stage: str = ""
    _started: float = field(default_factory=time.perf_counter)
    timings: dict[str, float] = field(default_factory=dict)

    def info(self, text: str) -> None:
        if self.level >= NORMAL:
            print(text, file=self.out, flush=True)

    def detail(self, text: str) -> None:
        if self.level >= VERBOSE:
            print(text, file=self.out, flush=True)

    def problems(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            print(problem_line(problem), file=self.err, flush=True)

    def stage(self, name: str) -> None:
        """Called by the pipeline as each stage starts (and with "" at the end)."""
        now = time.perf_counter()
        if self._stage:
            self.timings[self._stage] = self.timings.get(self._stage, 0) + now - self._started
            self.detail(f"  {self._stage:<10} {now - self._started:6.2f} s")
        self._stage, self._started = name, now
        if name and self.level >= NORMAL and self.out.isatty() and \
                sum(self.timings.values()) > _ANNOUNCE_AFTER:
            print(f"  {name}…", file=self.out, flush=True)

    def done(self) -> None:
        self.stage("")


def problem_line(problem: Problem) -> str:
    """`path:line: message (fix)`, with `warning: ` after the place for warnings, so that
    editors' tools that jump to `path:line:` still find it."""
    text = str(problem)
    if not problem.warning:
        return text
    where = f"{problem.path}:{problem.line}" if problem.line else problem.path
    return f"{where}: warning: {text[len(where) + 2:]}"


def summary_table(pages: Mapping[str, int], other_pages: int, files: int,
                  warnings: int, seconds: float, action: str) -> str:
    """The few lines a build ends with: pages per language, then files, warnings, time."""
    width = max([len(f"{count:,}") for count in pages.values()] + [len(str(other_pages)), 5])
    rows = [f"  {'pages':>{width}}  language"]
    rows += [f"  {count:>{width},}  {lang}" for lang, count in pages.items()]
    if other_pages:
        rows.append(f"  {other_pages:>{width},}  (all languages: language chooser, 404)")
    noun = "warning" if warnings == 1 else "warnings"
    tail = f"{warnings} {noun}" if warnings else "no warnings"
    rows.append(f"{action} in {seconds:.2f} s: {files:,} files, {tail}.")
    return "\n".join(rows)
