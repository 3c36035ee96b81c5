"""Markup safety: what editors and translators may publish, and what is refused.

The help center's answers need headings, lists, tables, links, emphasis, code and the
site's own images; nothing else. The HTML made from an entry's Markdown (raw HTML and
the attribute-list syntax included), the texts of `policies.yaml` and the translations
in `locales/` are cleaned against that allow-list by nh3 (the Ammonia sanitizer). Every
piece the cleaning would remove is reported as an error naming the line it came from,
so an editor learns why instead of seeing text vanish; the build stops on it.

`findings` names what the allow-list refuses, tag by tag and attribute by attribute;
`changes_anything` compares the cleaned HTML with the original (as parsed text, tags and
attributes), so that anything the named rules miss still stops the build.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from html.parser import HTMLParser
from typing import Any

import markdown
import nh3

from helpcenter.load.policy import PolicyData
from helpcenter.problems import Problem

HEADINGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
TAGS = frozenset({"p", "br", "hr", "ul", "ol", "li", "blockquote", "em", "strong", "code",
                  "pre", "a", "img", "table", "thead", "tbody", "tr", "th", "td"}) | HEADINGS
ATTRIBUTES: dict[str, frozenset[str]] = {
    **{heading: frozenset({"id"}) for heading in HEADINGS},  # anchors for links to a part
    "a": frozenset({"href", "title"}),
    "img": frozenset({"src", "alt", "title"}),
    "ol": frozenset({"start"}),
}
CELL_ALIGNMENT = frozenset({"left", "center", "right"})  # Markdown tables' column alignment
LINK_SCHEMES = frozenset({"http", "https", "mailto"})
_CELLS = ("th", "td")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
_IGNORED_IN_URLS = re.compile(r"[\x00-\x20\x7f]")  # browsers drop these: java\tscript:
_ID = re.compile(r"^[\w\-]+$")

_CLEANER = nh3.Cleaner(
    tags=set(TAGS), clean_content_tags={"script", "style"},
    attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
    tag_attribute_values={cell: {"align": set(CELL_ALIGNMENT)} for cell in _CELLS},
    url_schemes=set(LINK_SCHEMES), link_rel=None, strip_comments=True,
    attribute_filter=lambda tag, attribute, value: _allowed_value(tag, attribute, value))


@dataclass(frozen=True)
class Finding:
    """One thing the allow-list refuses: what, and a text to look for in the source."""

    what: str
    needle: str
    fix: str = "remove it"


def clean(html: str) -> str:
    """The HTML with everything outside the allow-list removed."""
    return _CLEANER.clean(html)


def findings(html: str, cleaned: str | None = None) -> list[Finding]:
    """Everything in `html` that `clean` would remove, in the editor's words (`cleaned`:
    `clean(html)`, when the caller has it already)."""
    if cleaned is not None and cleaned == html:  # nothing removed: nothing refused
        return []
    collector = _Collector()
    collector.feed(html)
    collector.close()
    found = collector.found
    if not found and changes_anything(html, cleaned):
        found.append(Finding("this HTML is not well formed, and publishing it would change it",
                             "<", "close every HTML tag you open, or write Markdown instead"))
    return list(dict.fromkeys(found))


def changes_anything(html: str, cleaned: str | None = None) -> bool:
    """Whether cleaning changes the parsed text, tags or attributes. The HTML of an answer
    usually comes out of the cleaning character for character: then nothing is parsed."""
    cleaned = clean(html) if cleaned is None else cleaned
    return cleaned != html and _tokens(html) != _tokens(cleaned)


_HTML_TAG = re.compile(r"<[a-zA-Z/!?]")


@functools.lru_cache(maxsize=1024)
def _text_findings(text: str) -> list[Finding]:
    """What the allow-list refuses in a policy text, as Markdown makes it (the same texts
    come back on every rebuild of the preview)."""
    return findings(markdown.markdown(text))


def policy_text_problems(policies: PolicyData) -> list[Problem]:
    """Texts in policies.yaml (names, labels) are plain text: placeholders put them into
    answers, where Markdown and HTML in them would become markup."""
    problems = []
    for key_path, text in _texts(policies.policies, ("policies",)):
        refused = _text_findings(text)
        if refused or _HTML_TAG.search(text):
            what = refused[0].what if refused else "it contains HTML"
            problems.append(Problem(policies.path, policies.lines.line(key_path),
                                    f"{'.'.join(map(str, key_path))} must be plain text, "
                                    f"but {what}", "write the text only, without HTML or "
                                    "links; answers can link to pages themselves"))
    return problems


def _texts(value: Any, key_path: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], str]]:
    if isinstance(value, str):
        yield key_path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(item, (*key_path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _texts(item, (*key_path, index))


def markup_of(html: str) -> Counter[tuple[Any, ...]]:
    """The tags of an HTML text with their attributes, in any order, without its text."""
    return Counter(token for token in _tokens(html) if token[0] != "text")


def _allowed_value(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src" and not _on_this_site(value):
        return None
    if attribute == "id" and not _ID.match(value):
        return None
    if tag == "ol" and attribute == "start" and not value.isdigit():
        return None
    return value


def _on_this_site(url: str) -> bool:
    """Images come from the site itself: a relative address, no scheme, no other host."""
    bare = _IGNORED_IN_URLS.sub("", url)
    return not _SCHEME.match(bare) and not bare.startswith(("//", "\\\\", "/\\", "\\/"))


def _refused_url(tag: str, attribute: str, value: str) -> str | None:
    """Why a link or image address is refused, or None."""
    if tag == "img" and attribute == "src":
        return None if _on_this_site(value) else \
            f"an image from another site ('{value}') is not allowed: only images from this " \
            "site are shown"
    scheme = _SCHEME.match(_IGNORED_IN_URLS.sub("", value))
    if attribute == "href" and scheme and scheme.group(1).lower() not in LINK_SCHEMES:
        return f"a '{scheme.group(1)}:' link is not allowed: links may go to http, https or " \
               "mailto addresses, or to other pages of the site"
    return None


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[Finding] = []
        self.heading: int | None = None   # the finding of an <h1> still without its text

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "h1":  # its text, once read, is what to look for in the source
            self.heading = len(self.found)
            self.found.append(Finding("a top-level heading (# …) is not allowed: the question "
                                      "is the page's only one", "<h1", "write ## for a heading"))
            return
        if tag not in TAGS:
            self.found.append(Finding(f"the HTML element <{tag}> is not allowed", f"<{tag}"))
            return
        for name, value in attrs:
            self._attribute(tag, name, value or "")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        if self.heading is not None and data.strip():
            self.found[self.heading] = replace(self.found[self.heading], needle=data.strip())
            self.heading = None

    def handle_comment(self, data: str) -> None:
        self.found.append(Finding("an HTML comment <!-- … --> would be removed from the page",
                                  "<!--", "write a note to other editors as {# … #} instead, "
                                  "which is never published"))

    def handle_decl(self, decl: str) -> None:
        self.found.append(Finding(f"the declaration <!{decl}> is not allowed", "<!"))

    def handle_pi(self, data: str) -> None:
        self.found.append(Finding("a processing instruction <?…> is not allowed", "<?"))

    def _attribute(self, tag: str, name: str, value: str) -> None:
        if tag in _CELLS and name == "align":
            if value not in CELL_ALIGNMENT:
                self.found.append(Finding(f"align=\"{value}\" on a table cell", name))
            return
        if name not in ATTRIBUTES.get(tag, ()):
            self.found.append(Finding(f"the attribute {name}=\"…\" on <{tag}> is not allowed",
                                      name))
            return
        refused = _refused_url(tag, name, value)
        if refused:
            self.found.append(Finding(refused, value.strip()))
        elif _allowed_value(tag, name, value) is None:
            self.found.append(Finding(f"{name}=\"{value}\" on <{tag}> is not allowed", value))


def _tokens(html: str) -> list[tuple[Any, ...]]:
    """The parsed HTML as comparable tokens: text, tags with sorted attributes."""
    tokenizer = _Tokenizer()
    tokenizer.feed(html)
    tokenizer.close()
    return list(_merged_text(tokenizer.tokens))


class _Tokenizer(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tokens: list[tuple[Any, ...]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tokens.append(("start", tag, tuple(sorted((n, v or "") for n, v in attrs))))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        self.tokens.append(("end", tag))

    def handle_data(self, data: str) -> None:
        self.tokens.append(("text", data))

    def handle_comment(self, data: str) -> None:
        self.tokens.append(("comment", data))


def _merged_text(tokens: Iterable[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    text = ""
    for token in tokens:
        if token[0] == "text":
            text += token[1]
            continue
        if text:
            yield ("text", text)
            text = ""
        yield token
    if text:
        yield ("text", text)
