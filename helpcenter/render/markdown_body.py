"""Stage 5a: an entry's body, from Markdown with policy placeholders to HTML.

The body is first rendered as a sandboxed Jinja template (placeholders such as
`{{ policy.shipping.domestic.fee | money }}`), then as Markdown. A placeholder that
names no policy value is found before rendering, by walking the template's syntax
tree, so that every typo in a file is reported at once with its line.
"""

from __future__ import annotations

import html
import re
import threading
import traceback
from collections.abc import Mapping
from html.parser import HTMLParser
from typing import Any
from xml.etree.ElementTree import Element

import markdown
from jinja2 import (
    FunctionLoader,
    StrictUndefined,
    Template,
    TemplateError,
    TemplateSyntaxError,
    UndefinedError,
    nodes,
)
from jinja2.sandbox import SandboxedEnvironment, SecurityError
from markdown.extensions import Extension
from markdown.extensions.toc import slugify_unicode
from markdown.treeprocessors import Treeprocessor

from helpcenter.limits import (
    MARKDOWN_SECONDS,
    MAX_OUTPUT,
    LimitExceeded,
    template_line,
    template_lines,
    within_time,
)
from helpcenter.load.content import Entry
from helpcenter.problems import Problem, did_you_mean
from helpcenter.render.dependencies import policy_paths
from helpcenter.render.formatting import FilterInputError
from helpcenter.render.sandbox_limits import BoundedSandbox
from helpcenter.render.sanitize import Finding, clean, findings
from helpcenter.render.template_cache import TEMPLATES


def content_environment(entries: list[Entry], filters: Mapping[str, Any],
                        context: Mapping[str, Any]) -> SandboxedEnvironment:
    """A sandbox: content can format policy values but reach no file and no Python object."""
    bodies = {e.path: e.body for e in entries}
    # The file name is the template's name, so that an error while rendering can be traced
    # to its line (`_error_line`); every body is final for the life of the environment.
    # Not `optimized`: Jinja would run a filter on written-out values (`{{ 9 | days }}`)
    # while compiling, and TEMPLATES keeps compiled code by the body's text alone, so the
    # preview would keep the words of a catalog the translator has since changed. (Jinja's
    # code generator also writes a constant `{{ … }}` out as text, optimizer or not; here
    # every `{{ … }}` goes through the sandbox's budget filter first, which it cannot.)
    env = BoundedSandbox(loader=FunctionLoader(
                             lambda name: (bodies[name], name, lambda: True)
                             if name in bodies else None),
                         bytecode_cache=TEMPLATES, optimized=False,
                         undefined=StrictUndefined, autoescape=True,
                         keep_trailing_newline=True)
    env.filters.update(filters)
    env.globals.update(context)
    del env.globals["lipsum"], env.filters["random"]  # different on every build
    return env


def render_body(entry: Entry, env: SandboxedEnvironment, entry_urls: Mapping[str, str],
                policy_reads: set[str] | None = None) -> tuple[str | None, list[Problem]]:
    """The body's HTML, or its problems. `policy_reads` receives the paths of the policy
    values its placeholders read (dependencies.policy_paths)."""
    if _is_plain(entry.body):
        text = _as_template_data(entry.body)
    else:
        filled, problems = _fill_placeholders(entry, env, policy_reads)
        if filled is None:
            return None, problems
        text = filled
    try:
        return within_time(MARKDOWN_SECONDS, "the Markdown of this answer", "shorten it; "
                           "many unclosed '[' or hundreds of headings are slow",
                           lambda: _markdown_to_html(text, entry, entry_urls))
    except LimitExceeded as error:
        return None, [Problem(entry.path, entry.body_line, error.what, error.fix)]


# Jinja's delimiters: a body without any of them is all text, and its template gives it
# back as it is, newlines normalized (`keep_trailing_newline` keeps the last one). Such a
# body is not compiled; the sandbox's budget could not refuse it either (the text of a
# source file is at most half of MAX_OUTPUT), checked anyway so the two ways agree.
_TEMPLATE_SYNTAX = re.compile(r"\{[{%#]")
_NEWLINE = re.compile(r"\r\n|\r|\n")   # jinja2.lexer.newline_re


def _is_plain(body: str) -> bool:
    return _TEMPLATE_SYNTAX.search(body) is None and len(body) <= MAX_OUTPUT


def _as_template_data(body: str) -> str:
    """What the sandbox renders for a body without placeholders (Jinja's `newline_sequence`
    is "\\n")."""
    return _NEWLINE.sub("\n", body)


