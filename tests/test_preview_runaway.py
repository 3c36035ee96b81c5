"""The live preview against content that makes a build run away: a real `build.py serve`
on 127.0.0.1, real files saved in a scratch copy of the help center.

The runaway answer below stays inside every count limit (limits.py) but does real work
at each of its 190,000 steps, so it runs for many seconds, as a slow runaway would; the
preview must keep serving, say that it is rebuilding (never "ok"), drop that build at
the next save, and build the fix.
"""

from __future__ import annotations

import os
import signal

import pytest
from conftest import Site
from test_serve import WAIT, Preview, start_preview, stop_preview

RUNAWAY = ("{% for i in range(10000) %}{% for j in range(19) %}"
           "{{ ('a' * 99999) | replace('a', 'b') | length }}{% endfor %}{% endfor %}")
ENTRY = "content/ja/shipping-cost.md"


def save_runaway(preview: Preview) -> None:
    preview.site.write(ENTRY, preview.site.read(ENTRY) + "\n" + RUNAWAY + "\n")


def wait_for_slow_build(preview: Preview) -> dict:
    preview.wait_for_line("still rebuilding after")
    status = preview.status()
    assert status["state"] == "building", status
    return status


def test_a_runaway_edit_is_reported_and_the_next_save_is_built(site: Site) -> None:
    preview = start_preview(site)
    try:
        good = site.read(ENTRY)
        save_runaway(preview)
        status = wait_for_slow_build(preview)
        assert "content/ja/shipping-cost.md" in status["notice"]
        # the server answers while the build runs, with the last good site
        assert "全国一律" in preview.page("/ja/shipping-cost/")
        before = preview.status()["generation"]   # the fix builds in a few ms
        site.write(ENTRY, good.replace("全国一律", "全国どこでも一律"))
        preview.wait_for_line("stopping the slow build")
        status = preview.wait_for_status("ok", since=before)
        assert status["problems"] == [] and status["notice"] == ""
        assert "全国どこでも一律" in preview.page("/ja/shipping-cost/")
        assert not [line for line in preview.output if line.startswith("build failed")]
    finally:
        stop_preview(preview)


def test_a_runaway_that_is_not_fixed_ends_in_a_problem_naming_the_file(site: Site) -> None:
    preview = start_preview(site)
    try:
        before = site.read(ENTRY)
        assert before.endswith("\n")
        site.write(ENTRY, before + "{{ 'a' * 10**9 }}\n")
        line = before.count("\n") + 1
        status = preview.wait_for_status("failed")
        assert status["problems"] == [
            f"content/ja/shipping-cost.md:{line}: this makes 1,000,000,000 characters: too much for "
            "one answer (write the text out, or repeat it fewer times)"]
        assert "全国一律" in preview.page("/ja/shipping-cost/")  # the last good page
    finally:
        stop_preview(preview)


def test_one_ctrl_c_stops_the_preview_during_a_runaway_build(site: Site) -> None:
    preview = start_preview(site)
    save_runaway(preview)
    wait_for_slow_build(preview)
    preview.process.send_signal(signal.SIGINT)
    # Well under the runaway's own 10 s backstop: today's bug ran until the build ended.
    assert preview.process.wait(timeout=5) == 0
    preview.wait_for_line("Stopped the preview.")
    assert "Traceback" not in "\n".join(preview.output)



def test_a_named_pipe_saved_as_an_entry_is_reported_and_never_blocks(site: Site) -> None:
    """Reading a pipe waits for a writer for ever: the preview must not even try."""
    preview = start_preview(site)
    try:
        pipe = site.root / "content/ja/pipe.md"
        os.mkfifo(pipe)
        status = preview.wait_for_status("failed")
        assert status["problems"] == [
            "content/ja/pipe.md: this is a pipe (FIFO), not a file, so it cannot be an entry "
            "(move it out of content/, or rename it so that it does not end in .md)"]
        assert "全国一律" in preview.page("/ja/shipping-cost/")
        pipe.unlink()
        assert preview.wait_for_status("ok")["problems"] == []
    finally:
        stop_preview(preview)


@pytest.mark.browser
def test_the_overlay_says_a_runaway_build_is_still_running_then_shows_the_fix(
        site: Site) -> None:
    """In a real browser, under the preview's strict CSP: the box on the page says that the
    build is still running (the page itself is the last good one); once the fix is built,
    the page reloads with it and the notice goes."""
    from playwright import sync_api as playwright_api  # in requirements.txt: never a skip
    preview = start_preview(site)
    try:
        with playwright_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                                 args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(preview.url("/ja/shipping-cost/"))
            preview.wait_until(lambda: preview.status()["browsers"] == 1,
                               "livereload to connect")
            good = site.read(ENTRY)
            save_runaway(preview)
            overlay = page.locator(".milamore-preview-overlay")
            overlay.wait_for(timeout=WAIT * 1000)
            assert "Still rebuilding after" in overlay.inner_text()
            assert "content/ja/shipping-cost.md" in overlay.inner_text()
            site.write(ENTRY, good.replace("全国一律", "全国どこでも一律"))
            page.locator("main", has_text="全国どこでも一律").wait_for(timeout=WAIT * 1000)
            # the notice goes; the box stays for the warning that the English is now stale
            page.locator(".milamore-preview-notice").wait_for(state="detached",
                                                              timeout=WAIT * 1000)
            assert "Still rebuilding" not in overlay.inner_text()
            assert errors == []
            browser.close()
    finally:
        stop_preview(preview)
