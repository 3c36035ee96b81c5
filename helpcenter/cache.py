"""The persistent build cache: what the last build made, so the next one redoes only what changed.

It lives in `.cache/helpcenter/` under the project (ignored by git), one file per output
folder, and holds:

- a digest of every source file's bytes (site.yaml, content/, theme/, locales/), the
  command's settings, the git commit the dates come from and today's date (the
  calculator's calendar warning): when it is the same and the published folder is as the
  last build left it, the build has nothing to do;
- every page without its HTML, with the digests of the inputs it was made from
  (render/pages.py); the HTML is read back from the published folder, so a page whose
  inputs have not changed is used again instead of rendered;
- the published folder's files with their SHA-256, size and modification time: a file
  whose bytes the new build would write again is linked from the published folder
  instead of written, and a file someone changed by hand is never trusted.

Everything is keyed by the generator's own code (`CODE_VERSION`: the package's source and
the versions of the libraries that shape the output): new code starts from nothing. A
cache that cannot be read is ignored, never trusted; it is written whole (a temporary
file renamed over the old one).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.metadata
import os
import pickle
import stat
import sys
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from helpcenter.load.history import history_state
from helpcenter.load.source_files import MAX_SOURCE_BYTES
from helpcenter.problems import Problem
from helpcenter.render.calculator import today_in_shop_timezone
from helpcenter.render.pages import Page
from helpcenter.write.output import MARKER

if TYPE_CHECKING:
    from helpcenter.pipeline import BuiltSite

FOLDER = Path(".cache") / "helpcenter"
MESSAGES = FOLDER / "messages"   # the UI strings of each source file (catalogs.MessageStore)
SOURCES = ("site.yaml", "content", "theme", "locales")
LIBRARIES = ("jinja2", "markdown", "babel", "nh3", "budoux", "pagefind", "sudachipy",
             "sudachidict-core", "pyyaml", "markupsafe", "rjsmin", "rcssmin", "holidays")
FileState = tuple[str, int, int]   # sha256, size, modification time (ns)


def _code_version() -> str:
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256(sys.version.encode())
    for path in sorted(package.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".js", ".css"):
            digest.update(path.relative_to(package).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    for name in LIBRARIES:
        try:
            digest.update(f"{name}=={importlib.metadata.version(name)}".encode())
        except importlib.metadata.PackageNotFoundError:
            digest.update(f"{name}: not installed".encode())
    return digest.hexdigest()


@dataclass
class Saved:
    code: str
    sources: str                        # digest of the sources and settings
    site: str                           # the published folder's name, beside `out`
    files: dict[str, FileState]         # its files
    pages: list[Page]                   # without their HTML
    warnings: list[Problem]
    placeholders: list[str]
    per_language: dict[str, int] = field(default_factory=dict)
    file_count: int = 0                 # the files the build made (before the search index)


class BuildCache:
    """The cache of the builds of one project into one output folder."""

    def __init__(self, root: Path, out: Path, settings: tuple[object, ...] = ()) -> None:
        self.root, self.out = root, Path(os.path.abspath(out))
        name = hashlib.sha256(str(self.out).encode()).hexdigest()[:16]
        self.path = root / FOLDER / f"build-{name}.pickle"
        self.code = _code_version()
        self.sources = self._sources_digest(settings)
        self.saved = self._read()
        self._digests: dict[str, str] = {}   # sha256 of the new site's files, by path

    def unchanged(self) -> bool:
        """The sources and settings are those of the last build, and its site is intact."""
        return (self.saved is not None and self.saved.sources == self.sources
                and self._published_intact())

    def report(self) -> Saved | None:
        return self.saved

    def pages(self) -> dict[str, Page]:
        """The last build's pages with their HTML, from the published folder; {} when
        that folder is not as the last build left it."""
        if self.saved is None or not self._published_intact():
            return {}
        folder = self.out.parent / self.saved.site
        pages = {}
        for page in self.saved.pages:
            try:
                html = (folder / page.path).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            pages[page.path] = replace(page, html=html)
        return pages

    def reusable_files(self, files: dict[str, bytes]) -> dict[str, Path]:
        """The files of the new site whose bytes the published folder already holds."""
        if self.saved is None or not self._published_intact():
            return {}
        folder = self.out.parent / self.saved.site
        known = self.saved.files
        return {path: folder / path for path, data in files.items()
                if path in known and known[path][1] == len(data)
                and known[path][0] == self._sha256(path, data)}

    def _sha256(self, path: str, data: bytes) -> str:
        """A new file's digest, worked out once for `reusable_files` and `save`."""
        found = self._digests.get(path)
        if found is None:
            found = self._digests[path] = hashlib.sha256(data).hexdigest()
        return found

    def save(self, site: BuiltSite, placeholders: list[str], codes: tuple[str, ...]) -> None:
        """Record the build just published at `out` (best effort: a cache that cannot be
        written only makes the next build slower)."""
        try:
            folder = self.out.parent / os.readlink(self.out)
        except OSError:
            return
        states = _states(folder, {path: self._sha256(path, data)
                                  for path, data in site.files.items()})
        saved = Saved(self.code, self.sources, folder.name, states,
                      [replace(page, html="") for page in site.pages], site.warnings,
                      placeholders, {lang: sum(1 for p in site.pages if p.lang == lang)
                                     for lang in codes}, len(site.files))
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            (self.root / FOLDER.parent / ".gitignore").write_text("*\n")
            with tempfile.NamedTemporaryFile(dir=self.path.parent, delete=False) as handle:
                pickle.dump(saved, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(handle.name, self.path)
        except OSError:
            return

    def _read(self) -> Saved | None:
        try:
            with self.path.open("rb") as handle:
                saved = pickle.load(handle)
        except Exception:  # missing, truncated, from another version: start from nothing
            return None
        return saved if isinstance(saved, Saved) and saved.code == self.code else None

    def _published_intact(self) -> bool:
        saved = self.saved
        if saved is None:
            return False
        try:
            if os.readlink(self.out) != saved.site:
                return False
        except OSError:
            return False
        folder = self.out.parent / saved.site
        for path, (_digest, size, mtime) in saved.files.items():
            try:
                info = (folder / path).stat()
            except OSError:
                return False
            if info.st_size != size or info.st_mtime_ns != mtime:
                return False
        return True

    def _sources_digest(self, settings: tuple[object, ...]) -> str:
        digest = hashlib.sha256(repr(settings).encode())
        digest.update(history_state(self.root).encode())
        digest.update(today_in_shop_timezone(dt.datetime.now(dt.UTC)).encode())
        for path in _source_files(self.root):
            digest.update(path.relative_to(self.root).as_posix().encode() + b"\0")
            digest.update(b"\0folder" if path.is_dir() else _file_bytes(path))
        return digest.hexdigest()


def _states(folder: Path, digests: dict[str, str]) -> dict[str, FileState]:
    """Every file of a published folder (the marker file aside); `digests`: those of the
    files the build had in memory (the others, the search index and _headers, are read)."""
    states = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink() and path.name != MARKER:
            info = path.stat()
            relative = path.relative_to(folder).as_posix()
            digest = digests.get(relative) or hashlib.sha256(path.read_bytes()).hexdigest()
            states[relative] = (digest, info.st_size, info.st_mtime_ns)
    return states


def _file_bytes(path: Path) -> bytes:
    """A regular file's bytes; for anything else (a pipe, a device, a link to a folder),
    its kind: the build reports those, and reading one could wait forever."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_SOURCE_BYTES:
            return f"\0special {info.st_mode} {info.st_size}".encode()
        return path.read_bytes()
    except OSError as error:
        return f"\0unreadable {error.errno}".encode()


def _source_files(root: Path) -> list[Path]:
    """Every file and folder the build could read, under SOURCES: linked folders followed
    (each real folder once), hidden and backup files included (a build publishes a
    theme's hidden files; one change too many only costs a build)."""
    found: list[Path] = []
    for name in SOURCES:
        top = root / name
        if not top.is_dir():
            found.append(top)
            continue
        seen: set[str] = set()
        for folder, folders, files in os.walk(top, followlinks=True):
            real = os.path.realpath(folder)
            if real in seen:  # a link back up the tree
                folders[:] = []
                continue
            seen.add(real)
            folders.sort()
            found += [Path(folder) / f for f in sorted([*folders, *files])]
    return found
