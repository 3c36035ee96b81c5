"""Stage 5a: the theme's scripts, styles and images under names that carry their content hash.

`style.css` is published as `style.3f2a9c1b7d.css`: the name changes exactly when the
bytes do, so a host may let browsers keep an asset for a year (`_headers`, headers.py)
and a new build can never be half-seen with an old stylesheet. Pages link to the hashed
names (render.Urls.asset); a script that imports another (`from "./ui-strings.js"`) or a
stylesheet that points at an image (`url(favicon.svg)`) is rewritten to the hashed name
first, so the importer's hash covers what it imports.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Collection
from pathlib import PurePosixPath

from helpcenter.problems import BuildFailed, Problem

HASH_LENGTH = 10
# The references inside shipped files that name another asset of the same folder.
_JS_REFERENCE = re.compile(r"""(\b(?:from|import)\s*\(?\s*)(["'])\./([\w.-]+)\2""")
_CSS_REFERENCE = re.compile(r"""(url\(\s*)(["']?)(?:\./)?([\w.-]+)\2(?=\s*\))""")
_REFERENCES = {".js": _JS_REFERENCE, ".mjs": _JS_REFERENCE, ".css": _CSS_REFERENCE}


def hashed_name(path: str, data: bytes) -> str:
    """`assets/style.css` + its bytes -> `assets/style.<first 10 hex of sha256>.css`."""
    pure = PurePosixPath(path)
    digest = hashlib.sha256(data).hexdigest()[:HASH_LENGTH]
    return str(pure.with_name(f"{pure.stem}.{digest}{pure.suffix}"))


def fingerprint(files: dict[str, bytes]) -> tuple[dict[str, bytes], dict[str, str]]:
    """The files under hashed names, and {original path: hashed path}."""
    names: dict[str, str] = {}
    shipped: dict[str, bytes] = {}

    def visit(path: str, chain: tuple[str, ...]) -> str:
        if path in names:
            return names[path]
        if path in chain:
            raise BuildFailed([Problem(f"theme/static/{path.split('/', 1)[-1]}", 0,
                                       "scripts import each other in a circle: "
                                       + " -> ".join((*chain, path)),
                                       "let one of them stop importing the other")])
        data = _rewrite(path, files[path], files.keys(),
                        lambda target: visit(target, (*chain, path)))
        names[path] = hashed_name(path, data)
        shipped[names[path]] = data
        return names[path]

    for path in sorted(files):
        visit(path, ())
    return shipped, names


def _rewrite(path: str, data: bytes, known: Collection[str],
             resolve: Callable[[str], str]) -> bytes:
    """`data` with each reference to another asset in `known` replaced by its hashed name."""
    pattern = _REFERENCES.get(PurePosixPath(path).suffix)
    if pattern is None:
        return data
    folder = PurePosixPath(path).parent

    def replace(match: re.Match[str]) -> str:
        target = str(folder / match[3])
        if target == path or target not in known:
            return match[0]
        return f"{match[1]}{match[2]}./{PurePosixPath(resolve(target)).name}{match[2]}"

    return pattern.sub(replace, data.decode("utf-8")).encode("utf-8")
