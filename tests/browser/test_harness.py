"""The browser test harness itself: a broken page must be caught, and the server must behave
like the static host the site is published on. Without these, a harness that silently
stopped seeing CSP violations or served everything with status 200 would let every browser
test pass."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

BAD_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>bad</title>
<link rel="stylesheet" href="/missing.css"></head>
<body><p style="color: red">inline style</p>
<script>document.title = "inline script ran";</script>
<script src="throws.js"></script>
</body></html>
"""


@pytest.fixture(scope="module")
def scratch_server(tmp_path_factory: pytest.TempPathFactory, serve: Callable[..., object]):
    folder = tmp_path_factory.mktemp("harness")
    (folder / "bad.html").write_text(BAD_PAGE, encoding="utf-8")
    (folder / "throws.js").write_text('console.error("logged"); throw new Error("boom");\n')
    (folder / "404.html").write_text("<!DOCTYPE html><title>not here</title><p>not here</p>\n")
    (folder / "empty").mkdir()
    (folder / "sub").mkdir()
    (folder / "sub" / "index.html").write_text("<!DOCTYPE html><title>sub</title>\n")
    return serve(folder, "/helpcenter/")


def test_a_page_that_breaks_the_policy_is_caught(scratch_server, open_page) -> None:
    visit = open_page(scratch_server.url("bad.html"))

    problems = visit.problems()

    assert visit.page.title() == "bad", "the inline script ran: the CSP was not enforced"
    violations = visit.csp_violations()
    assert any("script-src" in v and "inline" in v for v in violations), violations
    assert any("style-src" in v for v in violations), violations
    assert any("boom" in e for e in visit.js_errors), visit.js_errors
    assert any("logged" in e for e in visit.console_errors), visit.console_errors
    assert any("404" in e for e in visit.console_errors), "the missing stylesheet went unseen"
    assert len(problems) >= 5, problems


def test_the_server_sends_the_csp_and_behaves_like_a_static_host(scratch_server, fetch) -> None:
    found = fetch(scratch_server.url("bad.html"))
    assert found.status == 200
    assert found.headers["Content-Security-Policy"] == "default-src 'self'"
    assert found.headers["Content-Type"].startswith("text/html")

    missing = fetch(scratch_server.url("no/such/page/"))
    assert (missing.status, missing.text) == (404, Path(scratch_server.folder,
                                                         "404.html").read_text())
    assert missing.headers["Content-Security-Policy"] == "default-src 'self'"

    assert fetch(scratch_server.origin + "/bad.html").status == 404  # outside the sub-path
    assert fetch(scratch_server.url("empty/")).status == 404  # no folder listings
    assert fetch(scratch_server.url("throws.js")).headers["Content-Type"] == "text/javascript"
    folder = fetch(scratch_server.url("sub"))
    assert (folder.status, folder.url) == (200, scratch_server.url("sub/"))
