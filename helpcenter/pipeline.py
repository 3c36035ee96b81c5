"""The whole build, top to bottom: load -> validate -> render -> check -> write (+ index).

Everything is read and checked before anything is written; each stage reports all
of its problems, and the build stops at the end of the first stage that has any.
`check_site` is the same run without the final write.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from babel.support import Translations

from helpcenter.check.editor_checks import editor_warnings
from helpcenter.check.site_checks import check_coverage, check_entries, check_links
from helpcenter.load import catalogs
from helpcenter.load.config import SiteConfig, load_config, production_problems
from helpcenter.load.content import Entry, load_entries
from helpcenter.load.policy import PolicyData, load_policies
from helpcenter.load.synonyms import SYNONYMS_FILE, Synonyms, check_targets, load_synonyms
from helpcenter.problems import BuildFailed, Problem, stop_if_any
from helpcenter.render.assets import fingerprint
from helpcenter.render.calculator import calendar_warning, today_in_shop_timezone
from helpcenter.render.site import Page, render_site, sitemap, static_files
from helpcenter.write.headers import write_headers
from helpcenter.write.output import output_problems, write_site
from helpcenter.write.search_index import index_site


@dataclass(frozen=True)
class Sources:
    config: SiteConfig
    policies: PolicyData
    entries: list[Entry]
    translations: dict[str, Translations]
    synonyms: Synonyms = field(default_factory=Synonyms)


@dataclass(frozen=True)
class BuiltSite:
    files: dict[str, bytes]
    pages: list[Page]
    warnings: list[Problem]


@dataclass(frozen=True)
class BuildReport:
    out: Path
    pages_per_language: dict[str, int]
    files: int
    seconds: float
    warnings: list[Problem]
    placeholders: list[str] = field(default_factory=list)  # notices, one line each


def load_sources(root: Path, base_url: str | None = None) -> Sources:
    config, problems = load_config(root, base_url)
    stop_if_any(problems)
    assert config is not None
    policies, problems = load_policies(root / "content" / "policies.yaml", root, config.codes)
    entries, entry_problems = load_entries(config)
    found_catalogs, catalog_problems = catalogs.load_catalogs(config)
    synonyms, synonym_problems = load_synonyms(root / "content" / "synonyms.yaml",
                                               "content/synonyms.yaml", config.codes)
    problems += entry_problems + catalog_problems + synonym_problems
    stop_if_any(problems)
    assert policies is not None
    problems = check_entries(config, policies, entries)
    problems += catalogs.check_catalogs(config, found_catalogs)
    stop_if_any(problems)
    translations = {lang: catalogs.compile_translations(c) for lang, c in found_catalogs.items()}
    return Sources(config, policies, entries, translations, synonyms)


def render(sources: Sources, only: Collection[tuple[str, str]] | None = None,
           reuse: BuiltSite | None = None) -> BuiltSite:
    """The site in memory. The live preview passes `only` (the entry pages to render
    again) and `reuse` (its last site, for the other entry pages)."""
    config = sources.config
    assets, asset_names = fingerprint(static_files(config))
    result = render_site(config, sources.policies, sources.entries, sources.translations, only,
                         {_asset_name(path): _asset_name(hashed)
                          for path, hashed in asset_names.items()})
    stop_if_any(result.problems)
    pages = result.pages + _reused_pages(sources, only, reuse)
    problems = check_coverage(config, sources.policies, pages)
    problems += check_links(config, pages, assets, sources.entries)
    problems += check_targets(sources.synonyms, pages)
    stop_if_any(problems)
    sitemap_xml, robots = sitemap(config, pages)
    files = {page.path: page.html.encode("utf-8") for page in pages}
    files |= assets | {"sitemap.xml": sitemap_xml.encode(), "robots.txt": robots.encode()}
    files[f"pagefind/{SYNONYMS_FILE}"] = sources.synonyms.browser_file()
    warnings = _calendar_warnings(sources.policies) + editor_warnings(
        config, sources.policies, sources.entries, sources.translations)
    return BuiltSite(files, pages, warnings)


def _asset_name(path: str) -> str:
    return path.removeprefix("assets/")


def _reused_pages(sources: Sources, only: Collection[tuple[str, str]] | None,
                  reuse: BuiltSite | None) -> list[Page]:
    """The previous build's entry pages that `only` leaves out (live preview)."""
    if only is None or reuse is None:
        return []
    current = {(e.lang, e.slug) for e in sources.entries}
    return [page for page in reuse.pages if page.slug is not None and page.lang is not None
            and (page.lang, page.slug) in current and (page.lang, page.slug) not in only]


def _calendar_warnings(policies: PolicyData) -> list[Problem]:
    """Warn, without failing, when the calculator's holiday calendar is about to run out."""
    today = dt.date.fromisoformat(today_in_shop_timezone(dt.datetime.now(dt.UTC)))
    message = calendar_warning(policies.policies, today)
    key = ("policies", "dispatch", "business_days", "calendar_years", "last")
    return [Problem(policies.path, policies.lines.line(key), message, warning=True)] \
        if message else []


def _finish(folder: Path, pages: list[Page]) -> None:
    """Complete the staged site: the search index, then the headers of every file."""
    index_site(folder, pages)
    write_headers(folder)


def check_site(root: Path, base_url: str | None = None) -> BuiltSite:
    """Everything the build validates, without writing anything."""
    return render(load_sources(root, base_url))


def build_site(root: Path, out: Path | None = None, base_url: str | None = None,
               progress: Callable[[str], None] = lambda _stage: None,
               production: bool = False) -> BuildReport:
    """`progress(stage)` is called as each stage starts ("load", "render", "write") and
    with "" at the end: the command line shows it (--verbose, or a long build).
    `production`: refuse placeholders and an example base URL (what CI deploys)."""
    started = time.perf_counter()
    progress("load")
    sources = load_sources(root, base_url)
    if production:
        stop_if_any(production_problems(sources.config))
    target = out if out is not None else sources.config.output
    stop_if_any(output_problems(target, root))
    progress("render")
    site = render(sources)
    progress("write")
    write_site(target, site.files, finish=partial(_finish, pages=site.pages))
    progress("")
    per_language = {lang: sum(1 for p in site.pages if p.lang == lang)
                    for lang in sources.config.codes}
    return BuildReport(target, per_language, len(site.files), time.perf_counter() - started,
                       site.warnings, sources.config.placeholder_notices())


__all__ = ["BuildFailed", "build_site", "check_site", "load_sources"]
