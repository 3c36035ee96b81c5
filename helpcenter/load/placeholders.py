"""Values the shop has not supplied yet, marked in site.yaml with a `# placeholder` comment.

    email: support@milamore.example  # placeholder: the shop's support address

The mark is a YAML comment, so site.yaml stays plain YAML for every tool that reads it, and
removing it is what an editor expects: write the real value, delete the comment. The build
uses the value as it is and warns on every run (file:line), the live preview lists the
placeholders on every page, and a production build refuses to publish while one is in use.
A comment that looks like a misspelt mark (`# placehodler`) is an error, so a typo cannot
let a placeholder through unnoticed.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

import yaml

from helpcenter.problems import Problem

MARK = "placeholder"
_COMMENT = re.compile(r"\s+#\s*([A-Za-z_-]+)")


@dataclass(frozen=True)
class Placeholder:
    """A value of site.yaml marked as not yet the shop's own: used, never published."""

    path: str
    line: int
    key: str      # contact.email
    value: str

    def notice(self) -> str:
        """One line for every build: `site.yaml:27: placeholder: …`, neither an error nor
        an editor's warning (`check --strict` does not count it)."""
        return (f"{self.path}:{self.line}: placeholder: {self.key} '{self.value}' is not the "
                f"shop's real value yet ({self._fix()})")

    def refusal(self) -> Problem:
        return Problem(self.path, self.line, f"{self.key} is still a placeholder "
                       f"('{self.value}') and cannot be published", self._fix())

    def _fix(self) -> str:
        fix = f"write the real value and delete the '# {MARK}' comment after it"
        if self.key == "base_url":
            fix += ", or give the published address with --base-url"
        return fix + "; build.py --production refuses to publish until then"


def find_placeholders(text: str, shown: str) -> tuple[list[Placeholder], list[Problem]]:
    """The values followed by `# placeholder` on their line, and misspelt marks."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return [], []  # parse_yaml reports it with its line
    found: list[Placeholder] = []
    problems: list[Problem] = []
    for key_path, value in _scalars(node, ()):
        line = text.splitlines()[value.end_mark.line] if value.end_mark.line < len(
            text.splitlines()) else ""
        comment = _COMMENT.match(line[value.end_mark.column:])
        if comment is None:
            continue
        word, number = comment[1].lower(), value.start_mark.line + 1
        key = ".".join(key_path)
        if word == MARK:
            found.append(Placeholder(shown, number, key, value.value))
        elif difflib.SequenceMatcher(None, word, MARK).ratio() >= 0.75:
            problems.append(Problem(shown, number, f"the comment '# {comment[1]}' after {key} "
                                    f"looks like a misspelt '# {MARK}'",
                                    f"write '# {MARK}' if the shop has not supplied this value "
                                    "yet, or reword the comment"))
    return found, problems


def _scalars(node: yaml.Node | None,
             key_path: tuple[str, ...]) -> list[tuple[tuple[str, ...], yaml.ScalarNode]]:
    if isinstance(node, yaml.ScalarNode):
        return [(key_path, node)]
    if isinstance(node, yaml.MappingNode):
        return [found for key, value in node.value
                for found in _scalars(value, (*key_path, str(key.value)))]
    if isinstance(node, yaml.SequenceNode):
        return [found for index, item in enumerate(node.value)
                for found in _scalars(item, (*key_path, str(index)))]
    return []
