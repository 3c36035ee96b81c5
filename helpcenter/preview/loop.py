"""What the live preview does while it runs: watch, rebuild, report, reload, re-index.

Ten times a second the sources are scanned (watch.py); once a burst of changes has
settled, one rebuild runs in a worker thread (preview.py) while the server keeps
serving the last good site. Its outcome is printed in the terminal (one line per build,
then its problems), published to the browser overlay through `PreviewState.status`,
and open pages are told to reload. Once the editor pauses (`INDEX_AFTER_SECONDS` without
a save or a build), the search index is made again in a second thread (preview/search.py):
made while the next save is built, it would take the processor from that build. The
memory earlier builds left is freed then too (`settle_memory`).

A runaway build (content that makes a page do far too much work, see limits.py) never
holds the preview: while a build runs, the status says "building", and after
`SLOW_SECONDS` the terminal and the overlay say that it is slow; the next save stops it
(`StoppableThread`: the render stops at its next step) and is built instead; and the
build thread is a daemon, so one Ctrl+C ends the process even while a build runs.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import gc
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from livereload.handlers import LiveReloadHandler
from tornado.ioloop import IOLoop, PeriodicCallback
from tornado.websocket import WebSocketClosedError

from helpcenter.limits import StoppableThread
from helpcenter.preview.builder import Outcome, PreviewBuilder
from helpcenter.preview.search import SearchIndex
from helpcenter.preview.watch import Debounce, changed, scan
from helpcenter.problems import BuildFailed, Problem, display_path
from helpcenter.progress import Reporter
from helpcenter.render.pages import Page

POLL_SECONDS = 0.1
SLOW_SECONDS = 2.0   # a build running longer is reported, and stopped by the next save
INDEX_AFTER_SECONDS = 1.0   # the search index is made again after this long without a save


@dataclass
class PreviewState:
    """What the HTTP handlers serve: the last good site, its search index, and the status
    of the last build."""

    files: dict[str, bytes] = field(default_factory=dict)
    status: dict[str, Any] = field(default_factory=lambda: {
        "state": "building", "generation": 0, "problems": [], "warnings": []})
    finished: dict[str, Any] = field(default_factory=dict)  # the status of the last build
    _site: dict[str, bytes] = field(default_factory=dict)
    _search: dict[str, bytes] = field(default_factory=dict)

    def record(self, outcome: Outcome, files: dict[str, bytes]) -> None:
        if outcome.ok:
            self._site = files
            self.files = {**self._search, **files}
        problems = [str(p) for p in outcome.problems]
        count = _count(len(problems), "problem")
        self.status = {
            "state": "ok" if outcome.ok else "failed", "notice": "",
            "generation": self.status["generation"] + 1,
            "problems": problems,
            "warnings": [str(p) for p in outcome.warnings],
            "headline": f"The last change has {count}; this is the last good preview"
                        if self.files else f"The preview cannot be built: {count}",
            "warnings_headline": "Warnings (the site builds; check --strict fails on these)",
        }
        self.finished = self.status

    def building(self, sources: list[str], slow_for: float = 0.0) -> None:
        """A build is running (for `slow_for` seconds, once it is slow): never "ok"."""
        notice = (f"Still rebuilding after {slow_for:.0f} s ({', '.join(sources[:3])}): a "
                  "placeholder probably repeats far more work than meant. Saving a fix "
                  "stops this build.") if slow_for else ""
        self.status = {**(self.finished or self.status), "state": "building", "notice": notice}

    def idle(self) -> None:
        """No build runs any more (skipped, or stopped): the last build's status again."""
        self.status = self.finished or self.status

    def search_index(self, files: dict[str, bytes]) -> None:
        self._search = files
        self.files = {**files, **self._site}


