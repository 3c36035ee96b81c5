"""YAML parsing that remembers the line of every value.

PyYAML's `safe_load` forgets where values came from; editors need `file:line`. We
compose the node tree and build plain Python values, recording the 1-based line of
each key path (`("shipping", "domestic", "fee") -> 19`). Duplicate keys, which PyYAML
silently overwrites, are reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from helpcenter.limits import YAML_SECONDS, LimitExceeded, within_time
from helpcenter.problems import Problem

KeyPath = tuple[Any, ...]


@dataclass
class LineMap:
    """Line of each key path in one YAML document, offset to the real file."""

    path: str
    first_line: int = 1
    lines: dict[KeyPath, int] = field(default_factory=dict)

    def line(self, key_path: KeyPath) -> int:
        """The line of a value, or of its nearest ancestor that has one."""
        while key_path not in self.lines and key_path:
            key_path = key_path[:-1]
        return self.lines.get(key_path, self.first_line)

    def problem(self, key_path: KeyPath, message: str, fix: str = "") -> Problem:
        return Problem(self.path, self.line(key_path), message, fix)


@dataclass
class ParsedYaml:
    data: Any
    lines: LineMap
    problems: list[Problem]


def parse_yaml(text: str, path: str, first_line: int = 1) -> ParsedYaml:
    """Parse one YAML document; `first_line` is the file line where `text` starts."""
    lines = LineMap(path, first_line)
    try:
        loader = _CountingLoader(text, lines)  # rejects NUL and other control characters
    except yaml.YAMLError as error:
        return ParsedYaml(None, lines, [_syntax_problem(error, path, first_line, text)])
    fast = _with_libyaml(text, path, first_line, lines)
    if fast is not None:
        loader.dispose()
        return fast
    try:
        return within_time(YAML_SECONDS, "reading this file", "a settings file has a few "
                           "hundred values; check that the right file was saved here",
                           lambda: _compose(loader, lines, path, first_line))
    except LimitExceeded as error:
        return ParsedYaml(None, lines, [Problem(path, first_line, error.what, error.fix)])
    except yaml.YAMLError as error:
        return ParsedYaml(None, lines, [_syntax_problem(error, path, first_line, text)])
    except _LimitReached as error:
        return ParsedYaml(None, lines, [error.problem])
    finally:
        loader.dispose()


# libyaml (PyYAML's C parser) reads a small file ten times faster than PyYAML's Python
# parser, but it recurses in C: a value nested tens of thousands of brackets deep crashes
# the process. So it is used only for texts too small to nest deeply (front matter), and a
# text it finds wrong is read again by the Python parser, whose messages the editors see.
# For a text that does not end with a line break, libyaml can place an empty value on the
# line after the last ('---' alone: line 2); such a line is taken as the last line.
_FAST_MAX_CHARACTERS = 20_000
_FAST_MAX_LINES = 400


def _with_libyaml(text: str, path: str, first_line: int, lines: LineMap) -> ParsedYaml | None:
    if (not getattr(yaml, "__with_libyaml__", False) or len(text) > _FAST_MAX_CHARACTERS
            or text.count("\n") > _FAST_MAX_LINES
            or text.count("[") + text.count("{") > MAX_DEPTH):
        return None
    loader = yaml.CSafeLoader(text)
    try:
        parsed = _compose(loader, lines, path, first_line)
    except (yaml.YAMLError, _LimitReached):
        return None   # read again by the Python parser, for its message
    finally:
        loader.dispose()
    last = first_line + len(_LINE_BREAK.split(text)) - 1
    for key_path, line in lines.lines.items():
        lines.lines[key_path] = min(line, last)
    return parsed if not parsed.problems else None


_LINE_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")   # YAML's line breaks


def _compose(loader: yaml.SafeLoader | yaml.CSafeLoader, lines: LineMap, path: str,
             first_line: int) -> ParsedYaml:
    try:
        node = loader.get_single_node()
    except RecursionError:  # PyYAML composes recursively: `[[[[…` hundreds deep
        return ParsedYaml(None, lines, [_too_deep(path, first_line)])
    if node is None:
        return ParsedYaml(None, lines, [])
    problems: list[Problem] = []
    data = _build(node, (), loader, lines, problems, set(), _Count())
    return ParsedYaml(data, lines, problems)


# Limits on what one YAML text may make. An alias (*name) repeats a whole value, so ten
# lines of aliases of aliases make a billion values ("billion laughs"); the real policy
# file makes a few hundred, nested six deep.
MAX_VALUES = 100_000
MAX_DEPTH = 50


@dataclass
class _Count:
    values: int = 0
    seen: set[int] = field(default_factory=set)   # nodes built once: a second time is an alias


class _LimitReached(Exception):  # noqa: N818 (caught in parse_yaml and reported)
    def __init__(self, problem: Problem) -> None:
        self.problem = problem


def _too_many_values(path: str, line: int) -> Problem:
    return Problem(path, line, f"this file holds more than {MAX_VALUES:,} values", "a settings "
                   "file has a few hundred; check that the right file was saved here")


class _CountingLoader(yaml.SafeLoader):
    """PyYAML's Python loader, counting the values it reads: a text written out with more
    than MAX_VALUES of them is refused as soon as it gets there. PyYAML reads about 50,000
    a second, so a whole file would often run into the time limit first (5 s), and say
    less about what is wrong. Counted as `_build` counts: every value, not the names of a
    mapping, and an alias not here (it is counted where `_build` follows it). One
    difference: the value of a name `_build` refuses (`? [a, b]`, a name that is a number
    with a point…) is counted here, not there; such a file is refused either way."""

    def __init__(self, text: str, lines: LineMap) -> None:
        super().__init__(text)
        self.lines = lines
        self.values = 0
        self.names_open = 0   # > 0 inside a name (`? [a, b]`): its values are not counted

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        if self.names_open or (isinstance(parent, yaml.MappingNode) and index is None):
            self.names_open += 1
            try:
                return super().compose_node(parent, index)
            finally:
                self.names_open -= 1
        if not self.check_event(yaml.AliasEvent):
            self.values += 1
            if self.values > MAX_VALUES:
                line = self.peek_event().start_mark.line + self.lines.first_line
                raise _LimitReached(_too_many_values(self.lines.path, line))
        return super().compose_node(parent, index)


def _too_deep(path: str, line: int) -> Problem:
    return Problem(path, line, f"the values in this file are nested more than {MAX_DEPTH} "
                   "levels deep", "check the indentation and the brackets [ ] and { }")


def _build(node: yaml.Node, key_path: KeyPath, loader: yaml.SafeLoader | yaml.CSafeLoader,
           lines: LineMap, problems: list[Problem], inside: set[int], count: _Count,
           alias_at: int = 0) -> Any:
    """`alias_at`: the length of the key path where an alias was first followed, on the way
    to this node (0: none); too many values are reported at the value holding that alias."""
    line = node.start_mark.line + lines.first_line
    count.values += 1
    if not alias_at and id(node) in count.seen:
        alias_at = len(key_path)
    count.seen.add(id(node))
    if count.values > MAX_VALUES and alias_at:
        raise _LimitReached(Problem(
            lines.path, lines.line(key_path[:alias_at - 1]), f"the aliases (*name) in this "
            f"file make more than {MAX_VALUES:,} values", "write the values out instead of "
            "repeating aliases of lists that are themselves made of aliases"))
    if count.values > MAX_VALUES:
        raise _LimitReached(_too_many_values(lines.path, line))
    if len(key_path) > MAX_DEPTH:
        raise _LimitReached(_too_deep(lines.path, line))
    lines.lines.setdefault(key_path, line)
    if id(node) in inside:  # `&a [*a]`: an alias inside the value it names
        problems.append(Problem(lines.path, node.start_mark.line + lines.first_line,
                                "an alias (*name) is used inside the value it names",
                                "write the value out instead of using the alias"))
        return None
    if isinstance(node, yaml.MappingNode):
        inside = inside | {id(node)}
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + lines.first_line
            try:
                key = loader.construct_object(key_node, deep=True)
            except Exception:  # `? !!int abc`: PyYAML raises ValueError, IndexError…
                key = key_node.value
            if not isinstance(key, (str, int)):
                shown = key_node.value[:40] if isinstance(key_node, yaml.ScalarNode) else \
                    "a list or a mapping"  # never printed whole: it may be an alias of a huge one
                problems.append(Problem(lines.path, key_line, f"'{shown}' cannot be used as a name",
                                        "use a plain word such as 'fee'"))
                continue
            if key in result:
                problems.append(Problem(lines.path, key_line, f"'{key}' is given twice",
                                        "keep only one of them"))
            lines.lines[(*key_path, key)] = key_line
            result[key] = _build(value_node, (*key_path, key), loader, lines, problems, inside,
                                 count, alias_at)
        return result
    if isinstance(node, yaml.SequenceNode):
        inside = inside | {id(node)}
        return [_build(item, (*key_path, index), loader, lines, problems, inside, count,
                       alias_at)
                for index, item in enumerate(node.value)]
    try:
        value = loader.construct_object(node, deep=True)
    except Exception:  # 2026-02-30, `!!int` with no digits…: keep the text as written
        value = node.value
    if isinstance(value, str) and _SURROGATE.search(value):
        problems.append(Problem(lines.path, node.start_mark.line + lines.first_line,
                                "this text contains a broken character (a lone surrogate "
                                "such as \\ud800)", "remove it, or type the character itself"))
    return value


_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _syntax_problem(error: yaml.YAMLError, path: str, first_line: int, text: str) -> Problem:
    if isinstance(error, yaml.reader.ReaderError):  # NUL, other control characters…
        breaks = len(re.findall(r"\r\n|[\r\n\x85\u2028\u2029]", text[: error.position]))
        return Problem(path, first_line + breaks, f"the character U+{error.character:04X} is "
                       "not allowed in this file", "delete it; it is invisible in most "
                       "editors and often comes with text pasted from another program")
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    line = mark.line + first_line if mark is not None else first_line
    what = getattr(error, "problem", None) or str(error).splitlines()[0]
    return Problem(path, line, f"this is not valid YAML: {what}",
                   "check the indentation, and put quotes around text that contains ': ' or '#'")
