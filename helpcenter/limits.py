"""Limits on the work one page may cause, and the means to enforce them.

The numbers (how big a value, how many steps, how long) and the tools that enforce them:
`Budget` counts one page's steps and output and checks a wall-clock deadline;
`within_time` stops Python code we do not own (Python-Markdown, PyYAML) after some seconds;
`StoppableThread` lets the live preview stop a build at its next check. The content sandbox
that uses them is sandbox_limits.py; source files are read within limits by source_files.py.
"""

from __future__ import annotations

import ctypes
import gc
import os
import sys
import threading
import time
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from jinja2 import TemplateRuntimeError

T = TypeVar("T")

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
    """Raised inside Python-Markdown or PyYAML by the watchdog; a BaseException so that no
    `except Exception` in a library can swallow it and carry on."""


@dataclass(eq=False)
class _Watch:
    thread: int
    deadline: float
    stopping: threading.Event | None
    fired: float = 0.0   # when the stop was last raised (0: never)
    retry: float = 0.0   # when to try again a stop put off (0: none is)


class _Watchdog:
    """One thread per process that raises _OutOfTime in a thread whose `within_time` is
    over, through CPython's PyThreadState_SetAsyncExc (the exception is raised in that
    thread at its next Python instruction). The watched code runs at full speed: a
    profile hook that looked at the clock cost Markdown twice its own time.

    An exception raised while the thread runs a garbage-collector callback or a `__del__`
    is printed and dropped by Python: the stop waits until the thread is out of one
    (_would_be_dropped), and is raised again every `AGAIN` seconds until the block has
    ended, should it be dropped all the same."""

    POLL = 0.05    # how often a build the preview stops is looked at
    AGAIN = 0.02   # how long after a stop that did not end the block it is raised again
    SOON = 0.001   # how long a stop waits while the thread is where it would be dropped

    def __init__(self) -> None:
        # add() and release() take the plain lock: a Condition's __enter__ is Python code,
        # where a stop could land after the lock was taken and before the `with` could
        # give it back (a stop that lands in release() is taken back by its caller).
        self.mutex = threading.Lock()
        self.lock = threading.Condition(self.mutex)
        self.watches: set[_Watch] = set()
        self.pid = os.getpid()
        threading.Thread(target=self._run, daemon=True, name="time-limit").start()

    @staticmethod
    def new_watch(seconds: float) -> _Watch:
        current = threading.current_thread()
        return _Watch(current.ident or 0, time.monotonic() + seconds,
                      getattr(current, "stopping", None))

    def add(self, watch: _Watch) -> None:
        with self.mutex:
            self.watches.add(watch)
            self.lock.notify()

    def release(self, watch: _Watch) -> None:
        """Stop watching; an exception fired but not yet raised is taken back."""
        with self.mutex:
            self.watches.discard(watch)
            if watch.fired:
                _set_async_exception(watch.thread, None)

    def _run(self) -> None:
        with self.lock:
            while True:
                now = time.monotonic()
                for watch in self.watches:
                    if now < self._due(watch) and (watch.fired or watch.stopping is None
                                                   or not watch.stopping.is_set()):
                        continue
                    if _would_be_dropped(watch.thread, self.release):
                        watch.retry = now + self.SOON
                    else:
                        watch.fired, watch.retry = now, 0.0
                        _set_async_exception(watch.thread, _OutOfTime)
                self.lock.wait(self._next_look(now))

    def _due(self, watch: _Watch) -> float:
        if watch.retry:
            return watch.retry
        return watch.fired + self.AGAIN if watch.fired else watch.deadline

    def _next_look(self, now: float) -> float | None:
        """Seconds until a watch is due (None: there is no watch)."""
        if not self.watches:
            return None
        return max(0.0, min([self._due(w) - now for w in self.watches]
                            + [self.POLL for w in self.watches
                               if w.stopping is not None and not w.fired]))


def _would_be_dropped(thread: int, release: Callable[..., None]) -> bool:
    """Whether an exception raised in the thread now would be printed and dropped by
    Python instead of stopping its work: the thread is in a garbage-collector callback, a
    `__del__` method or sys.unraisablehook; or it is releasing its watch after a stop.
    (The watchdog holds the GIL: the thread waits for it at the very line where the
    exception would be raised.) Hypothesis installs a gc callback; with a slow one, nine
    stops in ten landed there on a busy machine."""
    frame = sys._current_frames().get(thread)
    dropping = {_code(hook) for hook in (*gc.callbacks, sys.unraisablehook, release)}
    while frame is not None:
        if frame.f_code in dropping or frame.f_code.co_name == "__del__":
            return True
        frame = frame.f_back
    return False


def _code(function: object) -> object:
    """The code object of a function, method or functools.partial (None if none)."""
    function = getattr(function, "func", function)
    return getattr(getattr(function, "__func__", function), "__code__", None)


def _set_async_exception(thread: int, kind: type[BaseException] | None) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread),
                                               ctypes.py_object(kind) if kind else None)


_watchdogs: list[_Watchdog] = []   # this process's watchdog, started when first needed
_starting = threading.Lock()


def _watchdog() -> _Watchdog:
    with _starting:
        if not _watchdogs or _watchdogs[-1].pid != os.getpid():  # a forked process
            _watchdogs[:] = [_Watchdog()]                        # has no thread yet
        return _watchdogs[-1]


def within_time(seconds: float, what: str, fix: str, work: Callable[[], T]) -> T:
    """`work()`, stopped after `seconds` (or when the preview stops this build) with
    LimitExceeded(f"{what} takes more than … seconds", fix).

    For code we do not own (Python-Markdown: a body of 50,000 '[' or of 20,000 headings
    takes minutes, a list indented 10,000 times overflows the stack; PyYAML: a megabyte of
    values takes ten seconds to compose before it can be counted): a watchdog thread
    raises an exception in the thread when its time is up (_Watchdog).

    A function and not a `with` block: the stop can be raised at any call, including the
    first line of a context manager's `__exit__`, where nothing could catch it and the
    watch would never be released. Here every call that can meet the stop is inside a
    `try` of this frame.
    """
    watchdog = _watchdog()
    watch = watchdog.new_watch(seconds)   # not watched yet: nothing can be raised for it
    try:
        try:
            watchdog.add(watch)
            return work()
        finally:
            watchdog.release(watch)
    except _OutOfTime:   # in the work, or as it finished: either way its time was up
        try:             # released if the stop came before `release` took the lock; a
            watchdog.release(watch)      # second stop comes only AGAIN seconds later
        except _OutOfTime:
            watchdog.release(watch)
        raise LimitExceeded(f"{what} takes more than {seconds:g} seconds", fix) from None
    except RecursionError:
        raise LimitExceeded(f"{what} is nested too deeply", "lists, quotes or brackets "
                            "inside each other are limited to a few levels") from None


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
