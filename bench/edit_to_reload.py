"""Measure the live preview's edit-to-reload time: save a file, wait for the new page.

    .venv/bin/python bench/edit_to_reload.py                  # the real help center
    .venv/bin/python bench/edit_to_reload.py --entries 1000   # 2 x 1,000 entries

Copies the site into a temporary folder (generating entries with make_site.py), starts
`build.py serve` on a free port, then times, from the moment a file is saved until the
server sends the changed page:

  body       a sentence of one Japanese entry (the common edit)
  title      the title of one entry (its page, home, the pages that list it)
  few        a policy value a few answers show (an after-sales service's name)
  policy     the domestic fee in policies.yaml (every answer that shows it, the
             calculator: in a generated site, every generated answer)
  template   a comment in the theme's base template (every page)

For each it prints two times: from the save until the new page is fetched (this
includes the watcher's polling, 0.1 s, and its quiet period, 0.15 s, that lets an editor's
burst of saves end), and the server's own rebuild time, as it reports it in its terminal
("rebuilt (…) in 0.05 s": loading, rendering the pages whose inputs changed, checking).

The script waits as an open page does: connected to the preview's livereload WebSocket,
it fetches the page when told to reload. (Until 2026-11-30 it asked for the page every
5 ms instead; each request took the server's processor away from the rebuild, which
added 0.03–0.06 s to the rebuild times it measured.) A browser adds the time to paint.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from make_site import ROOT, copy_project, make_site
from tornado.websocket import WebSocketClientConnection, websocket_connect

POLL = 0.005
TIMEOUT = 120.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


def wait_for(url: str, needle: str) -> float:
    started = time.perf_counter()
    while needle not in fetch(url):
        if time.perf_counter() - started > TIMEOUT:
            raise TimeoutError(f"{needle!r} never appeared at {url}")
        time.sleep(POLL)
    return time.perf_counter() - started


class Browser:
    """A preview page as livereload.js keeps it open: connected to the WebSocket, told
    when to reload."""

    def __init__(self, base: str) -> None:
        self.loop = asyncio.new_event_loop()
        self.socket = self.loop.run_until_complete(self._connect(base))

    @staticmethod
    async def _connect(base: str) -> WebSocketClientConnection:
        socket = await websocket_connect(base.replace("http", "ws", 1) + "/livereload")
        await socket.write_message(json.dumps({"command": "hello", "protocols": [
            "http://livereload.com/protocols/official-7"]}))
        await socket.read_message()   # the server's hello
        await socket.write_message(json.dumps({"command": "info", "url": base + "/"}))
        return socket

    def wait_for(self, url: str, needle: str) -> None:
        """Fetch `url` after each reload message until it contains `needle`."""
        started = time.perf_counter()
        while True:
            left = TIMEOUT - (time.perf_counter() - started)
            self.loop.run_until_complete(asyncio.wait_for(self._reload(), max(left, 0.001)))
            if needle in fetch(url):
                return

    async def _reload(self) -> None:
        while True:
            message = await self.socket.read_message()
            if message is None:
                raise ConnectionError("the preview closed the livereload connection")
            if json.loads(message).get("command") == "reload":
                return

    def close(self) -> None:
        self.socket.close()
        self.loop.close()


def edit(path: Path, old: str, new: str) -> float:
    """Replace text in a file; returns the time it was saved."""
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return time.perf_counter()


def timed(browser: Browser, path: Path, old: str, new: str, url: str,
          needle: str = "") -> float:
    saved = edit(path, old, new)
    browser.wait_for(url, needle or new)
    return time.perf_counter() - saved


def run(site: Path, runs: int, slug: str) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """(edit-to-served times, server rebuild times) by kind of edit."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "--root", str(site),
                               "serve", "--port", str(port)], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    order: list[str] = []
    try:
        started = time.perf_counter()
        wait_for(f"{base}/__preview__/status.json", '"state": "ok"')
        print(f"  first build and start: {time.perf_counter() - started:.2f} s")
        wait_for(f"{base}/pagefind/pagefind-entry.json", '"languages"')
        print(f"  first search index: {time.perf_counter() - started:.2f} s (edits are timed "
              "after it, as an editor reads before editing)")
        browser = Browser(base)
        entry = site / "content" / "ja" / f"{slug}.md"
        url = f"{base}/ja/{slug}/"
        results: dict[str, list[float]] = {
            "body": [], "title": [], "few": [], "policy": [], "template": []}
        body_line = entry.read_text(encoding="utf-8").rstrip().split("\n")[-1]
        title = re.search(r"^title: (.*)$", entry.read_text(encoding="utf-8"), re.M)
        assert title is not None
        current_line, current_title, fee = body_line, title.group(1), 1000
        service = "クリーニング"
        for index in range(runs):
            time.sleep(0.5)  # let the previous rebuild's quiet period pass
            line = f"{body_line} 測定{index}。"
            results["body"].append(timed(browser, entry, current_line, line, url,
                                         f"測定{index}。"))
            order.append("body")
            current_line = line
            time.sleep(0.5)
            new_title = f"{title.group(1)}（{index}）"
            results["title"].append(timed(browser, entry, f"title: {current_title}",  # in <title>
                                          f"title: {new_title}", url, new_title))
            order.append("title")
            current_title = new_title
            time.sleep(0.5)
            new_service = f"クリーニング{index}"
            results["few"].append(timed(browser, site / "content" / "policies.yaml",
                                        f"ja: {service},", f"ja: {new_service},",
                                        f"{base}/ja/after-sales-service/", new_service))
            order.append("few")
            service = new_service
        for index in range(max(1, runs // 3)):
            time.sleep(0.5)
            results["policy"].append(_fee(browser, site, fee, fee + 10, base))
            order.append("policy")
            fee += 10
            time.sleep(0.5)
            template = site / "theme" / "templates" / "base.html"
            marker = f"<!-- measured {index} -->"
            results["template"].append(timed(browser, template, "</body>", f"{marker}</body>",
                                             f"{base}/ja/", marker))
            order.append("template")
        browser.close()
        return results, _server_times(server, order)
    finally:
        if server.poll() is None:
            server.terminate()
            server.communicate(timeout=30)


def _server_times(server: subprocess.Popen[str], order: list[str]) -> dict[str, list[float]]:
    """The rebuild times the server printed, one line per rebuild, in the order of `order`."""
    server.terminate()
    output, _ = server.communicate(timeout=30)
    seconds = [float(found.group(1)) for found in re.finditer(
        r"^rebuilt .* in ([0-9.]+) s", output, re.M)]
    rendered = re.findall(r"^rebuilt .*?(\S+ (?:page|pages|all pages)) rendered", output, re.M)
    print(f"  server reported {len(seconds)} rebuilds for {len(order)} edits; pages rendered: "
          f"{', '.join(f'{kind} {count}' for kind, count in zip(order, rendered, strict=False))}")
    found: dict[str, list[float]] = {}
    for kind, value in zip(order, seconds, strict=False):
        found.setdefault(kind, []).append(value)
    return found


def _fee(browser: Browser, site: Path, fee: int, new_fee: int, base: str) -> float:
    """Change the domestic fee; wait until the Japanese page shows it (1,010円)."""
    saved = edit(site / "content" / "policies.yaml", f"fee: {fee} ", f"fee: {new_fee} ")
    browser.wait_for(f"{base}/ja/shipping-cost/", f"{new_fee:,}円")
    return time.perf_counter() - saved


def main() -> int:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--entries", type=int, default=0,
                         help="entries per language (default: the real site as it is)")
    options.add_argument("--runs", type=int, default=5)
    args = options.parse_args()
    with tempfile.TemporaryDirectory(prefix="milamore-bench-") as folder:
        site = Path(folder) / "site"
        if args.entries:
            make_site(site, args.entries)
            slug = f"bench-{args.entries // 2:04d}"
        else:
            copy_project(site)
            slug = "shipping-cost"
        count = len(list((site / "content" / "ja").glob("*.md")))
        print(f"site: {count} entries per language; editing content/ja/{slug}.md")
        results, server = run(site, args.runs, slug)
    print("  edit       save to served (median, min, max)     server rebuild (median)")
    for kind, times in results.items():
        rebuilt = server.get(kind, [])
        print(f"  {kind:<9}  {statistics.median(times):6.3f} s {min(times):6.3f} s "
              f"{max(times):6.3f} s   ({len(times)} edits)   "
              + (f"{statistics.median(rebuilt):6.3f} s" if rebuilt else "-"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
