"""What a page of the built site costs to load: its HTML and the CSS and JS it pulls in.

Read from the built files, without a browser: the stylesheets and scripts the HTML links,
then every module those scripts import statically (`import … from "./x.js"`), as the browser
follows them. Imports written as `import(…)` run later, on demand (search.js imports
Pagefind only once there is a query), and are not part of loading the page. Sizes are bytes
on disk, before any compression. tests/browser/test_requests.py checks that a real
Chromium loads exactly these files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath

BUDGET = 50_000
"""Bytes of HTML + CSS + JS an entry page may weigh before compression ("50 KB")."""

# A static import or re-export, in source or minified form: `import x from "./a.js"`,
# `import{a}from"./a.js"`, `import "./a.js"`, `export { a } from "./a.js"`. Not `import(…)`.
_STATIC_IMPORT = re.compile(
    r"""\bimport\s*(['"])(?P<bare>[^'"]+)\1"""
    r"""|\b(?:import|export)\b[^'"`;()]*?\bfrom\s*(['"])(?P<from>[^'"]+)\3""")


class _Links(HTMLParser):
    """The stylesheets, scripts and images of one HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.styles: list[str] = []
        self.scripts: list[str] = []
        self.images: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "link" and "stylesheet" in (found.get("rel") or "").split():
            self.styles.append(found.get("href") or "")
        elif tag == "script" and found.get("src"):
            self.scripts.append(found["src"] or "")
        elif tag == "img":
            self.images.append(found)


@dataclass(frozen=True)
class PageWeight:
    page: str
    """The HTML file, relative to the site folder."""
    files: dict[str, int]
    """Every file loaded with the page (the page included), relative path -> bytes."""
    images: list[dict[str, str | None]]
    """The attributes of each <img> of the page."""

    @property
    def total(self) -> int:
        return sum(self.files.values())

    def describe(self) -> str:
        parts = ", ".join(f"{name} {size:,}" for name, size in self.files.items())
        return f"{self.page}: {self.total:,} bytes ({parts})"


def static_imports(script: str) -> list[str]:
    """The addresses a script imports before it runs."""
    return [match.group("bare") or match.group("from")
            for match in _STATIC_IMPORT.finditer(script)]


def weigh(site: Path, page: str, base_path: str = "/") -> PageWeight:
    """The HTML file `page` (relative to `site`) and everything it loads, with sizes."""
    site = site.resolve()  # `public` is a link to the folder of the current build
    html_file = site / page
    links = _Links()
    links.feed(html_file.read_text(encoding="utf-8"))
    files = {page: html_file.stat().st_size}
    queue = [_local(site, base_path, address) for address in links.styles + links.scripts]
    while queue:
        path = queue.pop(0)
        name = path.relative_to(site).as_posix()
        if name in files:
            continue
        files[name] = path.stat().st_size
        if path.suffix in {".js", ".mjs"}:
            text = path.read_text(encoding="utf-8")
            queue += [(path.parent / address).resolve() for address in static_imports(text)
                      if address.startswith(".")]
    return PageWeight(page, files, links.images)


def _local(site: Path, base_path: str, address: str) -> Path:
    """The file of a site-absolute address such as /assets/style.css."""
    if not address.startswith(base_path):
        raise ValueError(f"not a file of the site: {address!r}")
    relative = PurePosixPath(address[len(base_path):])
    return (site / relative).resolve()
