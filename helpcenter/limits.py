"""Limits on the work one page may cause, and the means to enforce them.

The numbers (how big a value, how many steps, how long) and the tools that enforce them:
`Budget` counts one page's steps and output and checks a wall-clock deadline;
`time_limit` stops Python code we do not own (Python-Markdown, PyYAML) after some seconds;
`StoppableThread` lets the live preview stop a build at its next check. The content sandbox
that uses them is sandbox_limits.py; source files are read within limits by source_files.py.
"""

from __future__ import annotations

import contextlib
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from jinja2 import TemplateRuntimeError

# One page's budget. The real answers use no loop, output a few kilobytes and run a dozen
# filters; these are a hundred times what a long hand-written answer could need.
MAX_TEXT = 100_000        # characters in one value that an operator or a filter makes
MAX_ITEMS = 10_000        # items in one list that an operator makes; range(); counts
MAX_INT_BITS = 4_000      # a number of about 1,200 digits
MAX_STEPS = 200_000       # loop iterations + calls + filters in one page
MAX_OUTPUT = 2_000_000    # characters one page's placeholders and loops may write
MAX_DEPTH = 40            # macros calling macros
SECONDS = 10.0            # backstop: wall-clock time to fill one page's placeholders
MARKDOWN_SECONDS = 5.0    # wall-clock time to turn one answer's Markdown into HTML
YAML_SECONDS = 5.0        # wall-clock time to read one YAML text (the real ones: 0.05 s)

class LimitExceeded(TemplateRuntimeError):  # noqa: N818 (like Jinja's own errors)
    """A placeholder asked for more work than a page may take: reported, with its line."""

    def __init__(self, what: str, fix: str) -> None:
        super().__init__(what)
        self.what, self.fix = what, fix
        self.line: int | None = None  # in the template, when not in the traceback


def template_line(error: BaseException) -> int:
    """The line, in the template, of the placeholder that went over a limit (Jinja puts
    the template's frames into the traceback; the deepest one is where it happened)."""
    line = getattr(error, "line", None)
    if line:
        return line
    lines = template_lines(error)
    return lines[-1] if lines else 1


def template_lines(error: BaseException, filename: str | None = None) -> list[int]:
    """The template lines in a traceback: Jinja's frames, or the frames it rewrote to carry
    the template's file name (`filename`, or "<template>" for a template without one)."""
    names = {"<template>", filename}
    return [line for frame, line in traceback.walk_tb(error.__traceback__)
            if frame.f_code.co_filename in names or "__jinja_template__" in frame.f_globals]


class StoppableThread(threading.Thread):
    """A daemon thread (the process never waits for it to exit) whose renders stop at
    their next step once `stop()` is called."""

    def __init__(self, target: Callable[[], None]) -> None:
        super().__init__(target=target, daemon=True, name="preview-build")
        self.stopping = threading.Event()

    def stop(self) -> None:
        self.stopping.set()


@dataclass
class Budget:
    """What one page has used so far."""

    seconds: float = SECONDS
    steps: int = 0
    output: int = 0
    depth: int = 0
    deadline: float = field(default=0.0)

    def __post_init__(self) -> None:
        self.deadline = time.monotonic() + self.seconds

    def step(self, cost: int = 1) -> None:
        self.steps += cost
        if self.steps > MAX_STEPS:
            raise LimitExceeded(f"the placeholders of this answer take more than "
                                f"{MAX_STEPS:,} steps (loops, calls and filters)",
                                "a loop probably runs far more often than meant; an answer "
                                "needs only a few placeholders")
        if time.monotonic() > self.deadline:
            raise LimitExceeded(f"the placeholders of this answer take more than "
                                f"{self.seconds:g} seconds", "remove the loop or the "
                                "placeholder that repeats work")
        stopping = getattr(threading.current_thread(), "stopping", None)
        if stopping is not None and stopping.is_set():
            raise LimitExceeded("the build was stopped", "a newer save is being built")

    def write(self, characters: int) -> None:
        self.output += characters
        if self.output > MAX_OUTPUT:
            raise LimitExceeded(f"the placeholders of this answer write more than "
                                f"{MAX_OUTPUT:,} characters", "a loop or a repeated text "
                                "probably makes far more than meant")


class _OutOfTime(BaseException):
    """Raised inside Python-Markdown; a BaseException so that no `except Exception` in a
    library can swallow it and carry on."""


@contextlib.contextmanager
def time_limit(seconds: float, what: str, fix: str) -> Iterator[None]:
    """Stops the Python code run inside after `seconds`, or when the preview stops this
    build, with LimitExceeded(f"{what} takes more than … seconds", fix).

    For code we do not own (Python-Markdown: a body of 50,000 '[' or of 20,000 headings
    takes minutes, a list indented 10,000 times overflows the stack; PyYAML: a megabyte of
    values takes ten seconds to compose before it can be counted): a profile hook, which
    Python calls on every function call in this thread only, checks the clock every 256
    calls. It costs about 2 ms per answer of the real help center.
    """
    deadline = time.monotonic() + seconds
    stopping = getattr(threading.current_thread(), "stopping", None)
    calls = 0

    def check(_frame: Any, _event: str, _arg: Any) -> None:
        nonlocal calls
        calls += 1
        if calls % 256 == 0 and (time.monotonic() > deadline
                                 or (stopping is not None and stopping.is_set())):
            raise _OutOfTime

    before = sys.getprofile()
    sys.setprofile(check)
    try:
        yield
    except _OutOfTime:
        raise LimitExceeded(f"{what} takes more than {seconds:g} seconds", fix) from None
    except RecursionError:
        raise LimitExceeded(f"{what} is nested too deeply", "lists, quotes or brackets "
                            "inside each other are limited to a few levels") from None
    finally:
        sys.setprofile(before)


def too_big(what: str) -> LimitExceeded:
    return LimitExceeded(f"{what}: too much for one answer",
                         "write the text out, or repeat it fewer times")


def size(value: Any, limit: int = MAX_OUTPUT) -> int:
    """About how many characters `value` is as text, counted only up to `limit`: a list
    can hold the same long text ten thousand times without being big itself."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, int):
        return value.bit_length() // 3 + 1
    if isinstance(value, Mapping):
        value = [*value.keys(), *value.values()]
    if not isinstance(value, (list, tuple, set, frozenset)):
        return 8
    total = 2
    for item in value:
        total += size(item, limit - total) + 2
        if total > limit:
            break
    return total
