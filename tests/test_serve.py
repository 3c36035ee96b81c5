"""The live preview, driven for real: `python build.py --root COPY serve --port N` in a
process of its own on a free loopback port, files edited on disk, pages fetched over
HTTP. The process is forked by the tests' build server, as the builds are
(tests/build_server.py; tests/test_build_server.py checks that it gives what the command
gives).

Every wait is bounded (WAIT seconds) and polls; a test never sleeps for a fixed time
except to show that something does *not* happen.
"""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import ServedProcess, Site, start_command

from helpcenter.write.headers import CONTENT_SECURITY_POLICY

WAIT = 30.0  # a bound, not a sleep: every wait polls and ends as soon as it can
BROKEN_CATEGORY = ("content/ja/shipping-cost.md:3: unknown category 'shiping' (did you mean "
                   "'shipping'? Categories are listed in site.yaml.)")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Preview:
    """A running `build.py serve` and everything it printed."""

    site: Site
    port: int
    process: ServedProcess | subprocess.Popen[str]
    output: list[str] = field(default_factory=list)
    collector: threading.Thread | None = None   # appends to `output`; ends after the process

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def get(self, path: str) -> tuple[int, str, dict[str, str]]:
        try:
            with urllib.request.urlopen(self.url(path), timeout=5) as response:
                return response.status, response.read().decode("utf-8"), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8"), dict(error.headers)

    def page(self, path: str) -> str:
        status, text, _headers = self.get(path)
        assert status == 200, f"{path}: HTTP {status}"
        return text

    def status(self) -> dict:
        return json.loads(self.get("/__preview__/status.json")[1])

    def wait_until(self, condition: Callable[[], object], what: str) -> None:
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            if condition():
                return
            time.sleep(0.05)
        raise AssertionError(f"waited {WAIT} s for {what}; the server printed:\n"
                             + "\n".join(self.output))

    def wait_for_status(self, state: str, since: int | None = None) -> dict:
        """The status of the next build in `state` after the build numbered `since` (by
        default: the last one now; give it when the build may finish before this call)."""
        generation = self.status()["generation"] if since is None else since
        self.wait_until(lambda: self.status()["state"] == state
                        and self.status()["generation"] > generation, f"a build that is {state}")
        return self.status()

    def lines(self, start: str) -> list[str]:
        return [line for line in list(self.output) if line.startswith(start)]

    def wait_for_line(self, start: str) -> str:
        self.wait_until(lambda: self.lines(start), f"a line '{start}…'")
        return self.lines(start)[-1]


def start_preview(site: Site, *extra: str, directly: bool = False) -> Preview:
    """The preview of the site, started by the tests' build server unless `directly`."""
    # The free port may be taken between free_port() and the server's bind by a test
    # running in parallel (pytest-xdist): then the server says so and we take another.
    for _attempt in range(5):
        preview = _launch(site, free_port(), *extra, directly=directly)
        if preview.process.poll() is None:
            return preview
        if not any(f"127.0.0.1:{preview.port}: cannot listen here" in line
                   for line in preview.output):
            break
    raise AssertionError("the preview did not start:\n" + "\n".join(preview.output))


def _launch(site: Site, port: int, *extra: str, directly: bool) -> Preview:
    """`build.py serve` on the port, once it says it is previewing or has exited."""
    output: list[str] = []
    process, collector = start_command(
        ["--root", str(site.root), "serve", "--port", str(port), *extra], output, directly)
    preview = Preview(site, port, process, output, collector)
    preview.wait_until(lambda: preview.lines("Previewing the help center at")
                       or process.poll() is not None, "the server to start")
    if process.poll() is not None:
        collector.join(timeout=WAIT)  # everything it printed before exiting
    return preview


def stop_preview(preview: Preview) -> None:
    """Ctrl+C, as an editor stops it: a clean exit, never a traceback."""
    if preview.process.poll() is None:
        preview.process.send_signal(signal.SIGINT)
        preview.process.wait(timeout=WAIT)
    if preview.collector is not None:
        preview.collector.join(timeout=WAIT)   # the last lines it printed
    assert "Traceback" not in "\n".join(preview.output), "\n".join(preview.output)


@pytest.fixture
def preview(site: Site) -> Iterator[Preview]:
    running = start_preview(site)
    yield running
    stop_preview(running)


def test_an_edit_appears_on_the_page_and_other_pages_stay_the_same(preview: Preview) -> None:
    untouched = preview.page("/en/receipts/")
    preview.site.replace("content/ja/shipping-cost.md", "そちらでご確認ください",
                         "そちらでお確かめください")

    preview.wait_until(lambda: "そちらでお確かめください" in preview.page("/ja/shipping-cost/"),
                       "the edited sentence on the page")
    assert preview.page("/en/receipts/") == untouched
    assert preview.wait_for_line("rebuilt (content/ja/shipping-cost.md) in ")


