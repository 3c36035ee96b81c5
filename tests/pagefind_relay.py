"""Warm Pagefinds for the tests' builds: one Pagefind process serves build after build,
its Japanese segmenter loaded once instead of at each build (about 0.8 s of CPU each;
some 120 of the suite's builds make a search index).

A build starts the program that PAGEFIND_BINARY_PATH names as `… --service` and speaks
Pagefind's protocol over its standard input and output. Site.run (conftest.py) names
CLIENT: a small script that connects to this pytest process's relay over a Unix socket
and passes the bytes both ways. The relay hands each connection a Pagefind of its pool
(started when none is free) and, when the build has gone, waits for the answers still
due, deletes the indexes the build left in it and keeps it for the next build. A message
the build was cut off in is never sent. Anything unexpected (an error answer, a Pagefind
that died) ends that Pagefind instead: the next build gets a new one.

An index made this way is the one a Pagefind of its own makes, byte for byte
(tests/test_search_index.py shows it of the preview's kept Pagefind, which works the
same way); the tests of Pagefind's own start and failures set PAGEFIND_BINARY_PATH
themselves and do not come here.
"""

from __future__ import annotations

import atexit
import base64
import json
import os
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

from pagefind.service import get_executable

from helpcenter.write.search_index import WARM_UP_PAGE

SOCKET_VARIABLE = "MILAMORE_TESTS_PAGEFIND_RELAY"
CLIENT = f"""#!{sys.executable} -IS
import os, socket, sys, threading
relay = socket.socket(socket.AF_UNIX)
relay.connect(os.environ["{SOCKET_VARIABLE}"])
def send():
    while data := os.read(0, 1 << 16):
        relay.sendall(data)
    relay.shutdown(socket.SHUT_WR)
threading.Thread(target=send, daemon=True).start()
while data := relay.recv(1 << 16):
    while data:
        data = data[os.write(1, data):]
"""
SHORT = 400   # bytes: a message this long or longer is a page or a bundle, not looked into
WAIT = 120    # seconds for an answer, as the build itself waits (search_index.TIMEOUT_SECONDS)
GRACE = 0.5   # seconds a build waits for a Pagefind in use to come back


CLIENT_NAME = "pagefind-relay-client"


def write_client(path: Path) -> None:
    """The script builds run as Pagefind (written once per session: its path, size and
    time are part of the key of the shared bundles)."""
    path.write_text(CLIENT, encoding="utf-8")
    path.chmod(0o755)


