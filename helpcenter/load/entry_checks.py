"""Stage 1, load: how the entries fit together, checked before anything is rendered.

- every entry names existing policies, and has its translation in every language;
- translations agree on category and policy;
- every popular question named in site.yaml is an entry.
"""

from __future__ import annotations

from helpcenter.load.config import SiteConfig
from helpcenter.load.content import Entry
from helpcenter.load.policy import PolicyData
from helpcenter.problems import Problem, did_you_mean, display_path


def check_entries(config: SiteConfig, policies: PolicyData, entries: list[Entry],
                  slugs: set[str] | None = None) -> list[Problem]:
    """Problems visible before rendering: unknown policies, missing or disagreeing
    translations. `slugs`: only the entries of these slugs are looked at (the live
    preview, after those files changed: the others were checked before, and whether a
    question has its translations depends only on its own files)."""
    problems: list[Problem] = []
    looked_at = entries if slugs is None else [e for e in entries if e.slug in slugs]
    for entry in looked_at:
        for policy_id in entry.policies:
            if policy_id not in policies.policies:
                problems.append(Problem(entry.path, entry.line_of("policy"),
                                        f"unknown policy '{policy_id}'",
                                        did_you_mean(policy_id, policies.policies)
                                        + f"; policies are defined in {policies.path}"))
    return problems + _check_translations(config, looked_at) + _check_popular(config, entries)


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