class Loop:
    """Polls the sources, debounces, runs one build at a time in a worker thread, and
    refreshes the search index in another after each good build."""

    def __init__(self, root: Path, builder: PreviewBuilder, state: PreviewState,
                 reporter: Reporter) -> None:
        self.root, self.builder, self.state, self.reporter = root, builder, state, reporter
        self.debounce = Debounce()
        self.seen = scan(root)
        self.build: StoppableThread | None = None
        self.build_started = 0.0
        self.build_sources: list[str] = []
        self.slow_reported = False
        self.search = SearchIndex()
        self.indexer = concurrent.futures.ThreadPoolExecutor(max_workers=1)
        self.indexing = self.index_again = False
        self.index_due = 0.0   # when the search index is to be made again (0: it is not)
        self.search_problem = ""
        self.timer = PeriodicCallback(self.poll, POLL_SECONDS * 1000)

    def start(self) -> None:
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        if self.build is not None:  # a daemon thread: the process does not wait for it
            self.build.stop()
        self.indexer.shutdown(wait=True, cancel_futures=True)  # it writes the search folder
        self.search.close()

    def poll(self) -> None:
        now = time.monotonic()
        current = scan(self.root)
        self.debounce.note(changed(self.seen, current), now)
        self.seen = current
        if self.build is not None:
            self._watch_build(now)
        elif self.debounce.due(now):
            self._start_build(self.debounce.take(), now)
        elif self.index_due and now >= self.index_due and not self.debounce.pending:
            self.index_due = 0.0
            settle_memory()
            self.reindex()

    def _start_build(self, paths: set[Path], now: float) -> None:
        """One build at a time, in a thread; its outcome comes back to the IOLoop."""
        io_loop = IOLoop.current()
        rebuild = _guarded(self.builder.rebuild)

        def run() -> None:
            outcome = rebuild(paths)
            io_loop.add_callback(self.finished, outcome)

        self.build, self.build_started, self.slow_reported = StoppableThread(run), now, False
        self.build_sources = sorted(display_path(path, self.root) for path in paths)
        self.state.building(self.build_sources)
        self.build.start()

    def _watch_build(self, now: float) -> None:
        """Say when the running build is slow; stop a slow one when a newer save is due."""
        assert self.build is not None
        running = now - self.build_started
        if running < SLOW_SECONDS:
            return
        if not self.slow_reported:
            self.slow_reported = True
            self.reporter.info(f"still rebuilding after {running:.0f} s "
                               f"({', '.join(self.build_sources[:3])}); save a fix to stop "
                               "this build")
            self.state.building(self.build_sources, running)
        if self.debounce.due(now) and not self.build.stopping.is_set():
            self.reporter.info("stopping the slow build: a newer save is built instead")
            self.build.stop()

    def finished(self, outcome: Outcome) -> None:
        stopped = self.build is not None and self.build.stopping.is_set()
        self.build = None
        if stopped and not outcome.ok:  # problems of a build stopped halfway: not reported;
            self.poll()  # the save that stopped it is built next (it is due)
            return
        if outcome.skipped:
            self.state.idle()
            self.reporter.detail("saved without changes: nothing to rebuild")
            return
        before = self.state.finished
        report(self.reporter, outcome, before, bool(self.builder.files))
        self.state.record(outcome, self.builder.files)
        if outcome.ok and outcome.changed_files:
            _reload_browsers(outcome.changed_files)
            self.index_due = time.monotonic() + INDEX_AFTER_SECONDS

    def reindex(self) -> None:
        """Index the last good site; one run at a time, the latest site wins."""
        if self.indexing:
            self.index_again = True
            return
        if not self.builder.pages:
            return
        self.indexing = True
        future = self.indexer.submit(_index, self.search, self.builder.files,
                                     self.builder.pages)
        IOLoop.current().add_future(future, self.indexed)

    def indexed(self, future: asyncio.Future[tuple[dict[str, bytes], str]]
                | concurrent.futures.Future[tuple[dict[str, bytes], str]]) -> None:
        """`future`: the indexer's (concurrent) future, which IOLoop.add_future passes on
        as it is, though Tornado's annotation says an asyncio one."""
        self.indexing = False
        files, problem = future.result()
        if problem and problem != self.search_problem:
            self.reporter.info(f"the preview has no search: {problem}")
        self.search_problem = problem
        if not problem:
            self.state.search_index(files)
            self.reporter.detail(f"search index updated ({len(files)} files)")
        if self.index_again:
            self.index_again = False
            self.reindex()


def settle_memory() -> None:
    """Free what earlier builds left, then leave every object that remains out of the
    collections to come (gc.freeze). Called while the editor pauses: the kept site is
    millions of objects at 2×1,000 entries, and a full collection of them that fell in a
    rebuild added 60–80 ms to it. Objects frozen here and dropped by a later build are
    freed at the next pause (gc.unfreeze)."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def _index(search: SearchIndex, files: dict[str, bytes],
           pages: list[Page]) -> tuple[dict[str, bytes], str]:
    try:
        return search.refresh(files, pages), ""
    except BuildFailed as failed:
        return {}, "; ".join(str(p) for p in failed.problems)
    except OSError as error:
        return {}, f"{error.filename or 'the search folder'}: {error.strerror or error}"


def _guarded(rebuild: Callable[..., Outcome]) -> Callable[..., Outcome]:
    """A bug in the generator must not stop the preview: report it like a problem."""
    def run(*args: Any) -> Outcome:
        try:
            return rebuild(*args)
        except Exception as error:  # the server outlives any one build
            traceback.print_exc(file=sys.stderr)
            return Outcome(False, problems=(Problem("(build.py)", 0, "internal error: "
                                                    f"{type(error).__name__}: {error}",
                                                    "this is a bug in the generator; the "
                                                    "traceback is in the terminal"),))
    return run


def report(reporter: Reporter, outcome: Outcome, before: dict[str, Any] | None,
            has_site: bool) -> None:
    """One line per build (tests and editors count on it), then its problems.

    Warnings are printed when they differ from the last build's, not on every save.
    """
    shown = ", ".join(outcome.changed_sources[:3])
    more = len(outcome.changed_sources) - 3
    sources = f" ({shown}{f' and {more} more' if more > 0 else ''})" if before is not None else ""
    what = f"rebuilt{sources}" if before is not None else "built the preview"
    if not outcome.ok:
        still = "still showing the last good preview" if has_site else "nothing to show yet"
        reporter.info(f"build failed{sources}: {_count(len(outcome.problems), 'problem')}; "
                      f"{still}")
        reporter.problems(outcome.problems)
        return
    fixed = " (problems fixed)" if before is not None and before["state"] == "failed" else ""
    warnings = [str(p) for p in outcome.warnings]
    files = _count(len(outcome.changed_files), "file") + (" changed" if before else "")
    reporter.info(f"{what} in {outcome.seconds:.2f} s{fixed}: {files}, {outcome.rendered} "
                  "rendered" + (f", {_count(len(warnings), 'warning')}" if warnings else ""))
    if before is None or warnings != before["warnings"]:
        reporter.problems(outcome.warnings)


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def _reload_browsers(changed_files: tuple[str, ...]) -> None:
    """Tell every open page to reload (only the stylesheets when only CSS changed)."""
    only_css = changed_files and all(name.endswith(".css") for name in changed_files)
    message = {"command": "reload", "path": changed_files[0] if only_css else "*",
               "liveCSS": True, "liveImg": True}
    for waiter in list(LiveReloadHandler.waiters):
        try:
            waiter.write_message(message)
        except WebSocketClosedError:
            LiveReloadHandler.waiters.discard(waiter)
