"""Shared fixtures: scratch copies of a help center written into tmp_path.

Two sites: the real one (site.yaml, content/, theme/, locales/ of the project), for the
tests about what the shop publishes, and the small sample of tests/fixtures/sample/ (with
the project's theme and locales), for the tests about how the generator behaves, which must
not break when an editor rewrites a real answer. Each build goes to the copy's own public/,
never to the repository's.

Build tests run the real command line (`python build.py --root DIR`) in a process of its
own, as an editor or CI would, so that exit codes, messages and the absence of Python
tracebacks are what is tested. The process is forked from a build server that has
imported the generator once (tests/build_server.py, tests/test_build_server.py), and so
are the previews (`start_command`), which run beside the builds. Its
search index is made by one of this process's warm Pagefinds (tests/pagefind_relay.py)
unless the test names a Pagefind of its own.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from pathlib import Path

import pagefind_relay
import pytest

ROOT = Path(__file__).resolve().parent.parent
# A bound on one run of the command line, so that a hang fails instead of blocking the suite.
# Not a speed target: a build that takes 7 s alone took over 120 s on a shared 2-core
# machine at a load of 10 (the first site of tests/test_search_service.py).
BUILD_TIMEOUT = 300
SITE_PARTS = ("site.yaml", "content", "theme", "locales")
SAMPLE = Path(__file__).resolve().parent / "fixtures" / "sample"
SAMPLE_PARTS = ("site.yaml", "content")  # theme and locales are the project's (SITE_PARTS)


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str

    @property
    def problems(self) -> list[str]:
        """The `path:line: message (fix)` lines the build printed (without the notices of
        site.yaml's placeholders, which every build of the real sources prints)."""
        return [line for line in self.stderr.splitlines() if line and not line.startswith(
            ("build failed", "check failed")) and line not in self.placeholders]

    @property
    def placeholders(self) -> list[str]:
        """The `site.yaml:N: placeholder: …` notices (README, "Placeholders")."""
        return [line for line in self.stderr.splitlines() if ": placeholder: " in line]


@dataclass
class Site:
    """A scratch copy of the project's sources that a test may break."""

    root: Path

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def read(self, relative: str) -> str:
        return (self.root / relative).read_text(encoding="utf-8")

    def replace(self, relative: str, old: str, new: str) -> None:
        text = self.read(relative)
        assert old in text, f"{old!r} not in {relative}"
        self.write(relative, text.replace(old, new, 1))

    def run(self, *args: str, env: dict[str, str] | None = None) -> Run:
        """`python build.py --root ROOT *args` in a new process, with `env` added to the
        environment. Runs through this worker's build server (tests/build_server.py)
        unless `env` or the environment changes how Python itself starts (PYTHON…)."""
        argv = ["--root", str(self.root), *args]
        environment = build_environment(env)
        if _server_can_run(environment):
            return _build_server().run(argv, environment)
        done = subprocess.run([sys.executable, str(ROOT / "build.py"), *argv],
                              capture_output=True, text=True, timeout=BUILD_TIMEOUT,
                              env=environment)
        return Run(done.returncode, done.stdout, done.stderr)

    def build(self, *args: str) -> Run:
        return self.run("build", "--out", str(self.out), *args)

    @property
    def out(self) -> Path:
        return self.root / "public"

    def page(self, relative: str) -> str:
        return (self.out / relative).read_text(encoding="utf-8")


class BuildServer:
    """The client of tests/build_server.py: one per pytest process, started when first
    needed, ended with the process (its input closes)."""

    def __init__(self) -> None:
        self.process = subprocess.Popen([sys.executable, str(ROOT / "tests" / "build_server.py")],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        env=_SERVER_ENVIRONMENT)
        self.owner = os.getpid()
        self.lock = threading.Lock()
        self.requests = 0
        self.due: dict[int, dict[str, Future[int]]] = {}   # by request: its pid, its code
        self.ended = False
        threading.Thread(target=self._receive, daemon=True).start()

    def start(self, argv: list[str], env: dict[str, str], stdout: Path,
              stderr: Path) -> ServedProcess:
        """`build.py *argv` in a child of the server, writing to these files (or named
        pipes); it runs while other requests are served."""
        with self.lock:
            if self.ended:
                raise EOFError("the build server has ended")
            self.requests += 1
            number = self.requests
            due = self.due[number] = {"pid": Future(), "code": Future()}
            request = {"id": number, "argv": argv, "cwd": os.getcwd(), "env": env,
                       "stdout": str(stdout), "stderr": str(stderr)}
            assert self.process.stdin
            self.process.stdin.write(json.dumps(request).encode() + b"\n")
            self.process.stdin.flush()
        return ServedProcess(due["pid"].result(timeout=60), due["code"], argv)

    def run(self, argv: list[str], env: dict[str, str]) -> Run:
        with tempfile.TemporaryDirectory(prefix="milamore-run-") as scratch:
            stdout, stderr = Path(scratch, "stdout"), Path(scratch, "stderr")
            child = self.start(argv, env, stdout, stderr)
            try:
                code = child.wait(BUILD_TIMEOUT)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait(60)
                raise
            if not stdout.exists():
                raise RuntimeError(f"the build server's child ended ({code}) before running "
                                   "build.py; its error is in the build server's output")
            return Run(code, stdout.read_text(encoding="utf-8"),
                       stderr.read_text(encoding="utf-8"))

    def _receive(self) -> None:
        """Hands each reply to the request it is about. If the server ends (it kills its
        children then), a child still running is killed here too, in case the server
        could not, and ends with the code of SIGKILL; a request not yet started fails."""
        assert self.process.stdout
        try:
            for line in self.process.stdout:
                reply = json.loads(line)
                field = "pid" if "pid" in reply else "code"
                with self.lock:
                    due = self.due[reply["id"]] if field == "pid" else self.due.pop(reply["id"])
                due[field].set_result(int(reply[field]))
        finally:
            with self.lock:
                self.ended = True
                for due in self.due.values():
                    if not due["pid"].done():
                        due["pid"].set_exception(EOFError("the build server ended"))
                    elif not due["code"].done():
                        with contextlib.suppress(ProcessLookupError):
                            os.kill(due["pid"].result(), signal.SIGKILL)
                        due["code"].set_result(-signal.SIGKILL)


class ServedProcess:
    """A child of the build server, with what tests use of `subprocess.Popen`."""

    def __init__(self, pid: int, code: Future[int], argv: list[str]) -> None:
        self.pid, self.code, self.argv = pid, code, argv

    def poll(self) -> int | None:
        return self.code.result() if self.code.done() else None

    def wait(self, timeout: float | None = None) -> int:
        try:
            return self.code.result(timeout)
        except FutureTimeout:
            raise subprocess.TimeoutExpired(["build.py", *self.argv], timeout or 0) from None

    def send_signal(self, number: int) -> None:
        """Like Popen's: nothing once the server has said that the child ended (its pid
        may then be another process's; in the moment between the server's reaping and
        its reply, as unlikely as with Popen's own check, it could already be)."""
        if not self.code.done():
            os.kill(self.pid, number)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


_SERVER_ENVIRONMENT = dict(os.environ)   # as pytest started
_servers: list[BuildServer] = []        # this process's, when started


def _build_server() -> BuildServer:
    """This process's server (a process forked by a test has none of its own yet)."""
    if not _servers or _servers[0].owner != os.getpid() \
            or _servers[0].process.poll() is not None:
        _servers[:] = [BuildServer()]
    return _servers[0]


def start_command(argv: list[str], output: list[str], directly: bool = False
                  ) -> tuple[ServedProcess | subprocess.Popen[str], threading.Thread]:
    """`python build.py *argv` left running (a preview), what it prints to either output
    appended to `output` line by line as it comes, by the thread returned (which ends
    once the command has ended and all it printed is read). Started by this process's
    build server when `Site.run` would be, unless `directly`."""
    environment = build_environment()
    if directly or not _server_can_run(environment):
        process = subprocess.Popen([sys.executable, str(ROOT / "build.py"), *argv],
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   text=True, bufsize=1, env=environment)
        collector = threading.Thread(target=_collect_lines, args=(process, output), daemon=True)
    else:
        scratch = tempfile.mkdtemp(prefix="milamore-command-")
        pipe = Path(scratch, "output")
        os.mkfifo(pipe, 0o600)
        reading = os.open(pipe, os.O_RDWR)   # does not wait for the writer, as O_RDONLY would
        try:
            served = _build_server().start(argv, environment, pipe, pipe)
        except BaseException:
            os.close(reading)
            shutil.rmtree(scratch, ignore_errors=True)
            raise
        collector = threading.Thread(target=_collect_pipe, daemon=True,
                                     args=(reading, served, output, scratch))
        process = served
    collector.start()
    return process, collector


def _collect_lines(process: subprocess.Popen[str], output: list[str]) -> None:
    assert process.stdout is not None
    for line in process.stdout:
        output.append(line.rstrip("\n"))


def _collect_pipe(reading: int, process: ServedProcess, output: list[str],
                  scratch: str) -> None:
    """Lines from the named pipe until the process has ended and the pipe is empty. (This
    side holds the pipe open for writing too, so the pipe never says that it ended.)"""
    received = b""
    ended = False
    try:
        while not ended:
            if select.select([reading], [], [], 0.05)[0]:
                received += os.read(reading, 1 << 16)
            elif process.poll() is not None:   # ended: what it wrote is in the pipe now
                while select.select([reading], [], [], 0)[0]:
                    received += os.read(reading, 1 << 16)
                ended = True
            *lines, received = received.split(b"\n")
            output.extend(line.decode("utf-8", "replace").rstrip("\r") for line in lines)
        if received:
            output.append(received.decode("utf-8", "replace"))
    finally:
        os.close(reading)
        shutil.rmtree(scratch, ignore_errors=True)


def build_environment(env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a test's `build.py`: this process's, with `env`, and the warm
    Pagefinds of tests/pagefind_relay.py unless it names a Pagefind of its own."""
    environment = {**os.environ, **(env or {})}
    if "PAGEFIND_BINARY_PATH" not in environment:
        environment.update(PAGEFIND_BINARY_PATH=str(_relay_client()),
                           **{pagefind_relay.SOCKET_VARIABLE: _relay().address})
    return environment


_relays: list[pagefind_relay.Relay] = []   # this process's, when started


def _relay() -> pagefind_relay.Relay:
    if not _relays or _relays[0].owner != os.getpid():
        _relays[:] = [pagefind_relay.Relay()]
    return _relays[0]


def _relay_client() -> Path:
    return Path(os.environ[SHARED_CACHE_VARIABLE]) / pagefind_relay.CLIENT_NAME


def _server_can_run(environment: dict[str, str]) -> bool:
    """Whether a child of the build server starts as `python` would in `environment`: the
    server's Python was started with the same PYTHON… settings."""
    return _python_settings(environment) == _python_settings(_SERVER_ENVIRONMENT)


def _python_settings(environment: dict[str, str]) -> dict[str, str]:
    return {name: value for name, value in environment.items() if name.startswith("PYTHON")}


# The scratch sites of one test session keep their search bundles and the UI strings of
# their sources in folders shared by pytest's worker processes: .cache/helpcenter/search
# and .cache/helpcenter/messages are links to them. Both are kept by content (the exact
# pages a bundle indexes, the bytes a file's strings come from) with a checksum, so a
# site whose answers are the same takes the bundle instead of starting Pagefind again
# (about 1 s of CPU per build of the real site), and a template that did not change is
# not tokenized again. Tests of these caches themselves use caches of their own.
SHARED_CACHE_VARIABLE = "MILAMORE_TESTS_SHARED_CACHE"
SHARED_CACHES = ("search", "messages")
_OWNS_SHARED_CACHE = pytest.StashKey[bool]()


def pytest_configure(config: pytest.Config) -> None:
    # A shell that starts pytest in the background (`… &` in a script) makes it ignore
    # Ctrl+C, and every process it starts would too: the previews the tests stop with
    # Ctrl+C, as an editor does in a terminal, would run on. Handled again, as in a
    # terminal: a new process starts with Python's own handler.
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    if SHARED_CACHE_VARIABLE not in os.environ:  # the first process: workers inherit it
        os.environ[SHARED_CACHE_VARIABLE] = tempfile.mkdtemp(prefix="milamore-tests-")
        config.stash[_OWNS_SHARED_CACHE] = True
        pagefind_relay.write_client(_relay_client())


def pytest_unconfigure(config: pytest.Config) -> None:
    if config.stash.get(_OWNS_SHARED_CACHE, False):
        shutil.rmtree(os.environ.pop(SHARED_CACHE_VARIABLE), ignore_errors=True)


def _copy_parts(source: Path, parts: tuple[str, ...], target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for part in parts:
        if (source / part).is_dir():
            shutil.copytree(source / part, target / part)
        else:
            shutil.copy2(source / part, target / part)
    for name in SHARED_CACHES:
        link = target / ".cache" / "helpcenter" / name
        if not link.exists():
            shared = Path(os.environ[SHARED_CACHE_VARIABLE]) / name
            shared.mkdir(parents=True, exist_ok=True)
            link.parent.mkdir(parents=True, exist_ok=True)
            link.symlink_to(shared, target_is_directory=True)


def copy_site(target: Path) -> Site:
    _copy_parts(ROOT, SITE_PARTS, target)
    return Site(target)


def copy_sample(target: Path) -> Site:
    """The sample help center (tests/fixtures/sample/) with the project's theme and locales."""
    _copy_parts(SAMPLE, SAMPLE_PARTS, target)
    _copy_parts(ROOT, ("theme", "locales"), target)
    return Site(target)


# Overseas rates as a shop that publishes them would write them in content/policies.yaml.
# The real shop publishes none (its file says `zones: []`); these are made up for tests.
PUBLISHED_RATES = """\
      zones:
        - id: asia
          name: {ja: アジア, en: Asia}
          fee: 2000
          countries: [KR, TW, HK, CN, MM, SG]
        - id: north_america
          name: {ja: 北米, en: North America}
          fee: 3000
          countries: [US, CA, MX]
        - id: europe
          name: {ja: ヨーロッパ, en: Europe}
          fee: 3500
          countries: [GB, FR, DE, "NO", NL, IS]
"""


def publish_overseas_rates(site: Site, rest_of_world: int | None = None) -> None:
    """Give the site's policy file the PUBLISHED_RATES (and a rest-of-the-world rate)."""
    rates = PUBLISHED_RATES
    if rest_of_world is not None:
        rates += ("      rest_of_world:\n"
                  "        name: {ja: その他の国・地域, en: Other countries and regions}\n"
                  f"        fee: {rest_of_world}\n")
    site.replace("content/policies.yaml", "      zones: []\n", rates)


@pytest.fixture
def site(tmp_path: Path) -> Site:
    """A fresh copy of the real help center's sources."""
    return copy_site(tmp_path / "site")


@pytest.fixture
def sample_site(tmp_path: Path) -> Site:
    """A fresh copy of the sample help center, for a test that changes it."""
    return copy_sample(tmp_path / "site")


@pytest.fixture(scope="session")
def built_sample(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """The sample help center, built once for the tests that only read it (or break a copy
    of it and its build, made with `copy_built`)."""
    return _built(copy_sample(tmp_path_factory.mktemp("sample") / "site"))


def _built(site: Site) -> Site:
    result = site.build()
    assert result.code == 0, result.stderr
    return site


def copy_built(built: Site, target: Path) -> Site:
    """A copy of a site and its build, to break without touching the original."""
    shutil.copytree(built.root, target, symlinks=True)
    return Site(target)


@pytest.fixture(scope="module")
def good_site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """The real sources with a good build in public/: the site a mistake must not damage
    (each case copies it, breaks the copy and compares the output with this one's)."""
    site = copy_site(tmp_path_factory.mktemp("good") / "site")
    assert site.build().code == 0
    return site


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """The real help center, built once for the tests that only read it (or break a copy
    of it and its build, made with `copy_built`)."""
    return _built(copy_site(tmp_path_factory.mktemp("built") / "site"))


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under a folder, for byte-for-byte comparisons."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}
