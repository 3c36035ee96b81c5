"""Runs `build.py` for the tests, each run in a process of its own, without paying for
Python's start and the generator's imports every time (0.3 s of each of the suite's ~500
runs, most of them a few tenths of a second long).

This process imports the generator and checks the project's help center once (_preload),
then forks a child per request: the child is a process with the project's modules loaded
and their first-build work done, and nothing of a test's site run; it takes the request's
working folder and environment, writes to the request's files as its standard output and
error, runs build.py as `__main__` and exits with its code. So a test still sees what a
user's `python build.py …` gives: exit code, messages, no traceback, a process that ends.
What the children share is the hash seed of this process: tests that compare builds for
reproducibility run `python` itself (tests/conftest.py, `Site.run`).

Children run side by side: a preview (`build.py serve`, which runs until it is stopped)
does not hold up the builds of other requests. Its output files can be named pipes, which
the test reads as the preview prints.

Protocol, one JSON line each way: {"id", "argv", "cwd", "env", "stdout", "stderr"} →
{"id", "pid"} as soon as the child runs, then {"id", "code"} when it has ended (like
subprocess: -N for signal N); the replies of different requests may interleave. When its
input closes, the server kills the children still running and ends.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import runpy
import selectors
import shutil
import signal
import sys
import tempfile
import threading
import traceback
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build.py"


def _preload() -> None:
    """Import the generator, then check a copy of the project's help center: what a
    process does once, at its first build (the imports it leaves until needed, such as the
    holiday calendars; Babel's locale data; the theme's compiled templates, which
    render/template_cache.py keeps by name and source), every child then finds done.
    What a child prints and writes is what `python build.py` does (test_build_server.py);
    its time is about half (0.11 s instead of 0.29 s for a check of the sample site)."""
    sys.path.insert(0, str(ROOT))
    import helpcenter.cli  # the point of this process
    import helpcenter.write.search_index  # noqa: F401
    from helpcenter.pipeline import check_site
    from helpcenter.problems import BuildFailed

    with tempfile.TemporaryDirectory(prefix="milamore-warm-up-") as scratch:
        for part in ("site.yaml", "content", "theme", "locales"):
            if (ROOT / part).is_dir():
                shutil.copytree(ROOT / part, Path(scratch, part))
            else:
                shutil.copy2(ROOT / part, Path(scratch, part))
        with contextlib.suppress(BuildFailed):   # the tests say what is wrong with it
            check_site(Path(scratch))


def _run_child(request: dict[str, Any], inherited: list[int]) -> int:
    """`inherited`: the server's own descriptors, which a child does not keep."""
    signal.set_wakeup_fd(-1)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)   # as in a new process: subprocess needs it
    for fd in inherited:
        os.close(fd)
    for fd, path, flags in ((0, os.devnull, os.O_RDONLY),
                            (1, request["stdout"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC),
                            (2, request["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC)):
        opened = os.open(path, flags, 0o600)
        os.dup2(opened, fd)
        os.close(opened)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    # what Python opens for a standard output that is a file or a pipe (not a terminal)
    sys.stdout = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
    sys.stderr = open(2, "w", buffering=1, encoding="utf-8",  # noqa: SIM115 (line-buffered)
                      errors="backslashreplace", closefd=False)
    sys.argv = [str(BUILD), *request["argv"]]
    try:
        runpy.run_path(str(BUILD), run_name="__main__")
        code = 0
    except SystemExit as stop:
        code = _exit_code(stop.code)
    except KeyboardInterrupt:   # as Python ends on Ctrl+C it did not handle: by SIGINT
        traceback.print_exc()
        _shut_down()
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGINT)
        code = 1
    except BaseException:  # printed as Python would print it
        traceback.print_exc()
        code = 1
    _shut_down()
    return code


def _exit_code(value: object) -> int:
    if value is None:
        return 0
    if isinstance(value, int):
        return value
    print(value, file=sys.stderr)
    return 1


def _shut_down() -> None:
    """What the interpreter does at exit: wait for threads that are not daemons, run
    the `atexit` functions, flush the output."""
    for thread in threading.enumerate():
        if thread is not threading.main_thread() and not thread.daemon:
            thread.join()
    atexit._run_exitfuncs()  # (private: there is no public way before os._exit)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()


def _reply(message: dict[str, int]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def serve() -> None:
    _preload()
    woken, wake = os.pipe()          # SIGCHLD writes a byte here: a child has ended
    for fd in (woken, wake):
        os.set_blocking(fd, False)
    signal.set_wakeup_fd(wake)
    signal.signal(signal.SIGCHLD, lambda _signal, _frame: None)
    running: dict[int, int] = {}     # pid -> request id
    received = b""
    with selectors.DefaultSelector() as selector:
        selector.register(0, selectors.EVENT_READ)
        selector.register(woken, selectors.EVENT_READ)
        inherited = [woken, wake, selector.fileno()]
        try:
            while True:
                for key, _events in selector.select():
                    if key.fd == woken:
                        while _drained(woken):
                            pass
                        _reap(running)
                        continue
                    data = os.read(0, 1 << 16)
                    if not data:                      # the test process has ended
                        return
                    received += data
                    while b"\n" in received:
                        line, _, received = received.partition(b"\n")
                        _start(json.loads(line), running, inherited)
        finally:   # also if this server fails: no child of it runs on
            _end(running)


def _drained(fd: int) -> bool:
    try:
        return bool(os.read(fd, 512))
    except BlockingIOError:
        return False


def _start(request: dict[str, Any], running: dict[int, int], inherited: list[int]) -> None:
    pid = os.fork()
    if pid == 0:
        code = 70
        try:
            code = _run_child(request, inherited)
        except BaseException:   # before build.py ran: said where the test will look
            traceback.print_exc()
        finally:
            os._exit(code)
    running[pid] = request["id"]
    _reply({"id": request["id"], "pid": pid})


def _reap(running: dict[int, int]) -> None:
    while running:
        pid, status = os.waitpid(-1, os.WNOHANG)
        if pid == 0:
            return
        if pid in running:
            _reply({"id": running.pop(pid), "code": os.waitstatus_to_exitcode(status)})


def _end(running: dict[int, int]) -> None:
    for pid in running:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    for pid in running:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)


if __name__ == "__main__":
    serve()
