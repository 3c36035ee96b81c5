"""The one assembly of the build: load -> render -> check -> write (+ search index).

    load    read and validate every source (load/sources.py)
    render  the pages, in memory, from the sources alone (render/site.py)
    check   the promises the pages make: coverage, links, synonyms (check/site_checks.py)
    write   the files, switched in whole (write/output.py), with the search index

`build_site` runs all four; `check_site` is the same run without the write; the live
preview calls `render_and_check` with its own last pages. Each stage reports all of its
problems, and the run stops at the end of the first stage that has any. A build keeps
what it made in a persistent cache (cache.py) so that the next build renders only the
pages whose inputs changed, and does nothing at all when no source changed.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from helpcenter import cache
from helpcenter.check.editor_checks import editor_warnings
from helpcenter.check.site_checks import Checked
from helpcenter.check.site_checks import check_site as check_pages
from helpcenter.load.config import load_config, production_problems
from helpcenter.load.policy import PolicyData
from helpcenter.load.sources import Sources, load_sources
from helpcenter.load.synonyms import SYNONYMS_FILE
from helpcenter.problems import BuildFailed, Problem, stop_if_any
from helpcenter.render.assets import fingerprint
from helpcenter.render.calculator import calendar_warning, today_in_shop_timezone
from helpcenter.render.dependencies import Digests
from helpcenter.render.pages import Page
from helpcenter.render.site import render_site, sitemap, static_files
from helpcenter.write.headers import write_headers
from helpcenter.write.output import output_problems, write_site
from helpcenter.write.search_index import (
    BUNDLE,
    SearchIndexer,
    check_counts,
    has_bundles,
    pages_to_index,
)


@dataclass(frozen=True)
class BuiltSite:
    files: dict[str, bytes]
    pages: list[Page]
    warnings: list[Problem]
    rendered: int = 0          # pages rendered; the others were used again
    checked: Checked = field(default_factory=Checked)  # what the checks found on pages
    digests: Digests | None = None    # of the pages' inputs (render/dependencies.py)


@dataclass(frozen=True)
class BuildReport:
    out: Path
    pages_per_language: dict[str, int]
    files: int
    seconds: float
    warnings: list[Problem]
    placeholders: list[str] = field(default_factory=list)  # notices, one line each
    rendered: int = 0
    unchanged: bool = False    # nothing changed since the last build: nothing was written


def render_and_check(sources: Sources, earlier: BuiltSite | None = None,
                     parallel: bool = False) -> BuiltSite:
    """Stages 2 and 3: the site in memory, checked. `earlier`: an earlier run's site (the
    live preview's last good one, or the pages of the last build): each page is used
    again when nothing it was made from changed, and what its checks found is known;
    `parallel`: render the languages in parallel processes."""
    assets, asset_names = fingerprint(static_files(sources))
    previous = {page.path: page for page in earlier.pages} if earlier else None
    result = render_site(sources, {_asset_name(path): _asset_name(hashed)
                                   for path, hashed in asset_names.items()}, previous,
                         parallel, earlier.digests if earlier else None)
    stop_if_any(result.problems)
    pages = sorted(result.pages, key=lambda page: page.path)
    problems, checked = check_pages(sources, pages, assets,
                                    earlier.checked if earlier else None)
    stop_if_any(problems)
    sitemap_xml, robots = sitemap(sources.config, pages)
    files = {page.path: page.data for page in pages}
    files |= assets | {"sitemap.xml": sitemap_xml.encode(), "robots.txt": robots.encode()}
    files[f"pagefind/{SYNONYMS_FILE}"] = sources.synonyms.browser_file()
    warnings = _calendar_warnings(sources.policies) + editor_warnings(
        sources.config, sources.policies, sources.entries, sources.translations,
        sources.stale)
    return BuiltSite(files, pages, sorted(set(warnings)), result.rendered, checked,
                     result.digests)


def _asset_name(path: str) -> str:
    return path.removeprefix("assets/")


def _calendar_warnings(policies: PolicyData) -> list[Problem]:
    """Warn, without failing, when the calculator's holiday calendar is about to run out."""
    today = dt.date.fromisoformat(today_in_shop_timezone(dt.datetime.now(dt.UTC)))
    message = calendar_warning(policies.policies, today)
    key = ("policies", "dispatch", "business_days", "calendar_years", "last")
    return [Problem(policies.path, policies.lines.line(key), message, warning=True)] \
        if message else []


