"""Every HTML page of the build is valid HTML, by the Nu Html Checker (vnu, the W3C's).

The checker is `node_modules/vnu-jar` (package.json; `bash .ci/setup --browser` installs it
and Java). Starting Java costs seconds, so one run checks every page of the build together
with a known-bad page: that page must come back with its errors, which proves that the
checker really ran and reads what it is given. Without Java or the jar the tests fail and
say how to install them; they never skip.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from conftest import ROOT, Site

# both tests read one run of the checker (about 3 s of Java): in one worker
pytestmark = pytest.mark.xdist_group("nu-html-checker")

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
INSTALL = "run `bash .ci/setup --browser` (it installs Java and runs `npm ci`)"

# An <img> without alt, a duplicate id, a <div> inside a <span>, a stray end tag.
BAD_PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Bad</title></head>
<body>
<img src="ring.png">
<p id="twice">One</p><p id="twice">Two</p>
<span><div>block in inline</div></span>
</section>
</body>
</html>
"""


def _java() -> str:
    java = shutil.which("java")
    if java is None:
        pytest.fail(f"the Nu Html Checker needs Java, which is not installed: {INSTALL}",
                    pytrace=False)
    if not VNU.is_file():
        pytest.fail(f"the Nu Html Checker is missing ({VNU.relative_to(ROOT)}): {INSTALL}",
                    pytrace=False)
    return java


@pytest.fixture(scope="module")
def checked(built_site: Site, tmp_path_factory: pytest.TempPathFactory
            ) -> Iterator[tuple[list[Path], Path, dict[Path, list[str]]]]:
    """(every HTML page of the build, the bad page, errors by file), from one vnu run."""
    java = _java()
    bad = tmp_path_factory.mktemp("invalid") / "bad.html"
    bad.write_text(BAD_PAGE, encoding="utf-8")
    pages = sorted(built_site.out.rglob("*.html"))
    done = subprocess.run([java, "-jar", str(VNU), "--errors-only", "--format", "json",
                           "--stdout", str(bad), *map(str, pages)],
                          capture_output=True, text=True, timeout=180)
    try:
        messages = json.loads(done.stdout)["messages"]
    except (json.JSONDecodeError, KeyError):
        pytest.fail(f"the Nu Html Checker did not answer in JSON (exit {done.returncode}):\n"
                    f"{done.stdout[-2000:]}\n{done.stderr[-2000:]}", pytrace=False)
    errors: dict[Path, list[str]] = {}
    for message in messages:
        where = Path(unquote(urlsplit(message.get("url", "")).path))
        errors.setdefault(where, []).append(
            f"line {message.get('lastLine', '?')}: {message.get('message')}")
    yield pages, bad, errors


def test_the_checker_catches_a_known_bad_page(checked) -> None:
    _pages, bad, errors = checked
    found = "\n".join(errors.get(bad, []))
    assert "alt" in found, found
    assert "Duplicate ID" in found, found
    assert "Stray end tag" in found, found
    assert "div" in found, found


def test_every_page_of_the_build_is_valid_html(checked, built_site: Site) -> None:
    pages, bad, errors = checked
    assert len(pages) >= 20  # the run really covered the build
    assert {"index.html", "404.html", "ja/calculator/index.html", "en/search/index.html"} <= {
        p.relative_to(built_site.out).as_posix() for p in pages}
    invalid = {path: found for path, found in errors.items() if path != bad}
    assert not invalid, "\n".join(
        f"{path.relative_to(built_site.out) if path.is_relative_to(built_site.out) else path}:"
        f"\n  " + "\n  ".join(found) for path, found in invalid.items())
