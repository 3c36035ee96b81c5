"""The live preview's builds: in memory, incremental, never touching public/.

The preview keeps the loaded sources and the last good site in memory. A change to
entries only (content/<lang>/*.md) re-reads just those files and re-checks how the
entries fit together; any other change (site.yaml, policies.yaml, theme, locales)
loads everything again. Then the same stages as the build run (pipeline.py: render
and check), given the last good site's pages: each page whose recorded inputs are
unchanged is used again, so an edited answer renders its own page and the few pages
that show it (render/dependencies.py). A change that breaks the build leaves the last
good site in place, to be served until the problems are fixed.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from helpcenter import pipeline
from helpcenter.load.content import Entry, EntryMemo, EntryTexts, read_entry
from helpcenter.load.entry_checks import check_entries
from helpcenter.load.placeholders import Placeholder
from helpcenter.load.source_files import ignored
from helpcenter.load.sources import Sources, load_sources
from helpcenter.load.translation_status import stale_pages
from helpcenter.preview.watch import hashes, scan
from helpcenter.problems import BuildFailed, Problem, display_path
from helpcenter.render.pages import Page


@dataclass(frozen=True)
class Outcome:
    """What one rebuild did, for the terminal and the browser overlay."""

    ok: bool
    seconds: float = 0.0
    problems: tuple[Problem, ...] = ()      # errors: the site was not updated
    warnings: tuple[Problem, ...] = ()
    changed_sources: tuple[str, ...] = ()   # as editors know them: content/ja/a.md
    changed_files: tuple[str, ...] = ()     # output files whose bytes changed
    rendered: str = "all pages"             # or "3 entry pages"
    skipped: bool = False                   # the files were saved but did not change


@dataclass
class PreviewBuilder:
    root: Path
    base_url: str
    files: dict[str, bytes] = field(default_factory=dict)   # the last good site
    placeholders: tuple[Placeholder, ...] = ()   # site.yaml's `# placeholder` values, ditto
    _hashes: dict[Path, str | None] = field(default_factory=dict)
    _sources: Sources | None = None     # of the last good full load
    _site: pipeline.BuiltSite | None = None
    _dirty: set[Path] = field(default_factory=set)   # changed since the last good build
    _memo: EntryMemo = field(default_factory=dict)   # entries read, by their file's text
    _texts: EntryTexts = field(default_factory=dict)  # entry files' texts, none changed since

    @property
    def pages(self) -> list[Page]:
        """The pages of the last good build."""
        return self._site.pages if self._site is not None else []

    def build_all(self) -> Outcome:
        self._hashes = hashes(Path(path) for path in scan(self.root))
        self._sources = None
        self._texts = {}
        return self._attempt(set(self._hashes), time.perf_counter())

    def rebuild(self, paths: Iterable[Path]) -> Outcome:
        """Rebuild after `paths` changed on disk; skipped when no file's bytes changed."""
        started = time.perf_counter()
        now = hashes(paths)
        really = {path for path, digest in now.items() if self._hashes.get(path) != digest}
        self._hashes.update(now)
        if not really:
            return Outcome(ok=True, skipped=True, seconds=time.perf_counter() - started)
        return self._attempt(really, started)

    def _attempt(self, paths: set[Path], started: float) -> Outcome:
        shown = tuple(sorted(display_path(p, self.root) for p in paths))
        paths = paths | self._dirty  # a file that broke the last build is read again
        self._dirty = paths
        for path in paths:
            self._texts.pop(path, None)
        try:
            sources = self._load(paths)
            site = pipeline.render_and_check(sources, self._site)
        except BuildFailed as failed:
            return Outcome(False, time.perf_counter() - started, tuple(failed.problems),
                           changed_sources=shown)
        except (OSError, UnicodeDecodeError) as error:
            return Outcome(False, time.perf_counter() - started,
                           (_unreadable(error, shown),), changed_sources=shown)
        changed = _changed_files(self.files, site.files)
        self.files, self._sources, self._site = site.files, sources, site
        self.placeholders = sources.config.placeholders
        self._dirty = set()
        rendered = "all pages" if site.rendered == len(site.pages) else \
            f"{site.rendered} page{'' if site.rendered == 1 else 's'}"
        return Outcome(True, time.perf_counter() - started, (), tuple(site.warnings), shown,
                       tuple(sorted(changed)), rendered)

    def _load(self, paths: set[Path]) -> Sources:
        """The sources after the change: only the changed entries read again, when only
        entries changed."""
        base = self._sources
        if base is None or not all(self._is_entry(path, base) for path in paths):
            self._sources = None  # until this full load succeeds
            memo = dict(self._memo)   # the entries as they were read, by their text
            sources = load_sources(self.root, self.base_url, memo, texts=self._texts)
            current = {id(entry) for entry in sources.entries}
            self._memo = {key: entry for key, entry in memo.items() if id(entry) in current}
            return sources
        entries = _replace_entries(base, paths)
        # (the base is the last good build's, and `paths` hold every change since it)
        slugs = {path.stem for path in paths}   # the file name is the slug
        problems = check_entries(base.config, base.policies, entries, slugs)
        if any(not p.warning for p in problems):
            raise BuildFailed(problems)
        return replace(base, entries=entries, stale=_stale_after(base, entries, slugs))

    def _is_entry(self, path: Path, sources: Sources) -> bool:
        return (path.suffix == ".md" and not ignored(path.name)
                and path.parent.name in sources.config.codes
                and path.parent.parent == self.root / "content")


def _replace_entries(base: Sources, paths: set[Path]) -> list[Entry]:
    """The base's entries with the changed files read again; raises on their problems."""
    config = base.config
    by_path = {e.path: e for e in base.entries}
    problems: list[Problem] = []
    for path in sorted(paths):
        shown = display_path(path, config.root)
        by_path.pop(shown, None)
        if path.exists() or path.is_symlink():  # a pipe or a link to a device is reported
            entry, found = read_entry(path, path.parent.name, config)
            problems += found
            if entry is not None:
                by_path[shown] = entry
    if problems:
        raise BuildFailed(problems)
    order = {lang: index for index, lang in enumerate(config.codes)}
    return sorted(by_path.values(), key=lambda e: (order[e.lang], e.path))


def _stale_after(base: Sources, entries: list[Entry],
                 slugs: set[str]) -> frozenset[tuple[str, str]]:
    """The stale translations after the entry files of `slugs` changed: a translation's
    state depends only on its own file and its source's, so only those slugs are looked
    at again."""
    kept = (pair for pair in base.stale if pair[1] not in slugs)
    return frozenset(kept) | stale_pages(base.config, [e for e in entries if e.slug in slugs])


def _changed_files(before: dict[str, bytes], after: dict[str, bytes]) -> set[str]:
    return {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}


def _unreadable(error: OSError | UnicodeDecodeError, changed: Sequence[str]) -> Problem:
    if isinstance(error, UnicodeDecodeError):
        where = changed[0] if len(changed) == 1 else ", ".join(changed) or "a source file"
        return Problem(where, 0, "a file is not saved as UTF-8",
                       "save it again with the encoding UTF-8")
    name = getattr(error, "filename", None) or (changed[0] if changed else "a source file")
    return Problem(str(name), 0, f"cannot be read: {error.strerror or error}",
                   "check that the file exists and that you may read it")


__all__ = ["Outcome", "PreviewBuilder"]
