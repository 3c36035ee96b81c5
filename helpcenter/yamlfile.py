"""YAML parsing that remembers the line of every value.

PyYAML's `safe_load` forgets where values came from; editors need `file:line`. We
compose the node tree and build plain Python values, recording the 1-based line of
each key path (`("shipping", "domestic", "fee") -> 19`). Duplicate keys, which PyYAML
silently overwrites, are reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from .problems import Problem

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
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return ParsedYaml(None, lines, [])
        problems: list[Problem] = []
        data = _build(node, (), loader, lines, problems)
        return ParsedYaml(data, lines, problems)
    except yaml.YAMLError as error:
        return ParsedYaml(None, lines, [_syntax_problem(error, path, first_line)])
    finally:
        loader.dispose()


def _build(node: yaml.Node, key_path: KeyPath, loader: yaml.SafeLoader,
           lines: LineMap, problems: list[Problem]) -> Any:
    lines.lines.setdefault(key_path, node.start_mark.line + lines.first_line)
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            key_line = key_node.start_mark.line + lines.first_line
            if not isinstance(key, (str, int)):
                problems.append(Problem(lines.path, key_line, f"'{key}' cannot be used as a name",
                                        "use a plain word such as 'fee'"))
                continue
            if key in result:
                problems.append(Problem(lines.path, key_line, f"'{key}' is given twice",
                                        "keep only one of them"))
            lines.lines[(*key_path, key)] = key_line
            result[key] = _build(value_node, (*key_path, key), loader, lines, problems)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*key_path, index), loader, lines, problems)
                for index, item in enumerate(node.value)]
    try:
        return loader.construct_object(node, deep=True)
    except ValueError:  # looks like a date but is not one (2026-02-30): keep the text
        return node.value


def _syntax_problem(error: yaml.YAMLError, path: str, first_line: int) -> Problem:
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    line = mark.line + first_line if mark is not None else first_line
    what = getattr(error, "problem", None) or str(error).splitlines()[0]
    return Problem(path, line, f"this is not valid YAML: {what}",
                   "check the indentation, and put quotes around text that contains ': ' or '#'")
