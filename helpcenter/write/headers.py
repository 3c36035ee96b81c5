"""Stage 7c: the HTTP headers the site is published with, as a `_headers` file.

Netlify and Cloudflare Pages read `_headers` from the published folder; other hosts get
the same values from the README (Publishing). One source of truth: the preview sends
`CONTENT_SECURITY_POLICY` too, and the browser tests import it from here.

- Security headers on every file. The policy allows only the site's own files, and
  WebAssembly compilation for Pagefind's search (`'wasm-unsafe-eval'`): no inline
  script, no other origin. Every page also works under the stricter `default-src 'self'`
  (tests/browser/test_strict_csp.py).
- `Cache-Control`: a year, immutable, for files whose name carries their content hash
  (our assets/, Pagefind's fragments, indexes and metadata); for everything else (HTML,
  sitemap.xml, pagefind.js and its entry file, whose names never change) browsers and
  CDNs revalidate on every use, so a new deploy is seen at once and no cached page ever
  points at an asset that a deploy removed.

Each file of the site matches exactly one `Cache-Control` rule: hosts combine the values
of several matching rules (Cloudflare joins them with a comma), which would give a
hashed file two lifetimes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'"
SECURITY_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
)
LONG_CACHE = "public, max-age=31536000, immutable"
SHORT_CACHE = "public, max-age=0, must-revalidate"
HEADERS_FILE = "_headers"
# A name that ends in a content hash: style.3f2a9c1b7d.css (assets.py), en_8c1e2f4.pf_fragment
# and pagefind.en_8c1e2f4.pf_meta (Pagefind).
_HASHED = re.compile(r"[._][0-9a-f]{7,}\.[A-Za-z_]+$")


def is_hashed(path: str) -> bool:
    return bool(_HASHED.search(PurePosixPath(path).name))


def headers_file(paths: Iterable[str]) -> str:
    """`_headers` for the site's files (paths relative to the published folder)."""
    lines = ["# Made by build.py (helpcenter/write/headers.py): HTTP headers for hosts that read",
             "# this file (Netlify, Cloudflare Pages). Paths are relative to the published",
             "# folder. Every file matches exactly one Cache-Control rule.", "/*"]
    lines += [f"  {name}: {value}" for name, value in SECURITY_HEADERS]
    for pattern, hashed in _cache_rules(sorted(set(paths) - {HEADERS_FILE})):
        lines += [pattern, f"  Cache-Control: {LONG_CACHE if hashed else SHORT_CACHE}"]
    return "\n".join(lines) + "\n"


def write_headers(folder: Path) -> None:
    """Write `_headers` for every file staged in `folder` (after the search index)."""
    paths = [p.relative_to(folder).as_posix() for p in folder.rglob("*")
             if p.is_file() and not p.name.startswith(".")]
    (folder / HEADERS_FILE).write_text(headers_file(paths), encoding="utf-8")


def _cache_rules(paths: list[str], folder: str = "") -> list[tuple[str, bool]]:
    """(pattern, hashed) rules: `/folder/*` when all of a folder's files agree, else one
    rule per file, and `/` for the root page."""
    inside = [p for p in paths if p.startswith(folder)]
    kinds = {is_hashed(p) for p in inside}
    if folder and len(kinds) == 1:
        return [(f"/{folder}*", kinds.pop())]
    rules: list[tuple[str, bool]] = []
    subfolders = sorted({p[len(folder):].split("/", 1)[0] + "/" for p in inside
                         if "/" in p[len(folder):]})
    for sub in subfolders:
        rules += _cache_rules(inside, folder + sub)
    for path in inside:
        if "/" not in path[len(folder):]:
            rules.append((f"/{path}", is_hashed(path)))
            if path.endswith("index.html"):
                rules.append((f"/{path.removesuffix('index.html')}", False))
    return rules
