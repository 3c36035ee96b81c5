"""Stage 5a: an entry's body, from Markdown with policy placeholders to HTML.

The body is first rendered as a sandboxed Jinja template (placeholders such as
`{{ policy.shipping.domestic.fee | money }}`), then as Markdown. A placeholder that
names no policy value is found before rendering, by walking the template's syntax
tree, so that every typo in a file is reported at once with its line.
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Mapping
from html.parser import HTMLParser
from typing import Any
from xml.etree.ElementTree import Element

import markdown
from jinja2 import DictLoader, StrictUndefined, TemplateError, TemplateSyntaxError, nodes
from jinja2.sandbox import SandboxedEnvironment
from markdown.extensions import Extension
from markdown.extensions.toc import slugify_unicode
from markdown.treeprocessors import Treeprocessor

from .content import Entry
from .problems import Problem, did_you_mean
from .template_cache import TEMPLATES


def content_environment(entries: list[Entry], filters: Mapping[str, Any],
                        context: Mapping[str, Any]) -> SandboxedEnvironment:
    """A sandbox: content can format policy values but reach no file and no Python object."""
    env = SandboxedEnvironment(loader=DictLoader({e.path: e.body for e in entries}),
                               bytecode_cache=TEMPLATES,
                               undefined=StrictUndefined, autoescape=True,
                               keep_trailing_newline=True)
    env.filters.update(filters)
    env.globals.update(context)
    del env.globals["lipsum"], env.filters["random"]  # different on every build
    return env


def render_body(entry: Entry, env: SandboxedEnvironment,
                entry_urls: Mapping[str, str]) -> tuple[str | None, list[Problem]]:
    try:
        template = env.get_template(entry.path)
    except TemplateSyntaxError as error:
        return None, [Problem(entry.path, entry.body_line + (error.lineno or 1) - 1,
                              f"placeholder syntax error: {error.message}",
                              "placeholders look like {{ policy.shipping.domestic.fee | money }}")]
    problems = _check_placeholders(entry, env)
    if problems:
        return None, problems
    try:
        text = template.render()
    except TemplateError as error:
        return None, [Problem(entry.path, _error_line(entry, error),
                              f"a placeholder cannot be filled: {error}",
                              "check the placeholder against content/policies.yaml")]
    return _markdown_to_html(text, entry, entry_urls)


def _check_placeholders(entry: Entry, env: SandboxedEnvironment) -> list[Problem]:
    tree = env.parse(entry.body)
    problems: list[Problem] = []
    assigned = {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")}
    for name in tree.find_all(nodes.Name):
        if name.ctx == "load" and name.name not in env.globals and name.name not in assigned:
            problems.append(Problem(entry.path, entry.body_line + name.lineno - 1,
                                    f"unknown placeholder '{name.name}'",
                                    did_you_mean(name.name, [k for k in env.globals
                                                             if not k.startswith("_")])))
    reported: set[tuple[int, str]] = set()
    for node in tree.find_all(nodes.Getattr):
        problem = _check_path(node, env.globals, entry)
        if problem and (problem.line, problem.message) not in reported:
            reported.add((problem.line, problem.message))
            problems.append(problem)
    return problems


def _check_path(node: nodes.Getattr, values: Mapping[str, Any], entry: Entry) -> Problem | None:
    """Follow `policy.a.b.c` through the data; name the first step that does not exist."""
    parts: list[str] = []
    current: nodes.Node = node
    while isinstance(current, nodes.Getattr):
        parts.insert(0, current.attr)
        current = current.node
    if not isinstance(current, nodes.Name) or current.name not in values:
        return None
    value: Any = values[current.name]
    walked = current.name
    for part in parts:
        if isinstance(value, Mapping) and part in value:
            value = value[part]
            walked += f".{part}"
            continue
        if not isinstance(value, Mapping):
            return None  # a method or list attribute: left to the render step
        return Problem(entry.path, entry.body_line + node.lineno - 1,
                       f"'{walked}.{part}' does not exist",
                       did_you_mean(part, value) + f" (the values of {walked} are in "
                       "content/policies.yaml)")
    return None


def _error_line(entry: Entry, error: Exception) -> int:
    for frame, line in traceback.walk_tb(error.__traceback__):
        if frame.f_code.co_filename == entry.path:
            return entry.body_line + line - 1
    return entry.body_line


def _markdown_to_html(text: str, entry: Entry,
                      entry_urls: Mapping[str, str]) -> tuple[str | None, list[Problem]]:
    links = _EntryLinks(entry, entry_urls)
    converter = markdown.Markdown(
        extensions=["toc", "tables", "sane_lists", "attr_list", links],
        extension_configs={"toc": {"slugify": slugify_unicode, "toc_depth": "2-4"}},
        output_format="html",
    )
    html = converter.convert(text)
    return (None, links.problems) if links.problems else (html, [])


def plain_text(html: str) -> str:
    """The text a reader sees in an HTML fragment, whitespace folded."""
    parser = _TextCollector()
    parser.feed(html)
    return re.sub(r"\s+", " ", "".join(parser.parts)).strip()


def first_paragraph(html: str) -> str:
    """The text of the first <p>: the description of an entry that has none of its own."""
    match = re.search(r"<p>(.*?)</p>", html, re.S)
    return plain_text(match.group(1)) if match else ""


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("p", "li", "br", "h2", "h3", "h4", "td", "th"):
            self.parts.append(" ")


class _EntryLinks(Extension):
    """Rewrites `[…](other-entry.md#part)` to the other entry's page in the same language."""

    def __init__(self, entry: Entry, entry_urls: Mapping[str, str]) -> None:
        super().__init__()
        self.entry = entry
        self.entry_urls = entry_urls
        self.problems: list[Problem] = []

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Markdown's API)
        md.treeprocessors.register(_LinkRewriter(md, self), "entry_links", 5)


class _LinkRewriter(Treeprocessor):
    def __init__(self, md: markdown.Markdown, owner: _EntryLinks) -> None:
        super().__init__(md)
        self.owner = owner

    def run(self, root: Element) -> None:
        for link in root.iter("a"):
            href = link.get("href", "")
            target, _, fragment = href.partition("#")
            if not target.endswith(".md") or "/" in target or ":" in target:
                continue
            slug = target[:-3]
            if slug not in self.owner.entry_urls:
                self.owner.problems.append(self._missing(href, slug))
                continue
            link.set("href", self.owner.entry_urls[slug] + (f"#{fragment}" if fragment else ""))

    def _missing(self, href: str, slug: str) -> Problem:
        entry = self.owner.entry
        offset = next((i for i, line in enumerate(entry.body.split("\n")) if href in line), 0)
        return Problem(entry.path, entry.body_line + offset,
                       f"link to '{href}', but there is no entry '{slug}' in this language",
                       did_you_mean(slug, self.owner.entry_urls) + "; link to another entry "
                       "by its file name, such as other-question.md")