class _Pagefind:
    """One warm `pagefind_extended --service`, and where its messages stand."""

    def __init__(self) -> None:
        self.process = subprocess.Popen([str(get_executable()), "--service"],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, bufsize=0)
        assert self.process.stdin is not None and self.process.stdout is not None
        self.input, self.output = self.process.stdin.fileno(), self.process.stdout.fileno()
        self.sent = self.answered = 0
        self.pending = b""          # answer bytes read but not yet a whole answer
        self.indexes: set[int] = set()
        try:
            warm = self.ask({"type": "NewIndex", "config": None})["index_id"]
            self.ask({"type": "AddFile", "index_id": warm, "file_path": "warm-up/index.html",
                      "url": None, "file_contents": WARM_UP_PAGE})
            self.ask({"type": "DeleteIndex", "index_id": warm})
        except BaseException:
            self.end()
            raise

    def ask(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Send one message of the relay's own and return its answer's payload."""
        message = base64.b64encode(json.dumps({"message_id": 0, "payload": payload}).encode())
        self.count(message + b",")
        os.set_blocking(self.input, True)
        os.write(self.input, message + b",")
        while self.answered < self.sent:
            self.answers(self.read())
        return self.last

    def count(self, messages: bytes) -> None:
        """Note whole messages (each ends with a comma) as sent to Pagefind."""
        for message in messages.split(b",")[:-1]:
            self.sent += 1
            if len(message) < SHORT:
                payload = json.loads(base64.b64decode(message))["payload"]
                if payload.get("type") == "DeleteIndex":
                    self.indexes.discard(payload["index_id"])

    def read(self) -> bytes:
        data = os.read(self.output, 1 << 16)
        if not data:
            raise EOFError("Pagefind ended")
        return data

    def answers(self, data: bytes) -> None:
        """Count the whole answers in `data` and note the indexes they made."""
        self.pending += data
        *whole, self.pending = self.pending.split(b",")
        for answer in whole:
            self.answered += 1
            if len(answer) < SHORT:
                self.last = json.loads(base64.b64decode(answer))["payload"]
                if self.last.get("type") == "Error":
                    raise RuntimeError(self.last)
                if self.last.get("type") == "NewIndex":
                    self.indexes.add(self.last["index_id"])

    def tidy(self) -> None:
        """After a build: the indexes it left deleted."""
        for index in sorted(self.indexes, reverse=True):   # (an index's id is its place)
            self.ask({"type": "DeleteIndex", "index_id": index})

    def end(self) -> None:
        self.process.kill()
        self.process.wait()


class Relay:
    """This pytest process's relay: a Unix socket in a folder of its own, a thread that
    accepts connections, a thread per connection."""

    def __init__(self) -> None:
        self.owner = os.getpid()
        self.folder = tempfile.mkdtemp(prefix="milamore-relay-")
        self.address = os.path.join(self.folder, "socket")
        self.listener = socket.socket(socket.AF_UNIX)
        self.listener.bind(self.address)
        self.listener.listen(8)
        atexit.register(shutil.rmtree, self.folder, True)
        self.free = threading.Condition()
        self.idle: list[_Pagefind] = []
        self.alive = 0     # Pagefinds idle or in use
        self.accepted = self.done = 0   # connections
        self.started = 0
        threading.Thread(target=self._accept, daemon=True, name="pagefind-relay").start()

    def _accept(self) -> None:
        while True:
            connection, _ = self.listener.accept()
            with self.free:
                self.accepted += 1
            threading.Thread(target=self._serve, args=(connection,), daemon=True).start()

    def _take(self) -> _Pagefind:
        """An idle Pagefind; if all are in use, one that comes back within GRACE (the last
        build's, being tidied as the next one starts); else a new one."""
        with self.free:
            if not self.idle and self.alive:
                self.free.wait_for(lambda: self.idle, GRACE)
            while self.idle:
                pagefind = self.idle.pop()
                if pagefind.process.poll() is None:
                    return pagefind
                self.alive -= 1
            self.started += 1
            self.alive += 1
        try:
            return _Pagefind()
        except BaseException:
            self._ended()
            raise

    def _ended(self) -> None:
        with self.free:
            self.alive -= 1

    def wait_done(self, count: int) -> None:
        """Wait until `count` connections have been dealt with."""
        with self.free:
            if not self.free.wait_for(lambda: self.done >= count, WAIT):
                raise TimeoutError("the relay is still busy")

    def _serve(self, connection: socket.socket) -> None:
        try:
            self._serve_connection(connection)
        finally:
            with self.free:
                self.done += 1
                self.free.notify_all()

    def _serve_connection(self, connection: socket.socket) -> None:
        with connection:
            try:
                pagefind = self._take()
            except Exception:
                return    # the build sees its Pagefind end, and says so
            try:
                self._relay(connection, pagefind)
                pagefind.tidy()
            except Exception:   # an error answer, Pagefind gone, an answer not as expected
                pagefind.end()
                self._ended()
                return
        with self.free:
            self.idle.append(pagefind)
            self.free.notify_all()

    @staticmethod
    def _relay(connection: socket.socket, pagefind: _Pagefind) -> None:
        """Pass the build's whole messages to Pagefind and its answers back, until the
        build has gone and every message it sent is answered (a message it was cut off
        in is never sent: Pagefind is left as a build that ended there would leave it)."""
        partial = unsent = b""
        open_ = True
        os.set_blocking(pagefind.input, False)
        while open_ or unsent or pagefind.answered < pagefind.sent:
            due = unsent or pagefind.answered < pagefind.sent   # else: wait for the build
            readable, writable, _ = select.select(
                [pagefind.output] + ([connection] if open_ else []),
                [pagefind.input] if unsent else [], [], WAIT if due else None)
            if not readable and not writable:
                raise TimeoutError
            if connection in readable:
                try:
                    data = connection.recv(1 << 16)
                except ConnectionResetError:   # it went with answers unread
                    data = b""
                whole, comma, partial = (partial + data).rpartition(b",")
                pagefind.count(whole + comma)
                unsent += whole + comma
                open_ = data != b""
            if writable:
                unsent = unsent[os.write(pagefind.input, unsent[:1 << 16]):]
            if pagefind.output in readable:
                data = pagefind.read()
                if open_:
                    try:
                        connection.sendall(data)
                    except OSError:
                        open_ = False
                pagefind.answers(data)   # an error answer reaches the build, then ends this
