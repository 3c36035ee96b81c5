"""`python build.py serve`: preview the help center at http://127.0.0.1:8000/ while editing.

The site is built in memory (preview.py) and served from there; public/ is never
touched. While it runs, preview_loop.py watches the sources, rebuilds, and tells open
pages to reload; after a failed build, pages keep the last good site and show the
problems in an overlay, and the terminal prints them. Nothing an editor saves can stop
the server.

From python-livereload we use the WebSocket protocol handler and its client script,
not its `Server`: that one injects an inline script (blocked by a strict CSP), polls
with one callback per watched folder, and drops a reload that comes less than three
seconds after the previous one. The pages get three same-origin files instead: the
livereload client, and the overlay's script and style. These exist only in the preview.
"""

from __future__ import annotations

import html
import json
import mimetypes
import re
import signal
from collections.abc import Callable, Sequence
from pathlib import Path

from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
from tornado import web
from tornado.ioloop import IOLoop

from helpcenter.load.placeholders import Placeholder
from helpcenter.preview.builder import PreviewBuilder
from helpcenter.preview.loop import Loop, PreviewState, report, settle_memory
from helpcenter.problems import Problem
from helpcenter.progress import Reporter
from helpcenter.write.headers import CONTENT_SECURITY_POLICY

# The preview sends the policy of the published site (headers.py): a page that needs an
# inline script or another origin breaks in the preview too, while it is being made,
# instead of after publishing. The preview's own additions are same-origin files, so
# they work under it.
_ASSETS = Path(__file__).with_name("assets")
_DEV_TAGS = (b'<link rel="stylesheet" href="/__preview__/overlay.css">'
             b'<script src="/__preview__/overlay.js" defer></script>'
             b'<script src="/livereload.js" defer></script>')
_NOT_READY = (b'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
              b"<title>Preview not ready</title></head><body><h1>The preview is not ready</h1>"
              b"<p>The build has problems (listed below and in the terminal). Fix them and "
              b"save: this page reloads by itself.</p></body></html>")


def serve(root: Path, host: str = "127.0.0.1", port: int = 8000,
          reporter: Reporter | None = None) -> int:
    reporter = reporter or Reporter()
    # `kill` cleans up like Ctrl+C; installed before the first build, so that a kill at
    # any moment is handled, even during a first build that takes long.
    signal.signal(signal.SIGTERM, _interrupt)
    loop: Loop | None = None
    try:
        loop = _start(root, host, port, reporter)
        if loop is None:
            return 1
        IOLoop.current().start()
    except KeyboardInterrupt:
        reporter.info("\nStopped the preview.")
    finally:
        if loop is not None:
            loop.stop()
    return 0


def _start(root: Path, host: str, port: int, reporter: Reporter) -> Loop | None:
    """The first build, the server and the watch loop; None when the port is taken."""
    base_url = f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"
    builder = PreviewBuilder(root, base_url)
    state = PreviewState()
    first = builder.build_all()
    state.record(first, builder.files)
    report(reporter, first, None, bool(state.files))
    try:
        _application(state, reporter, lambda: builder.placeholders).listen(port,
                                                                         address=host)
    except OSError as error:
        reporter.problems([Problem(f"{host}:{port}", 0, f"cannot listen here: {error.strerror}",
                                   f"another program may use port {port}; try "
                                   f"--port {port + 1}")])
        return None
    if host not in ("127.0.0.1", "localhost", "::1"):
        reporter.info(f"Listening on {host}: other computers on the network can see the preview.")
    loop = Loop(root, builder, state, reporter)
    loop.start()
    settle_memory()
    loop.reindex()
    reporter.info(f"Previewing the help center at {base_url} (Ctrl+C stops)")
    return loop


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def _application(state: PreviewState, reporter: Reporter,
                 placeholders: Callable[[], Sequence[Placeholder]] = tuple) -> web.Application:
    def log_request(handler: web.RequestHandler) -> None:  # only with --verbose
        request = handler.request
        reporter.detail(f"{handler.get_status()} {request.method} {request.uri}")

    return web.Application([
        (r"/livereload", LiveReloadHandler),
        (r"/livereload.js", LiveReloadJSHandler),
        (r"/__preview__/status\.json", _StatusHandler, {"state": state}),
        (r"/__preview__/(overlay\.js|overlay\.css)", _AssetHandler),
        (r"/(.*)", _SiteHandler, {"state": state, "placeholders": placeholders}),
    ], log_function=log_request)


class _SiteHandler(web.RequestHandler):
    def initialize(self, state: PreviewState,
                   placeholders: Callable[[], Sequence[Placeholder]]) -> None:
        self.state, self.placeholders = state, placeholders

    def get(self, path: str) -> None:
        files = self.state.files
        key = path + "index.html" if path == "" or path.endswith("/") else path
        if key in files:
            return self._send(key, files[key])
        if f"{key}/index.html" in files:
            return self.redirect(f"/{key}/")
        self.set_status(404)
        return self._send("404.html", files.get("404.html", _NOT_READY))

    def head(self, path: str) -> None:
        self.get(path)

    def _send(self, name: str, data: bytes) -> None:
        kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
        if kind == "text/html":
            data = data.replace(b"</head>", _DEV_TAGS + b"</head>", 1)
            data = _BODY.sub(lambda m: m[0] + placeholder_banner(self.placeholders()), data,
                             count=1)
        if kind.startswith("text/") or kind in ("application/javascript", "image/svg+xml"):
            kind += "; charset=utf-8"
        self.set_header("Content-Type", kind)
        self.set_header("Cache-Control", "no-store")
        self.set_header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        self.finish(data)


_BODY = re.compile(rb"<body\b[^>]*>")


def placeholder_banner(placeholders: Sequence[Placeholder]) -> bytes:
    """A box at the top of every previewed page naming each value still to be supplied.
    Only the preview adds it; built and published pages never contain it."""
    if not placeholders:
        return b""
    items = "".join(f"<li><code>{html.escape(p.path)}:{p.line}</code> {html.escape(p.key)}: "
                    f"<code>{html.escape(p.value)}</code></li>" for p in placeholders)
    return (f'<aside class="milamore-preview-placeholders" role="note" lang="en">'
            f"<strong>Preview only: not the shop's real values yet.</strong> These are "
            f"placeholders; the site cannot be published until they are replaced "
            f"(see the README, Placeholders):<ul>{items}</ul></aside>").encode()


class _StatusHandler(web.RequestHandler):
    def initialize(self, state: PreviewState) -> None:
        self.state = state

    def get(self) -> None:
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        status = {**self.state.status, "browsers": len(LiveReloadHandler.waiters)}
        self.finish(json.dumps(status, ensure_ascii=False))


class _AssetHandler(web.RequestHandler):
    def get(self, name: str) -> None:
        kind = "text/javascript" if name.endswith(".js") else "text/css"
        self.set_header("Content-Type", f"{kind}; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish((_ASSETS / name).read_bytes())


