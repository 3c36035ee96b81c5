"""The tests' build server (tests/build_server.py) is only a faster way to start
`python build.py`: what a test sees through it is what the command itself gives."""

from __future__ import annotations

import base64
import json
import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

import conftest
import pagefind_relay
from conftest import BUILD_TIMEOUT, ROOT, Run, ServedProcess, Site, snapshot
from test_serve import WAIT, Preview, start_preview


def _directly(site: Site, *args: str) -> Run:
    done = subprocess.run([sys.executable, str(ROOT / "build.py"), "--root", str(site.root),
                           *args], capture_output=True, text=True, timeout=BUILD_TIMEOUT)
    return Run(done.returncode, done.stdout, done.stderr)


def test_a_run_through_the_server_gives_the_commands_exit_code_and_messages(
        sample_site: Site) -> None:
    sample_site.write("content/en/broken.md", "---\ntitle: [unclosed\n---\nText\n")
    sample_site.replace("site.yaml", "languages:", "langauges:")
    for args in (["check"], ["build", "--quiet"], ["--help"], ["no-such-command"],
                 ["new", "Bad Name"]):
        served = sample_site.run(*args)
        assert served == _directly(sample_site, *args), args
        assert served.stderr or served.stdout, args


def test_a_successful_build_through_the_server_writes_what_the_command_writes(
        sample_site: Site) -> None:
    served = sample_site.run("build", "--quiet")
    assert served.code == 0, served.stderr
    assert "".join(served.problems) == ""
    direct = _directly(sample_site, "build", "--quiet", "--out", str(sample_site.root / "direct"))
    assert (direct.code, direct.stdout, direct.stderr) == (0, served.stdout, served.stderr)
    assert sorted(p.relative_to(sample_site.out).as_posix() for p in sample_site.out.rglob("*")) \
        == sorted(p.relative_to(sample_site.root / "direct").as_posix()
                  for p in (sample_site.root / "direct").rglob("*"))


def test_a_preview_through_the_server_serves_prints_and_stops_as_the_command_does(
        sample_site: Site) -> None:
    """A preview started by the server (tests/test_serve.py starts them so) gives what
    `python build.py serve` gives: the same pages, the same lines, the same exit after
    Ctrl+C; and builds through the server go on while it runs."""
    previews: list[Preview] = []
    try:
        for directly in (False, True):
            previews.append(start_preview(sample_site, directly=directly))
        served, direct = previews
        assert isinstance(served.process, ServedProcess)
        assert isinstance(direct.process, subprocess.Popen)

        assert sample_site.run("check").code == 0          # while the preview runs
        for path in ("/", "/en/", "/ja/search/", "/en/no-such-page/",
                     "/__preview__/status.json"):
            (status, text, _), (direct_status, direct_text, _) = \
                served.get(path), direct.get(path)
            assert (status, text.replace(str(served.port), "PORT")) \
                == (direct_status, direct_text.replace(str(direct.port), "PORT")), path

        for preview in previews:
            preview.process.send_signal(signal.SIGINT)
        assert served.process.wait(WAIT) == direct.process.wait(WAIT) == 0
    finally:
        for preview in previews:
            preview.process.kill()
    for preview in previews:   # the last lines, read after the end
        assert preview.collector is not None
        preview.collector.join(WAIT)

    def printed(preview: Preview) -> list[str]:   # without its port and its timings
        return [re.sub(r"\d+\.\d+ s\b", "N s", line.replace(str(preview.port), "PORT"))
                for line in preview.output]
    assert printed(served) == printed(direct)
    assert len(printed(served)) >= 3, served.output


def test_a_search_index_made_through_the_relay_is_the_one_pagefind_makes_alone(
        sample_site: Site, tmp_path: Path) -> None:
    """Builds through the relay's warm Pagefinds (tests/pagefind_relay.py) publish the
    search index a build with a Pagefind of its own publishes, build after build, also
    after a build that left in the middle of a message or with answers still due."""
    relay = conftest._relay()
    started, accepted = relay.started, relay.accepted
    own = {name: value for name, value in os.environ.items()
           if name not in ("PAGEFIND_BINARY_PATH", pagefind_relay.SOCKET_VARIABLE)}
    edits = [("fee: 1000 ", "fee: 1100 "), ("fee: 1100 ", "fee: 1200 ")]
    for step, edit in enumerate([None, *edits]):
        if edit:
            sample_site.replace("content/policies.yaml", *edit)
        _leave_halfway(relay.address, step)
        relay.wait_done(accepted + 2 * step + 1)   # the clients so far, the last one too
        relayed = sample_site.run("build", "--no-cache", "--out", str(tmp_path / f"r{step}"))
        alone = subprocess.run([sys.executable, str(ROOT / "build.py"), "--root",
                                str(sample_site.root), "build", "--no-cache", "--out",
                                str(tmp_path / f"a{step}")], capture_output=True, text=True,
                               timeout=BUILD_TIMEOUT, env=own)
        assert relayed.code == alone.returncode == 0, relayed.stderr + alone.stderr
        assert snapshot(tmp_path / f"r{step}" / "pagefind") \
            == snapshot(tmp_path / f"a{step}" / "pagefind"), step
    assert relay.accepted - accepted == 6, "every build went through the relay"
    assert relay.started - started <= 1, "one warm Pagefind served every build"


def _leave_halfway(address: str, how: int) -> None:
    """A client of the relay that goes after: nothing (0), a new index and a page whose
    answer it does not wait for (1), or a new index and half a page (2)."""
    with socket.socket(socket.AF_UNIX) as client:
        client.connect(address)
        if how == 0:
            return
        client.sendall(_message(1, {"type": "NewIndex", "config": None}))
        answer = b""
        while not answer.endswith(b","):
            data = client.recv(1 << 16)
            assert data, "the relay hung up"
            answer += data
        index = json.loads(base64.b64decode(answer[:-1]))["payload"]["index_id"]
        page = _message(2, {"type": "AddFile", "index_id": index,
                            "file_path": "en/x/index.html", "url": None,
                            "file_contents": "<html lang='en'><body><main data-pagefind-body>"
                                             "x</main></body></html>"})
        client.sendall(page if how == 1 else page[:len(page) // 2])


def _message(number: int, payload: dict[str, object]) -> bytes:
    return base64.b64encode(json.dumps({"message_id": number, "payload": payload}).encode()) \
        + b","
