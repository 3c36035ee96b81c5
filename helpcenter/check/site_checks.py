"""Stage 6: promises the site makes, checked before anything is written.

- every policy has a rendered page in every language (the coverage gate);
- every entry names existing policies, and has its translation in every language;
- translations agree on category and policy;
- every internal link, anchor and asset reference resolves.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

from helpcenter.load.config import SiteConfig
from helpcenter.load.content import Entry
from helpcenter.load.policy import PolicyData
from helpcenter.problems import Problem, did_you_mean, display_path
from helpcenter.render.site import Page


def check_entries(config: SiteConfig, policies: PolicyData, entries: list[Entry]) -> list[Problem]:
    """Problems visible before rendering: unknown policies, missing or disagreeing translations."""
    problems: list[Problem] = []
    for entry in entries:
        for policy_id in entry.policies:
            if policy_id not in policies.policies:
                problems.append(Problem(entry.path, entry.line_of("policy"),
                                        f"unknown policy '{policy_id}'",
                                        did_you_mean(policy_id, policies.policies)
                                        + f"; policies are defined in {policies.path}"))
    return problems + _check_translations(config, entries) + _check_popular(config, entries)


def _check_popular(config: SiteConfig, entries: list[Entry]) -> list[Problem]:
    """Every popular question named in site.yaml is an entry that exists."""
    slugs = sorted({entry.slug for entry in entries})
    return [Problem(display_path(config.root / "site.yaml", config.root), popular.line,
                    f"popular question '{popular.slug}' is not an entry",
                    did_you_mean(popular.slug, slugs)
                    + f"; entries are the file names in content/{config.source_language}/"
                    " without .md")
            for popular in config.popular_questions if popular.slug not in slugs]


def _check_translations(config: SiteConfig, entries: list[Entry]) -> list[Problem]:
    problems: list[Problem] = []
    by_slug: dict[str, dict[str, Entry]] = {}
    for entry in entries:
        by_slug.setdefault(entry.slug, {})[entry.lang] = entry
    for slug, versions in sorted(by_slug.items()):
        source = versions.get(config.source_language) or next(iter(versions.values()))
        for lang in config.codes:
            if lang not in versions:
                problems.append(Problem(source.path, 1, f"this entry has no '{lang}' translation",
                                        f"create content/{lang}/{slug}.md"))
        for other in versions.values():
            problems += _disagreements(source, other)
    return problems


def _disagreements(source: Entry, other: Entry) -> list[Problem]:
    problems = []
    for key, mine, theirs in (("category", other.category, source.category),
                              ("policy", set(other.policies), set(source.policies))):
        if other is not source and mine != theirs:
            shown = ", ".join(sorted(theirs)) if isinstance(theirs, set) else theirs
            problems.append(Problem(other.path, other.line_of(key),
                                    f"{key} differs from the translation {source.path}",
                                    f"use the same {key} in both: {shown}"))
    return problems


def check_coverage(config: SiteConfig, policies: PolicyData, pages: list[Page]) -> list[Problem]:
    """Every policy has at least one rendered page in every language."""
    covered = {(policy_id, page.lang) for page in pages for policy_id in page.policies}
    return [Problem(policies.path, policies.line_of(policy_id),
                    f"policy '{policy_id}' has no page in '{lang}'",
                    f"write an entry in content/{lang}/ with 'policy: {policy_id}' in its "
                    "front matter, or fix the errors in the entry that has it")
            for policy_id in policies.policies for lang in config.codes
            if (policy_id, lang) not in covered]


def check_links(config: SiteConfig, pages: list[Page], assets: Iterable[str],
                entries: list[Entry]) -> list[Problem]:
    """Every internal href/src in every page resolves to a page or asset, and its #anchor exists.

    A broken link written in an entry is reported at its line in the entry; one made by
    a template, at the output page.
    """
    sources = {(entry.lang, entry.slug): entry for entry in entries}
    parsed = {config.base_path + page.path: (page, _LinkCollector.read(page.html))
              for page in pages}
    ids = {path: links.ids for path, (_page, links) in parsed.items()}
    known = set(parsed) | {config.base_path + asset for asset in assets}
    problems: list[Problem] = []
    for path, (page, links) in parsed.items():
        for url in sorted(set(links.urls)):
            why = _why_broken(config, url, ids[path], ids, known)
            if why:
                problems.append(_broken_link(page, url, why, sources.get((page.lang, page.slug))))
    return problems


def _broken_link(page: Page, url: str, why: str, entry: Entry | None) -> Problem:
    needle = "#" + url.partition("#")[2] if "#" in url else url.rstrip("/").rpartition("/")[2]
    lines = entry.body.split("\n") if entry else []
    offset = next((i for i, line in enumerate(lines) if needle and needle in line), None)
    if entry is not None and offset is not None:
        return Problem(entry.path, entry.body_line + offset, f"broken link '{url}': {why}",
                       "link to an entry by its file name and a heading id that exists")
    return Problem(f"(output) {page.path}", 0, f"broken link '{url}': {why}",
                   "fix the template that makes this page")


def _why_broken(config: SiteConfig, url: str, own_ids: set[str], ids: dict[str, set[str]],
                known: set[str]) -> str | None:
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return None  # external, mailto:, or absolute canonical URLs
    path, fragment = unquote(parts.path), unquote(parts.fragment)
    if not path:
        return "no element on the page has this id" if fragment not in own_ids else None
    if not path.startswith(config.base_path):
        return f"it is outside the site's base path {config.base_path}"
    resolved = path + "index.html" if path.endswith("/") else path
    if resolved not in known:
        return "no page or file has this address"
    if fragment and fragment not in ids.get(resolved, set()):
        return f"the page has no heading or element with the id '{fragment}'"
    return None


class _LinkCollector(HTMLParser):
    """The links (href, src) and element ids of one page."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.ids: set[str] = set()

    @classmethod
    @functools.lru_cache(maxsize=8192)  # pages are immutable strings
    def read(cls, html: str) -> _LinkCollector:
        collector = cls()
        collector.feed(html)
        return collector

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"] or "")
        if tag == "link" and values.get("rel") in ("canonical", "alternate"):
            return
        self.urls += [value for name, value in attrs if name in ("href", "src") and value]
