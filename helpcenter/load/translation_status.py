"""Translation status: is each translation still a translation of its source entry?

The source language (`SiteConfig.source_language`: the first language of site.yaml,
Japanese here) is the one entries are written in. Each translation records in
its front matter the version of the source it was made from, as a short hash of the
source's title, description and Markdown body:

    translated_from: ja-3f2a9c1b7d04

The body is hashed as written, with its placeholders, so changing a fee in
policies.yaml never makes a translation stale: the value lives in the YAML, not in the
text. Whitespace at line ends, runs of blank lines and `{# comments #}` do not count.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from helpcenter.load.config import SiteConfig
from helpcenter.load.content import Entry, split_front_matter
from helpcenter.load.yamlfile import parse_yaml
from helpcenter.problems import Problem

FRESH, STALE, MISSING, ORPHAN = "fresh", "stale", "missing", "orphan"
_COMMENT = re.compile(r"\{#.*?#\}", re.DOTALL)
_BLANK_RUNS = re.compile(r"\n{3,}")
_FIELD_LINE = re.compile(r"translated_from\s*:")


@dataclass(frozen=True)
class Status:
    """The state of one entry in one translation language."""

    slug: str
    lang: str
    state: str
    source: str           # content/ja/<slug>.md, as shown to editors
    translation: str      # content/<lang>/<slug>.md
    recorded: str = ""    # the translation's translated_from
    current: str = ""     # the hash of the source as it is now


def text_hash(lang: str, title: str, description: str, body: str) -> str:
    """`ja-` and 12 hex digits: the version of a source entry, for `translated_from`."""
    body = _COMMENT.sub("", body.replace("\r\n", "\n"))
    lines = "\n".join(line.rstrip() for line in body.split("\n"))
    text = "\n".join((title.strip(), description.strip(), _BLANK_RUNS.sub("\n\n", lines).strip()))
    return f"{lang}-{hashlib.sha256(text.encode('utf-8')).hexdigest()[:12]}"


def source_hash(entry: Entry) -> str:
    found = entry.derived.get("source_hash")
    if found is None:
        found = entry.derived["source_hash"] = text_hash(entry.lang, entry.title,
                                                         entry.description, entry.body)
    return found


def file_text_hash(text: str, lang: str) -> str | None:
    """The hash of an entry file's text (an older version from git), None if unreadable."""
    front, body_line, problem = split_front_matter(text.replace("\r\n", "\n"), "")
    parsed = parse_yaml(front, "")
    data = parsed.data
    if problem or parsed.problems or not isinstance(data, dict):
        return None
    body = "\n".join(text.replace("\r\n", "\n").split("\n")[body_line - 1:])
    return text_hash(lang, str(data.get("title") or ""), str(data.get("description") or ""),
                     body)


def statuses(config: SiteConfig, entries: Iterable[Entry]) -> list[Status]:
    """One status per slug and translation language, sorted by slug then language.

    Entries that could not be read are absent from `entries`; a file that exists but does
    not load is not reported as missing here (its problems are reported by the build).
    """
    source_lang, targets = config.source_language, config.translation_languages
    by_slug: dict[str, dict[str, Entry]] = {}
    for entry in entries:
        by_slug.setdefault(entry.slug, {})[entry.lang] = entry
    found = []
    for slug, versions in sorted(by_slug.items()):
        source = versions.get(source_lang)
        for lang in targets:
            found += _status(config, slug, lang, source, versions.get(lang))
    return found


def _status(config: SiteConfig, slug: str, lang: str, source: Entry | None,
            translation: Entry | None) -> list[Status]:
    source_path = f"content/{config.source_language}/{slug}.md"
    target_path = f"content/{lang}/{slug}.md"
    if source is None and translation is None:
        return []
    if source is None:
        return [Status(slug, lang, ORPHAN, source_path, target_path)]
    if translation is None:
        exists = (config.root / target_path).is_file()
        return [] if exists else [Status(slug, lang, MISSING, source_path, target_path)]
    current = source_hash(source)
    state = FRESH if translation.translated_from == current else STALE
    return [Status(slug, lang, state, source.path, translation.path,
                   translation.translated_from, current)]


def stale_warnings(config: SiteConfig, entries: list[Entry],
                   stale: frozenset[tuple[str, str]]) -> list[Problem]:
    """Warnings for the `stale` translations (stale_pages: the loaded sources have them).
    Missing and orphan ones are errors of checks.py."""
    by_key = {(e.lang, e.slug): e for e in entries}
    found = [status for lang, slug in sorted(stale)
             for status in _status(config, slug, lang,
                                   by_key.get((config.source_language, slug)),
                                   by_key.get((lang, slug)))]
    return [Problem(s.translation, by_key[(s.lang, s.slug)].line_of("translated_from"),
                    _why_stale(s), f"update the translation, then run: python build.py "
                    f"translations --mark-fresh {s.slug}", warning=True)
            for s in found if s.state == STALE]


def _why_stale(status: Status) -> str:
    if not status.recorded:
        return (f"this translation does not record which version of {status.source} it "
                "was translated from")
    return f"{status.source} has changed since this translation was made"


def stale_pages(config: SiteConfig, entries: list[Entry]) -> frozenset[tuple[str, str]]:
    """(lang, slug) of every translation that is behind its source: these pages show
    readers a short notice that the source-language page is more recent."""
    return frozenset((s.lang, s.slug) for s in statuses(config, entries) if s.state == STALE)


def mark_fresh(config: SiteConfig, entries: list[Entry], slug: str) -> list[tuple[str, str]]:
    """Record the source's current hash in every translation of `slug` that loads.

    Returns (file, hash) for each file written; raises LookupError when the source entry
    does not load (there is nothing to be fresh against).
    """
    source = next((e for e in entries if e.slug == slug and e.lang == config.source_language), None)
    if source is None:
        raise LookupError(slug)
    current = source_hash(source)
    written = []
    for entry in entries:
        if entry.slug == slug and entry is not source:
            _write_field(config.root / entry.path, current)
            written.append((entry.path, current))
    return written


def _write_field(path: Path, value: str) -> None:
    """Set `translated_from:` in the front matter, leaving every other line as it was."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        lines = handle.read().splitlines(keepends=True)
    newline = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
    closing = next(i for i, line in enumerate(lines[1:], start=1) if line.rstrip() == "---")
    field = f"translated_from: {value}{newline}"
    existing = [i for i in range(1, closing) if _FIELD_LINE.match(lines[i])]
    if existing:
        lines[existing[0]] = field
    else:
        lines.insert(closing, field)
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("".join(lines))