def test_a_broken_file_shows_its_problem_and_fixing_it_clears_it(preview: Preview) -> None:
    before = preview.page("/ja/shipping-cost/")
    preview.site.replace("content/ja/shipping-cost.md", "category: shipping", "category: shiping")

    status = preview.wait_for_status("failed")
    assert status["problems"] == [BROKEN_CATEGORY]
    assert status["headline"] == ("The last change has 1 problem; this is the last good "
                                  "preview")
    assert preview.page("/ja/shipping-cost/") == before, "the last good page is still served"
    preview.wait_for_line(BROKEN_CATEGORY)
    assert preview.lines("build failed (content/ja/shipping-cost.md): 1 problem; "
                         "still showing the last good preview")

    preview.site.replace("content/ja/shipping-cost.md", "category: shiping", "category: shipping")
    status = preview.wait_for_status("ok")
    assert status["problems"] == []
    fixed = preview.wait_for_line("rebuilt (content/ja/shipping-cost.md) in ")
    assert fixed.split(": ")[0].endswith("(problems fixed)")


def test_a_burst_of_saves_causes_one_rebuild(preview: Preview) -> None:
    path = preview.site.root / "content/ja/receipts.md"
    text = path.read_text(encoding="utf-8")
    for save in range(10):
        path.write_text(text + f"\n保存{save}回目。\n", encoding="utf-8")
        time.sleep(0.02)

    preview.wait_until(lambda: "保存9回目" in preview.page("/ja/receipts/"), "the last save")
    time.sleep(1.0)  # any further rebuild would have started by now
    assert len(preview.lines("rebuilt")) == 1, "\n".join(preview.output)


def test_saving_a_file_unchanged_does_not_rebuild(preview: Preview) -> None:
    path = preview.site.root / "content/ja/receipts.md"
    path.write_bytes(path.read_bytes())
    (preview.site.root / "theme/static/style.css").touch()
    time.sleep(1.5)
    assert preview.lines("rebuilt") == []
    assert preview.lines("build failed") == []


def test_a_policy_value_changes_both_languages_and_keeps_translations_fresh(
        preview: Preview) -> None:
    preview.site.replace("content/policies.yaml", "fee: 1000 ", "fee: 1200 ")

    preview.wait_until(lambda: "1,200円" in preview.page("/ja/shipping-cost/"), "1,200円")
    assert "¥1,200" in preview.page("/en/shipping-cost/")
    assert preview.status()["warnings"] == []


def test_pages_get_the_preview_scripts_as_files_and_the_build_does_not(
        preview: Preview, tmp_path: Path) -> None:
    html = preview.page("/ja/shipping-cost/")
    assert ('<link rel="stylesheet" href="/__preview__/overlay.css">'
            '<script src="/__preview__/overlay.js" defer></script>'
            '<script src="/livereload.js" defer></script></head>') in html
    status, script, headers = preview.get("/__preview__/overlay.js")
    assert status == 200 and headers["Content-Type"].startswith("text/javascript")
    assert "textContent" in script and "innerHTML" not in script
    assert preview.get("/livereload.js")[0] == 200
    assert preview.get("/__preview__/overlay.css")[0] == 200

    out = tmp_path / "public"
    assert preview.site.run("build", "--out", str(out)).code == 0
    built = "\n".join(p.read_text(encoding="utf-8", errors="replace")
                      for p in out.rglob("*") if p.is_file())
    assert "__preview__" not in built and "livereload" not in built


def test_unknown_addresses_get_the_404_page_and_folders_redirect(preview: Preview) -> None:
    status, text, _headers = preview.get("/ja/no-such-question/")
    assert status == 404 and text == preview.page("/404.html")
    assert "No request lines are printed without --verbose" and not [
        line for line in preview.output if "GET /" in line]
    with urllib.request.urlopen(preview.url("/ja/shipping-cost"), timeout=5) as response:
        assert response.url.endswith("/ja/shipping-cost/")


def test_it_listens_on_127_0_0_1_only(preview: Preview) -> None:
    with socket.socket() as other_loopback, pytest.raises(ConnectionRefusedError):
        other_loopback.settimeout(2)
        other_loopback.connect(("127.0.0.2", preview.port))  # bound to 0.0.0.0, this works
    listening = Path("/proc/net/tcp").read_text().splitlines()[1:]
    local = [line.split()[1] for line in listening if line.split()[3] == "0A"]  # LISTEN
    assert f"0100007F:{preview.port:04X}" in local
    assert f"00000000:{preview.port:04X}" not in local