def _fill_placeholders(entry: Entry, env: SandboxedEnvironment,
                       policy_reads: set[str] | None = None,
                       ) -> tuple[str | None, list[Problem]]:
    """The body with its placeholders filled in, or the problems that prevent it.

    The body is parsed once: the placeholders are checked on the tree; a body of text and
    placeholders only is rendered from it without compiling it (render_outputs), and any
    other, or one that fails that way, is compiled from it (unless the process compiled
    the same body before: the bytecode cache) and rendered, as `get_template` would."""
    try:
        tree = env.parse(entry.body, entry.path, entry.path)
        if policy_reads is not None:
            policy_reads |= policy_paths(tree)
        # the sandbox rewrites the tree as it compiles it: check it before
        problems = _check_placeholders(entry, env, tree)
        if not problems and isinstance(env, BoundedSandbox):
            text = env.render_outputs(tree)  # text and placeholders only: not compiled
            if text is not None:
                return text, []
            tree = env.parse(entry.body, entry.path, entry.path)  # as it was
        template = _compiled(env, entry, tree)
    except TemplateSyntaxError as error:  # reported before any unknown placeholder
        return None, [Problem(entry.path, entry.body_line + (error.lineno or 1) - 1,
                              *_syntax_problem(error, env))]
    if problems:
        return None, problems
    try:
        return template.render(), []
    except LimitExceeded as error:  # never run again placeholder by placeholder
        return None, [Problem(entry.path, _limit_line(entry, error), error.what, error.fix)]
    except Exception as error:  # content is the editor's: any failure is theirs to fix
        first = _failed(entry, error)
        return None, sorted({first, *_each_failing_placeholder(entry, env)})


def _compiled(env: SandboxedEnvironment, entry: Entry, tree: nodes.Template) -> Template:
    """The body's template, as `env.get_template(entry.path)` makes it (jinja2's
    `BaseLoader.load`: the bytecode cache, else compiling), compiled from `tree` instead
    of parsing the body again."""
    cache = env.bytecode_cache
    bucket = cache.get_bucket(env, entry.path, entry.path, entry.body) if cache else None
    code = bucket.code if bucket is not None else None
    if code is None:
        code = env.compile(tree, entry.path, entry.path)
        if cache is not None and bucket is not None:
            bucket.code = code
            cache.set_bucket(bucket)
    return env.template_class.from_code(env, code, env.make_globals(None), lambda: True)


def _failed(entry: Entry, error: Exception) -> Problem:
    what, fix = _runtime_problem(error)
    return Problem(entry.path, _error_line(entry, error),
                   f"a placeholder cannot be filled in: {what}", fix)


def _each_failing_placeholder(entry: Entry, env: SandboxedEnvironment) -> list[Problem]:
    """Rendering stops at the first failing placeholder; to report every one at once,
    each `{{ … }}` that uses only the site's values is rendered again on its own."""
    problems = []
    for output in env.parse(entry.body).find_all(nodes.Output):
        for expression in output.nodes:
            if isinstance(expression, nodes.TemplateData) or any(
                    name.name not in env.globals for name in expression.find_all(nodes.Name)):
                continue  # text, or a placeholder inside a loop: covered by the full render
            alone = nodes.Template([nodes.Output([expression], lineno=expression.lineno)],
                                   lineno=1)
            alone.set_environment(env)
            code = env.compile(alone, name=entry.path, filename=entry.path)
            try:
                env.template_class.from_code(env, code, env.make_globals(None)).render()
            except Exception as error:  # as above
                problems.append(_failed(entry, error))
    return problems


def _syntax_problem(error: TemplateSyntaxError, env: SandboxedEnvironment) -> tuple[str, str]:
    unknown_filter = re.match(r"No filter named '([^']*)'", error.message or "")
    if unknown_filter:
        name = unknown_filter.group(1)
        return (f"there is no filter named '{name}'",
                did_you_mean(name, env.filters) + " The filters are listed in README.md")
    return (f"placeholder syntax error: {error.message}",
            "placeholders look like {{ policy.shipping.domestic.fee | money }}")


_POLICY_FIX = "check the placeholder against content/policies.yaml"
_RUNTIME_ERRORS: tuple[tuple[type[BaseException], str, str], ...] = (
    (ZeroDivisionError, "it divides by zero", "write the value itself, or a placeholder for it"),
    (OverflowError, "a number in it is too large", "write the value itself"),
    (SecurityError, "it uses something content may not use",
     "use only policy values, contact and shop_name, with the filters in README.md"),
    (UndefinedError, "it names a value that does not exist", _POLICY_FIX),
    (TypeError, "it combines values of different kinds, such as text and a number",
     _POLICY_FIX),
)


