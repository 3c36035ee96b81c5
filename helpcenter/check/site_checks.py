"""Stage 3, check: promises the rendered site makes, checked before anything is written.

- every policy has a rendered page in every language (the coverage gate);
- every internal link, anchor and asset reference resolves;
- every synonym leads to a word an answer uses.

(How entries fit together is checked when they are loaded: load/entry_checks.py.)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from helpcenter.load.config import SiteConfig
from helpcenter.load.content import Entry
from helpcenter.load.policy import PolicyData
from helpcenter.load.sources import Sources
from helpcenter.load.synonyms import TargetHits, check_targets
from helpcenter.problems import Problem
from helpcenter.render.pages import Page


def check_coverage(config: SiteConfig, policies: PolicyData, pages: list[Page]) -> list[Problem]:
    """Every policy has at least one rendered page in every language."""
    covered = {(policy_id, page.lang) for page in pages for policy_id in page.policies}
    return [Problem(policies.path, policies.line_of(policy_id),
                    f"policy '{policy_id}' has no page in '{lang}'",
                    f"write an entry in content/{lang}/ with 'policy: {policy_id}' in its "
                    "front matter, or fix the errors in the entry that has it")
            for policy_id in policies.policies for lang in config.codes
            if (policy_id, lang) not in covered]


@dataclass(frozen=True)
class LinksChecked:
    """A site whose links all resolved: its addresses with their ids, its pages, and the
    links without a fragment of its own page that were looked at (all resolved)."""

    ids: dict[str, frozenset[str]]
    known: frozenset[str]
    pages: dict[str, Page]
    resolved: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Checked:
    """What the checks found on an earlier run's pages (the live preview's last good
    site): a page that is the same object, checked against the same site, is not read
    again."""

    target_hits: TargetHits = field(default_factory=dict)
    links: LinksChecked | None = None


def check_site(sources: Sources, pages: list[Page], assets: Iterable[str],
               earlier: Checked | None = None) -> tuple[list[Problem], Checked]:
    """Every promise the rendered pages make, read from the pages alone. `earlier`: what
    the checks found on an earlier run's pages; what they find now is returned with the
    problems."""
    earlier = earlier or Checked()
    problems = check_coverage(sources.config, sources.policies, pages)
    link_problems, links = check_links(sources.config, pages, assets, sources.entries,
                                       earlier.links)
    target_problems, hits = check_targets(sources.synonyms, pages, earlier.target_hits)
    return problems + link_problems + target_problems, Checked(hits, links)


def check_links(config: SiteConfig, pages: list[Page], assets: Iterable[str],
                entries: list[Entry], earlier: LinksChecked | None = None,
                ) -> tuple[list[Problem], LinksChecked | None]:
    """Every internal href/src in every page resolves to a page or asset, and its #anchor exists.

    A broken link written in an entry is reported at its line in the entry; one made by
    a template, at the output page. The links and ids are those each page recorded when
    it was made (pages.read_links): no page is parsed again here, and a URL that many
    pages share (the menu, the stylesheet) is looked at once. `earlier`: a site that
    passed; when every address and id is the same, only the pages that are not the ones
    it checked are looked at. Returns what to give the next check when all links resolve.
    """
    sources: dict[tuple[str | None, str | None], Entry] = {
        (entry.lang, entry.slug): entry for entry in entries}
    ids = {config.base_path + page.path: page.links.ids for page in pages}
    known = frozenset(ids) | {config.base_path + asset for asset in assets}
    shared: dict[str, str | None] = {}
    if earlier is not None and earlier.ids == ids and earlier.known == known:
        to_check = [page for page in pages if earlier.pages.get(page.path) is not page]
        shared = dict.fromkeys(earlier.resolved)   # resolved then: they still do
    else:
        to_check = pages
    problems: list[Problem] = []
    for page in to_check:
        own = ids[config.base_path + page.path]
        for url in sorted(set(page.links.urls)):
            if url.startswith("#"):
                why = _why_broken(config, url, own, ids, known)
            else:
                if url not in shared:
                    shared[url] = _why_broken(config, url, frozenset(), ids, known)
                why = shared[url]
            if why:
                problems.append(_broken_link(page, url, why, sources.get((page.lang, page.slug))))
    checked = LinksChecked(ids, known, {page.path: page for page in pages}, frozenset(shared))
    return problems, None if problems else checked


def _broken_link(page: Page, url: str, why: str, entry: Entry | None) -> Problem:
    needle = "#" + url.partition("#")[2] if "#" in url else url.rstrip("/").rpartition("/")[2]
    lines = entry.body.split("\n") if entry else []
    offset = next((i for i, line in enumerate(lines) if needle and needle in line), None)
    if entry is not None and offset is not None:
        return Problem(entry.path, entry.body_line + offset, f"broken link '{url}': {why}",
                       "link to an entry by its file name and a heading id that exists")
    return Problem(f"(output) {page.path}", 0, f"broken link '{url}': {why}",
                   "fix the template that makes this page")


def _why_broken(config: SiteConfig, url: str, own_ids: frozenset[str],
                ids: dict[str, frozenset[str]],
                known: frozenset[str]) -> str | None:
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
    if fragment and fragment not in ids.get(resolved, frozenset()):
        return f"the page has no heading or element with the id '{fragment}'"
    return None
