"""The page model: what the render stage makes and the later stages read.

A page knows where it goes, what kind of page it is, which policies it explains, its
translations, the links and ids its HTML holds (for the link check, read once when the
page is made), and the inputs it was made from with their digests (`inputs`): a later
build, or the live preview, uses the page again without rendering it when every one of
those inputs still has the same digest (dependencies.py).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from html import unescape

from helpcenter.load.config import SiteConfig


class PageKind(StrEnum):
    ENTRY = "entry"            # one question and its answer, /<lang>/<slug>/
    HOME = "home"              # /<lang>/
    CALCULATOR = "calculator"  # /<lang>/calculator/
    SEARCH = "search"          # /<lang>/search/
    CHOOSER = "chooser"        # the bilingual language chooser at /
    NOT_FOUND = "not-found"    # the bilingual 404.html


Input = tuple[str, ...]   # a named input of a page, such as ("entry", "ja", "shipping-cost")


@dataclass(frozen=True)
class Links:
    """The internal references (href, src) and element ids of one page's HTML."""

    urls: tuple[str, ...] = ()
    ids: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Page:
    """One rendered page."""

    path: str                       # output path, e.g. "ja/shipping-cost/index.html"
    html: str
    kind: PageKind
    lang: str | None = None         # None: the bilingual pages
    slug: str | None = None         # entry pages only
    policies: tuple[str, ...] = ()
    alternates: tuple[tuple[str, str], ...] = ()   # (language, URL) of every translation
    links: Links = field(default_factory=Links)
    inputs: Mapping[Input, str] = field(default_factory=dict)  # input -> digest when made

    @property
    def is_entry(self) -> bool:
        return self.kind is PageKind.ENTRY

    @functools.cached_property
    def data(self) -> bytes:
        """The page as published: its HTML in UTF-8, encoded once (a page the live
        preview uses again keeps its bytes)."""
        return self.html.encode("utf-8")


# Attributes in the HTML the theme and the sanitizer write: always double-quoted, names in
# lower case (tests/test_links.py compares this with a full HTML parser on every page).
# Only the tags that have one of the attributes the check needs are looked at.
_TAG_WITH_LINK_OR_ID = re.compile(r'<[a-zA-Z][^<>]*?\s(?:href|src|id)="[^<>]*>')
_VALUE = re.compile(r'\s(href|src|id|rel)="([^"]*)"')


def read_links(html: str) -> Links:
    """The links and ids of a page, as a browser would see them: `<link rel=canonical>` and
    `rel=alternate` point at the published address and are not internal references."""
    urls: list[str] = []
    ids: set[str] = set()
    for tag in _TAG_WITH_LINK_OR_ID.finditer(html):
        values = _VALUE.findall(tag.group(0))
        rel = next((value for name, value in values if name == "rel"), None)
        skip = rel in ("canonical", "alternate") and tag.group(0).startswith("<link")
        for name, value in values:
            if name == "id" and value:
                ids.add(_unescape(value))
            elif name in ("href", "src") and value and not skip:
                urls.append(_unescape(value))
    return Links(tuple(urls), frozenset(ids))


def _unescape(value: str) -> str:
    return unescape(value) if "&" in value else value


@dataclass(frozen=True)
class Urls:
    """Every URL the site links to, in one place, under the configured base path."""

    config: SiteConfig
    assets: Mapping[str, str] = field(default_factory=dict)  # style.css -> style.<hash>.css

    def home(self, lang: str) -> str:
        return f"{self.config.base_path}{lang}/"

    def entry(self, lang: str, slug: str) -> str:
        return f"{self.config.base_path}{lang}/{slug}/"

    def calculator(self, lang: str) -> str:
        return f"{self.config.base_path}{lang}/calculator/"

    def search(self, lang: str) -> str:
        return f"{self.config.base_path}{lang}/search/"

    def search_bundle(self) -> str:
        """Pagefind's files (pagefind.js, the indexes), written by search_index.py."""
        return f"{self.config.base_path}pagefind/"

    def asset(self, name: str) -> str:
        return f"{self.config.base_path}assets/{self.assets.get(name, name)}"

    def root(self) -> str:
        return self.config.base_path

    def absolute(self, url: str) -> str:
        return self.config.base_url + url[len(self.config.base_path):]