def _runtime_problem(error: Exception) -> tuple[str, str]:
    """What went wrong while filling in a placeholder, in an editor's words, and the fix."""
    if isinstance(error, FilterInputError):
        return error.message, error.fix
    if isinstance(error, LimitExceeded):
        return error.what, error.fix
    for kind, what, fix in _RUNTIME_ERRORS:
        if isinstance(error, kind):
            return what, fix
    if isinstance(error, TemplateError) and error.message:
        return error.message, _POLICY_FIX
    return "its value cannot be worked out", _POLICY_FIX


def _check_placeholders(entry: Entry, env: SandboxedEnvironment,
                        tree: nodes.Template) -> list[Problem]:
    problems: list[Problem] = []
    found = list(tree.find_all((nodes.Name, nodes.Getattr)))  # one walk, in tree order
    names = [node for node in found if isinstance(node, nodes.Name)]
    assigned = {n.name for n in names if n.ctx in ("store", "param")}
    for name in names:
        if name.ctx == "load" and name.name not in env.globals and name.name not in assigned:
            problems.append(Problem(entry.path, entry.body_line + name.lineno - 1,
                                    f"unknown placeholder '{name.name}'",
                                    did_you_mean(name.name, [k for k in env.globals
                                                             if not k.startswith("_")])))
    reported: set[tuple[int, str]] = set()
    for node in found:
        if not isinstance(node, nodes.Getattr):
            continue
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


def _limit_line(entry: Entry, error: LimitExceeded) -> int:
    """The file line of the placeholder that went over a limit: the limit's own record of
    it, else the failing template frame (as for any other error)."""
    if getattr(error, "line", None) or template_lines(error):
        return entry.body_line + template_line(error) - 1
    return _error_line(entry, error)


def _error_line(entry: Entry, error: BaseException) -> int:
    """The file line of the innermost template frame: Jinja rewrites its frames to carry
    the template's file name and line, so this is the placeholder that failed."""
    found = None
    for frame, line in traceback.walk_tb(error.__traceback__):
        if frame.f_code.co_filename == entry.path:
            found = line
    return entry.body_line + found - 1 if found is not None else entry.body_line


def _markdown_to_html(text: str, entry: Entry,
                      entry_urls: Mapping[str, str]) -> tuple[str | None, list[Problem]]:
    converter, links = _take_converter()
    links.start(entry, entry_urls)
    html = converter.reset().convert(text)
    _IDLE.converter = (converter, links)   # given back only after a whole conversion
    cleaned = clean(html)
    problems = links.problems + [_unsafe(entry, found) for found in findings(html, cleaned)]
    return (None, problems) if problems else (cleaned, [])


# Making a Markdown instance (its extensions, processors and patterns) took nearly as long
# as converting an answer: one is reused, reset before each answer (Python-Markdown's way
# to convert several texts). One per thread (the preview builds in a thread of its own);
# taken while in use, so that a conversion stopped midway (the time limit) leaves nothing
# half-done to the next answer: a new one is made instead.
_IDLE = threading.local()


def _take_converter() -> tuple[markdown.Markdown, _EntryLinks]:
    idle = getattr(_IDLE, "converter", None)
    _IDLE.converter = None
    if idle is not None:
        return idle
    links = _EntryLinks()
    converter = markdown.Markdown(
        extensions=["toc", "tables", "sane_lists", "attr_list", links],
        extension_configs={"toc": {"slugify": slugify_unicode, "toc_depth": "2-4"},
                           # align="…", not style="…", which a strict CSP would refuse
                           "tables": {"use_align_attribute": True}},
        output_format="html",
    )
    return converter, links


def _unsafe(entry: Entry, found: Finding) -> Problem:
    """Markup the allow-list refuses, at the first body line that holds it."""
    needle = _comparable(found.needle)
    offset = next((i for i, line in enumerate(entry.body.split("\n"))
                   if needle and needle in _comparable(line)), None)
    where = "" if offset is not None else " (it may come from a placeholder's value)"
    return Problem(entry.path, entry.body_line + (offset or 0), found.what + where,
                   f"{found.fix}; answers may use Markdown: headings, lists, tables, links, "
                   "emphasis, code and images from this site, see 'What editors may write' "
                   "in README.md")


def _comparable(text: str) -> str:
    """Source and HTML alike: character references decoded, no spaces or control
    characters (`java&#x09;script:` is `javascript:` to a browser), any case."""
    return re.sub(r"[\x00-\x20\x7f]", "", html.unescape(text)).casefold()


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
    """Rewrites `[…](other-entry.md#part)` to the other entry's page in the same language
    (of the entry given to `start`, before each conversion)."""

    entry: Entry
    entry_urls: Mapping[str, str]

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[Problem] = []

    def start(self, entry: Entry, entry_urls: Mapping[str, str]) -> None:
        self.entry = entry
        self.entry_urls = entry_urls
        self.problems = []

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
