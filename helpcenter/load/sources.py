"""Stage 1, load: every source of the site, read and validated, in one value.

Everything a page can depend on is read here — site.yaml, policies, entries, catalogs,
the theme's templates and static files, the dates of the entries' last commits, which
translations are stale, the synonyms — so that the stages after this one (render,
check) are functions of `Sources` alone and never touch the disk or run a program.
Each loader reports all of its problems; loading stops at the end of the step that has
any (BuildFailed).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from babel.support import Translations

from helpcenter.load import catalogs
from helpcenter.load.config import SiteConfig, load_config
from helpcenter.load.content import Entry, EntryMemo, EntryTexts, load_entries
from helpcenter.load.entry_checks import check_entries
from helpcenter.load.history import last_changed
from helpcenter.load.policy import PolicyData, load_policies
from helpcenter.load.synonyms import Synonyms, load_synonyms
from helpcenter.load.translation_status import stale_pages
from helpcenter.problems import stop_if_any

ScriptMessages = tuple[str | tuple[str, ...], ...]


@dataclass(frozen=True)
class Theme:
    """theme/templates (name -> source) and theme/static (path under assets/ -> bytes)."""

    templates: dict[str, str] = field(default_factory=dict)
    static: dict[str, bytes] = field(default_factory=dict)


@dataclass(frozen=True)
class Sources:
    config: SiteConfig
    policies: PolicyData
    entries: list[Entry]
    translations: dict[str, Translations]
    synonyms: Synonyms = field(default_factory=Synonyms)
    theme: Theme = field(default_factory=Theme)
    updated: dict[str, str] = field(default_factory=dict)  # content/…md -> date of last commit
    stale: frozenset[tuple[str, str]] = frozenset()        # (lang, slug) behind their source
    script_messages: ScriptMessages = ()                   # the UI texts of theme scripts
    catalog_digests: dict[str, str] = field(default_factory=dict)  # lang -> sha256 of its .po


def load_sources(root: Path, base_url: str | None = None,
                 memo: EntryMemo | None = None, kept: Path | None = None,
                 texts: EntryTexts | None = None) -> Sources:
    """Everything, read and checked. `memo`: entries read before (the live preview's),
    used again for files whose text did not change; `kept`: the folder where the UI
    strings of the theme and the generator are kept between builds (catalogs.MessageStore);
    `texts`: the entry files' texts that the live preview knows have not changed.
    """
    config, problems = load_config(root, base_url)
    stop_if_any(problems)
    assert config is not None
    policies, problems = load_policies(root / "content" / "policies.yaml", root, config.codes)
    entries, entry_problems = load_entries(config, memo, texts)
    found_catalogs, catalog_problems = catalogs.load_catalogs(config)
    synonyms, synonym_problems = load_synonyms(root / "content" / "synonyms.yaml",
                                               "content/synonyms.yaml", list(config.codes))
    problems += entry_problems + catalog_problems + synonym_problems
    stop_if_any(problems)
    assert policies is not None
    problems = check_entries(config, policies, entries)
    problems += catalogs.check_catalogs(config, found_catalogs, kept)
    stop_if_any(problems)
    return Sources(
        config, policies, entries,
        {lang: catalogs.compile_translations(c) for lang, c in found_catalogs.items()},
        synonyms, load_theme(root), last_changed(root), stale_pages(config, entries),
        tuple(catalogs.script_messages(root, kept)),
        {lang: _digest(catalogs.po_path(root, lang)) for lang in found_catalogs})


def load_theme(root: Path) -> Theme:
    """The theme's files as they are on disk (developers' files: not size-limited)."""
    templates = root / "theme" / "templates"
    static = root / "theme" / "static"
    return Theme(
        {p.relative_to(templates).as_posix(): p.read_text(encoding="utf-8")
         for p in sorted(templates.rglob("*")) if p.is_file()},
        {f"assets/{p.relative_to(static).as_posix()}": p.read_bytes()
         for p in sorted(static.rglob("*")) if p.is_file()})


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