def check_site(root: Path, base_url: str | None = None, production: bool = False,
               progress: Callable[[str], None] = lambda _stage: None) -> tuple[Sources, BuiltSite]:
    """Everything the build validates, without writing anything."""
    progress("load")
    sources = load_sources(root, base_url, kept=root / cache.MESSAGES)
    if production:
        stop_if_any(production_problems(sources.config))
    progress("render")
    site = render_and_check(sources)
    progress("")
    return sources, site


def build_site(root: Path, out: Path | None = None, base_url: str | None = None,
               progress: Callable[[str], None] = lambda _stage: None,
               production: bool = False, use_cache: bool = True) -> BuildReport:
    """`progress(stage)` is called as each stage starts ("load", "render", "write") and
    with "" at the end: the command line shows it (--verbose, or a long build).
    `production`: refuse placeholders and an example base URL (what CI deploys).
    `use_cache`: False renders every page (the cache is then neither read nor written)."""
    started = time.perf_counter()
    progress("load")
    config, problems = load_config(root, base_url)
    stop_if_any(problems)
    assert config is not None
    if production:
        stop_if_any(production_problems(config))
    target = out if out is not None else config.output
    stop_if_any(output_problems(target, root))
    state = cache.BuildCache(root, target, (base_url, production)) if use_cache else None
    if state is not None and state.unchanged() and state.saved is not None:
        progress("")
        saved = state.saved
        return BuildReport(target, saved.per_language, saved.file_count,
                           time.perf_counter() - started, saved.warnings, saved.placeholders,
                           0, unchanged=True)
    search_cache = root / cache.FOLDER / "search" if use_cache else None
    with SearchIndexer(search_cache) as indexer:
        if (state is None or state.saved is None) and not has_bundles(search_cache):
            # no last build and no index kept: Pagefind is needed; it loads while we work
            indexer.start(warm_up="ja" in config.codes)
        sources = load_sources(root, base_url,
                               kept=root / cache.MESSAGES if use_cache else None)
        previous = state.pages() if state is not None else None
        progress("render")
        site = render_and_check(sources, BuiltSite({}, list(previous.values()), [])
                                if previous else None, parallel=True)
        progress("write")
        _give_pages(indexer, site, sources.config.codes)  # indexed while the files are written
        reused = state.reusable_files(site.files) if state is not None else {}
        write_site(target, site.files, reuse=reused,
                   finish=partial(_finish, site=site, indexer=indexer))
    placeholders = sources.config.placeholder_notices()
    if state is not None:
        state.save(site, placeholders, sources.config.codes)
    progress("")
    per_language = {lang: sum(1 for p in site.pages if p.lang == lang)
                    for lang in sources.config.codes}
    return BuildReport(target, per_language, len(site.files), time.perf_counter() - started,
                       site.warnings, placeholders, site.rendered)


def _give_pages(indexer: SearchIndexer, site: BuiltSite, languages: tuple[str, ...]) -> None:
    html = {page.path: page.html for page in site.pages}
    for path in pages_to_index(html, languages):
        indexer.add(path, html[path])


def _finish(folder: Path, site: BuiltSite, indexer: SearchIndexer) -> None:
    """Complete the staged site: the search index of the pages given to the indexer
    (Pagefind cannot update an index: it is made again whole when a page changed, or
    taken from the cache when none did), then the headers of every file."""
    files = indexer.finish()
    check_counts(files, site.pages)
    for name, data in sorted(files.items()):
        target = folder / BUNDLE / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    write_headers(folder)


__all__ = ["BuildFailed", "build_site", "check_site", "load_sources", "render_and_check"]
