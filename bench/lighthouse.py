"""Lighthouse (mobile) scores of the built help center: home, an entry, the calculator and
search with a query, in Japanese and in English.

    .venv/bin/python bench/lighthouse.py                 # the eight pages, about 2 minutes
    .venv/bin/python bench/lighthouse.py --page ja/      # one page (repeat for more)

Builds the real site into a temporary folder, serves it on 127.0.0.1 as a static host
does (gzip for text, `Content-Security-Policy: default-src 'self'; script-src 'self'
'wasm-unsafe-eval'`, 404.html for unknown addresses), runs Lighthouse 12.2.3 from
node_modules (`npm ci`, or `bash .ci/setup --browser`) with Debian's Chromium on each page,
mobile preset (simulated slow 4G and a 4x slower CPU), and prints the four category
scores, with the audits that cost points when a score is under 100. The JSON reports go
to bench/results/lighthouse/ (not committed). Not part of pytest: it takes seconds per page.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = Path("/usr/bin/chromium")
RESULTS = ROOT / "bench" / "results" / "lighthouse"
PAGES = ["ja/", "ja/shipping-cost/", "ja/calculator/", "ja/search/?q=%E9%80%81%E6%96%99", "en/",
         "en/shipping-cost/", "en/calculator/", "en/search/?q=shipping"]
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
CHROME_FLAGS = ("--headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
                "--disable-background-networking --disable-component-update --disable-sync")
CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'"
COMPRESSED = {".html", ".css", ".js", ".json", ".svg", ".xml", ".txt"}


class StaticHost(http.server.SimpleHTTPRequestHandler):
    """The built folder as a static host serves it: compressed text, a CSP, a 404 page."""

    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,  # noqa: RUF012
                      ".html": "text/html; charset=utf-8", ".js": "text/javascript",
                      ".css": "text/css", ".json": "application/json",
                      ".svg": "image/svg+xml", ".xml": "application/xml"}

    def send_head(self) -> Any:
        address = self.path.split("?", 1)[0].split("#", 1)[0]
        path = Path(self.translate_path(address))
        if path.is_dir() and not address.endswith("/"):
            return super().send_head()  # the standard redirect to the address with a "/"
        if path.is_dir():
            path = path / "index.html"
        if not path.is_file():
            return self._send(Path(self.directory) / "404.html", 404)
        return self._send(path, 200)

    def _send(self, path: Path, status: int) -> Any:
        body = path.read_bytes()
        gzipped = (path.suffix in COMPRESSED
                   and "gzip" in self.headers.get("Accept-Encoding", ""))
        if gzipped:
            body = gzip.compress(body, mtime=0)
        self.send_response(status)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Length", str(len(body)))
        if gzipped:
            self.send_header("Content-Encoding", "gzip")
        self.end_headers()
        return _Body(body)

    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", CSP)
        self.send_header("Cache-Control", "public, max-age=600")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Body:
    """What send_head returns: copyfile() reads it, do_GET closes it."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def read(self, size: int = -1) -> bytes:
        data, self.data = self.data, b""
        return data

    def close(self) -> None:
        pass


def build(folder: Path) -> None:
    done = subprocess.run([sys.executable, str(ROOT / "build.py"), "--quiet", "build", "--out",
                           str(folder)], cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"the site does not build:\n{done.stderr}")


def serve(folder: Path) -> http.server.ThreadingHTTPServer:
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(StaticHost, directory=str(folder)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def lighthouse(url: str, report: Path) -> dict[str, Any]:
    env = {**os.environ, "CHROME_PATH": str(CHROMIUM)}
    done = subprocess.run(
        [str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={report}",
         f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={CHROME_FLAGS}"],
        env=env, capture_output=True, text=True, timeout=300)
    if done.returncode != 0 or not report.is_file():
        sys.exit(f"Lighthouse failed on {url}:\n{done.stderr[-3000:]}")
    return json.loads(report.read_text(encoding="utf-8"))


def lost_points(result: dict[str, Any], category: str) -> list[str]:
    """The audits of a category that count and did not pass."""
    audits = result["audits"]
    return [f"{ref['id']}: {audits[ref['id']]['title']}"
            + (f" ({audits[ref['id']].get('displayValue')})"
               if audits[ref["id"]].get("displayValue") else "")
            for ref in result["categories"][category]["auditRefs"]
            if ref["weight"] > 0 and audits[ref["id"]]["score"] is not None
            and audits[ref["id"]]["score"] < 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--page", action="append",
                        help="a page address under the site, e.g. ja/calculator/ (repeatable)")
    args = parser.parse_args()
    missing = [str(p) for p in (LIGHTHOUSE, CHROMIUM) if not p.exists()]
    if missing:
        sys.exit(f"missing {', '.join(missing)}: run `bash .ci/setup --browser`")
    RESULTS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as temporary:
        site = Path(temporary) / "public"
        build(site)
        server = serve(site)
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        print(f"{'page':<22}" + "".join(f"{c:>16}" for c in CATEGORIES))
        details = []
        try:
            for page in args.page or PAGES:
                name = re.sub(r"[^\w]+", "-", page.strip("/")) or "root"
                result = lighthouse(base + page, RESULTS / f"{name}.json")
                scores = [round(result["categories"][c]["score"] * 100) for c in CATEGORIES]
                print(f"{page:<22}" + "".join(f"{s:>16}" for s in scores), flush=True)
                details += [f"  {page} {c}: {lost}" for c, s in zip(CATEGORIES, scores, strict=True)
                            if s < 100 for lost in lost_points(result, c)]
        finally:
            server.shutdown()
            server.server_close()
    if details:
        print("\nWhat cost points:\n" + "\n".join(details))
    print(f"\nReports: {RESULTS.relative_to(ROOT)}/")


if __name__ == "__main__":
    if shutil.which("node") is None:
        sys.exit("Lighthouse needs Node.js: run `bash .ci/setup --browser`")
    main()
