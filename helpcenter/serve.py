"""`python build.py serve`: build into a private folder, serve it on 127.0.0.1, rebuild
and reload the browser when a source changes.

The preview never writes the publish folder (public/). A build that fails keeps the
last good preview on screen and prints the problems in the terminal.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from livereload import Server

from .pipeline import build_site
from .problems import BuildFailed

WATCHED = ("site.yaml", "content", "theme", "locales")


def serve(root: Path, host: str = "127.0.0.1", port: int = 8000) -> int:
    preview = Path(tempfile.mkdtemp(prefix="milamore-preview-")) / "site"
    base_url = f"http://{host}:{port}/"

    def rebuild() -> None:
        try:
            report = build_site(root, preview, base_url)
        except BuildFailed as failed:
            print("\n".join(str(p) for p in failed.problems), file=sys.stderr)
            print(f"build failed: {len(failed.problems)} problem(s); still showing the last "
                  "good preview.", file=sys.stderr, flush=True)
            return
        print(f"rebuilt in {report.seconds:.2f} s", flush=True)

    rebuild()
    if not preview.exists():
        print("Fix the problems above, then run serve again.", file=sys.stderr)
        return 1
    server = Server()
    for name in WATCHED:
        server.watch(str(root / name), rebuild, delay=0.3)
    print(f"Previewing the help center at {base_url} (Ctrl+C stops)", flush=True)
    try:
        server.serve(host=host, port=port, root=str(preview), open_url_delay=None)
    finally:
        shutil.rmtree(preview.parent, ignore_errors=True)
    return 0