def test_bad_input_of_every_kind_never_stops_the_server(preview: Preview) -> None:
    site = preview.site
    good = {name: (site.root / name).read_bytes() for name in (
        "site.yaml", "content/policies.yaml", "theme/templates/base.html",
        "locales/ja/LC_MESSAGES/messages.po", "content/ja/receipts.md")}
    damage = {"site.yaml": b"languages: [\n", "content/policies.yaml": b"\xff\xfe broken",
              "theme/templates/base.html": b"{% block main %}",
              "locales/ja/LC_MESSAGES/messages.po": b'msgid "x\nmsgstr',
              "content/ja/receipts.md": b"\x00\x01\x02"}
    for name, data in damage.items():
        (site.root / name).write_bytes(data)
        preview.wait_for_status("failed")
        (site.root / name).write_bytes(good[name])
        preview.wait_for_status("ok")
    (site.root / "content/ja/receipts.md").unlink()
    assert preview.wait_for_status("failed")["problems"]
    (site.root / "content/ja/receipts.md").write_bytes(good["content/ja/receipts.md"])
    preview.wait_for_status("ok")
    assert preview.process.poll() is None
    assert "internal error" not in "\n".join(preview.output)


def test_a_site_that_is_broken_from_the_start_is_served_once_fixed(site: Site) -> None:
    site.replace("content/ja/shipping-cost.md", "category: shipping", "category: shiping")
    preview = start_preview(site)
    try:
        assert preview.status()["state"] == "failed"
        assert preview.status()["problems"] == [BROKEN_CATEGORY]
        status, html, _headers = preview.get("/ja/")
        assert status == 404 and "The preview is not ready" in html
        assert '<script src="/__preview__/overlay.js" defer>' in html

        site.replace("content/ja/shipping-cost.md", "category: shiping", "category: shipping")
        preview.wait_for_status("ok")
        assert "送料はいくらですか" in preview.page("/ja/shipping-cost/")
    finally:
        stop_preview(preview)


def test_a_port_in_use_is_a_message_not_a_traceback(site: Site) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = site.run("serve", "--port", str(port))
    assert result.code == 1
    assert f"127.0.0.1:{port}: cannot listen here:" in result.stderr
    assert f"try --port {port + 1}" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


@pytest.mark.browser
def test_the_overlay_in_a_real_browser_under_the_preview_csp(preview: Preview) -> None:
    """The page shows the problem in an overlay, then reloads by itself once it is fixed.

    The preview sends the strict policy search.js documents for hosts, so the overlay and
    livereload must work without inline scripts; any violation is a console error.
    """
    from playwright import sync_api as playwright_api  # in requirements.txt: never a skip
    assert preview.get("/ja/")[2]["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                             args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page()
        errors: list[str] = []
        page.on("console", lambda message: errors.append(message.text)
                if message.type == "error" else None)
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(preview.url("/ja/shipping-cost/"))
        preview.wait_until(lambda: preview.status()["browsers"] == 1, "livereload to connect")

        preview.site.replace("content/ja/shipping-cost.md", "category: shipping",
                             "category: shiping")
        overlay = page.locator(".milamore-preview-overlay")
        overlay.wait_for(timeout=WAIT * 1000)
        assert BROKEN_CATEGORY in overlay.inner_text()

        preview.site.replace("content/ja/shipping-cost.md", "category: shiping\n",
                             "category: shipping\n")
        overlay.wait_for(state="detached", timeout=WAIT * 1000)
        preview.site.replace("content/ja/shipping-cost.md", "そちらでご確認ください",
                             "そちらでお確かめください")
        page.locator("main", has_text="そちらでお確かめください").wait_for(timeout=WAIT * 1000)
        assert errors == []
        browser.close()


def test_the_search_index_is_made_in_the_background_and_follows_edits(preview: Preview) -> None:
    preview.wait_until(lambda: preview.get("/pagefind/pagefind-entry.json")[0] == 200,
                       "the search index")
    entry = json.loads(preview.get("/pagefind/pagefind-entry.json")[1])
    assert set(entry["languages"]) == {"ja", "en"}
    assert preview.get("/pagefind/pagefind.js")[0] == 200
    before = preview.get("/pagefind/pagefind-entry.json")[1]

    preview.site.replace("content/en/receipts.md", "If you need a receipt",
                         "If you need a receipt or an invoice")
    preview.wait_until(lambda: preview.get("/pagefind/pagefind-entry.json")[1] != before,
                       "a new search index")


def test_kill_stops_it_as_cleanly_as_ctrl_c(site: Site) -> None:
    preview = start_preview(site)
    preview.process.terminate()
    assert preview.process.wait(timeout=WAIT) == 0
    preview.wait_for_line("Stopped the preview.")
    assert "Traceback" not in "\n".join(preview.output)
