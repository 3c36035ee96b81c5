"""Stage 3: load the FAQ entries, content/<lang>/<slug>.md, Markdown with YAML front matter.

The file name is the slug: the same name in each language folder makes the
translations of one entry. Front matter is typed; unknown keys are errors.

Editors' lock, backup and swap files (`.#x.md`, `x.md~`, `.x.md.swp`, hidden files) are
skipped by the same rule the live preview's watcher uses (source_files.ignored), so the build
and the preview always agree on what is an entry. Anything else named `*.md` must be a
regular file (or a link to one): a folder, a pipe or a device is an error, and is never
opened in a way that could wait forever.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from helpcenter.load.config import SiteConfig
from helpcenter.load.schema import ID, Check, Integer, ListOf, Spec, Text, describe
from helpcenter.load.source_files import ignored, read_source_text
from helpcenter.load.yamlfile import KeyPath, parse_yaml
from helpcenter.problems import Problem, did_you_mean, display_path

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
TRANSLATED_FROM = re.compile(r"[a-z]{2}-[0-9a-f]{12}")
RESERVED_SLUGS = frozenset({"calculator", "search", "assets", "404"})
MAX_SLUG_LENGTH = 80  # a web address people can read; file systems allow 255 bytes
_FENCE = "---"


@dataclass(frozen=True)
class Entry:
    lang: str
    slug: str
    path: str            # as shown to editors: content/ja/shipping-cost.md
    title: str
    category: str
    policies: tuple[str, ...]
    order: int
    description: str
    body: str
    body_line: int       # file line where the body starts
    front_matter_line: dict[str, int]
    translated_from: str = ""   # translations only: the source version it was made from
    # Values later stages work out from this entry, kept with it (its digests, its source
    # hash, its warnings): an entry is never changed, so they stay true as long as the
    # entry lives (and the live preview keeps the entries that did not change).
    derived: dict[str, Any] = field(default_factory=dict, init=False, compare=False,
                                    repr=False)

    def line_of(self, key: str) -> int:
        return self.front_matter_line.get(key, 1)


class _PolicyIds(Spec):
    """`policy: shipping` or `policy: [shipping, payment]`."""

    def check(self, value: Any, key_path: KeyPath, ctx: Check) -> Any:
        if isinstance(value, str):
            return (ID.check(value, key_path, ctx),)
        if isinstance(value, list) and value:
            return tuple(ListOf(ID).check(value, key_path, ctx))
        ctx.fail(key_path, f"policy must be a policy id or a list of them, not {describe(value)}",
                 "write e.g. 'policy: shipping' or 'policy: [shipping, payment]'")
        return ()


_FIELDS: dict[str, Spec] = {
    "title": Text(hint="write the question the entry answers"),
    "category": ID,
    "policy": _PolicyIds(),
    "order": Integer(minimum=0),
    "description": Text(hint="write one sentence that sums up the answer"),
    "translated_from": Text(TRANSLATED_FROM, "copy what 'python build.py translations "
                            "--mark-fresh SLUG' writes, such as ja-3f2a9c1b7d04"),
}
_OPTIONAL = frozenset({"description", "translated_from"})


# Entries already read, by what they were read from: the live preview keeps this between
# rebuilds, so that a change to site.yaml or policies.yaml re-reads the entries' bytes but
# parses only the files whose text changed. What an entry's reading depends on besides its
# file (the languages, the source language, the categories) is part of the key.
EntryMemo = dict[tuple[object, ...], "Entry"]
# The texts of entry files as last read, by path: the live preview keeps them between
# rebuilds and drops those of the files it sees change, so that a change to
# policies.yaml or site.yaml does not read every unchanged entry file again.
EntryTexts = dict[Path, str]


def load_entries(config: SiteConfig, memo: EntryMemo | None = None,
                 texts: EntryTexts | None = None) -> tuple[list[Entry], list[Problem]]:
    content = config.root / "content"
    entries: list[Entry] = []
    problems: list[Problem] = []
    for folder in sorted(p for p in content.iterdir() if p.is_dir()) if content.is_dir() else []:
        if folder.name not in config.codes:
            problems.append(Problem(display_path(folder, config.root), 0,
                                    f"'{folder.name}' is not a language of this site",
                                    did_you_mean(folder.name, config.codes)
                                    + " or add the language to site.yaml"))
    for lang in config.codes:
        folder = content / lang
        if folder.exists() and not folder.is_dir():
            problems.append(Problem(display_path(folder, config.root), 0, "this is a file, "
                                    f"but it should be the folder of the '{lang}' entries",
                                    f"move the file away and make a folder content/{lang}"))
            continue
        shown = display_path(folder, config.root)
        for path in entry_files(folder):
            entry, found = read_entry(path, lang, config, shown, memo, texts)
            problems += found
            if entry:
                entries.append(entry)
    return entries, problems


def entry_files(folder: Path) -> list[Path]:
    """The `*.md` names in a language folder, without editors' temporary files."""
    if not folder.is_dir():
        return []
    return sorted((path for path in folder.iterdir()
                   if path.name.endswith(".md") and not ignored(path.name)),
                  key=lambda path: path.name)   # (comparing Path objects is slow)


def read_entry(path: Path, lang: str, config: SiteConfig, folder: str | None = None,
               memo: EntryMemo | None = None, texts: EntryTexts | None = None,
               ) -> tuple[Entry | None, list[Problem]]:
    """`folder`: the entry's folder as editors know it (content/ja), when known; `memo`:
    entries read before (EntryMemo), used again when the file's text is the same;
    `texts`: the files' texts known to be current (EntryTexts), read only when missing."""
    folder = folder if folder is not None else display_path(path.parent, config.root)
    shown = f"{folder}/{path.name}"  # a link: its own name
    text = texts.get(path) if texts is not None else None
    if text is None:
        text, problem = _read_text(path, shown)
        if problem:
            return None, [problem]
        if texts is not None:
            texts[path] = text
    key = (shown, lang, text, config.codes, config.source_language,
           tuple(c.id for c in config.categories))
    if memo is not None and key in memo:
        return memo[key], []
    entry, problems = _parse_entry(path, lang, config, shown, text)
    if memo is not None and entry is not None:
        memo[key] = entry
    return entry, problems


def _parse_entry(path: Path, lang: str, config: SiteConfig, shown: str,
                 text: str) -> tuple[Entry | None, list[Problem]]:
    problems = _check_slug(path.stem, shown)
    front, body_line, split_problem = split_front_matter(text, shown)
    if split_problem:
        return None, [*problems, split_problem]
    parsed = parse_yaml(front, shown, first_line=2)
    if parsed.problems:
        return None, problems + parsed.problems
    ctx = Check(parsed.lines, config.codes)
    data = _check_front_matter(parsed.data, config, ctx)
    if lang == config.source_language and isinstance(data, dict) and "translated_from" in data:
        ctx.fail(("translated_from",), f"'{lang}' is the source language, so this entry is "
                 "not a translation", "remove the line 'translated_from: …'")
    problems += ctx.problems
    if problems:
        return None, problems
    body = "\n".join(text.split("\n")[body_line - 1:])
    lines = {key: parsed.lines.line((key,)) for key in data}
    return Entry(lang, path.stem, shown, data["title"].strip(), data["category"], data["policy"],
                 data["order"], (data.get("description") or "").strip(), body, body_line,
                 lines, data.get("translated_from", "")), []


def _read_text(path: Path, shown: str) -> tuple[str, Problem | None]:
    not_an_entry = _not_an_entry(path, shown)
    if not_an_entry:
        return "", not_an_entry
    text, problem = read_source_text(path, shown)
    if problem:
        return "", problem
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return "", Problem(shown, 1, "this file is empty",
                           "add front matter between two '---' lines, then the answer")
    return text, None


_KINDS = {stat.S_IFDIR: "a folder", stat.S_IFIFO: "a pipe (FIFO)", stat.S_IFCHR: "a device",
          stat.S_IFBLK: "a device", stat.S_IFSOCK: "a socket"}


def _not_an_entry(path: Path, shown: str) -> Problem | None:
    """A name ending in .md that is not a file an editor wrote: said in an entry's terms
    (the size, encoding and special-file limits of every source are in source_files)."""
    try:
        mode = os.stat(path).st_mode  # follows a link; never opens, so a pipe cannot block
    except FileNotFoundError:
        if path.is_symlink():
            return Problem(shown, 0, f"this is a link to {os.readlink(path)}, which does not "
                           "exist", "delete the link, or make it point to an entry")
        return None
    except OSError:
        return None  # read_source_text names it
    kind = _KINDS.get(stat.S_IFMT(mode))
    if kind is None:
        return None
    return Problem(shown, 0, f"this is {kind}, not a file, so it cannot be an entry",
                   "move it out of content/, or rename it so that it does not end in .md")


def _check_slug(slug: str, shown: str) -> list[Problem]:
    if not SLUG.fullmatch(slug):
        suggestion = re.sub(r"[^a-z0-9]+", "-", slug.lower()).strip("-") or "my-question"
        return [Problem(shown, 1, f"the file name '{slug}' cannot be used in a web address",
                        f"rename the file to lower-case letters, digits and '-', "
                        f"such as '{suggestion}.md', in every language")]
    if slug in RESERVED_SLUGS:
        return [Problem(shown, 1, f"'{slug}' is the address of a page the site makes itself",
                        "rename the file in every language")]
    if len(slug) > MAX_SLUG_LENGTH:
        return [Problem(shown, 1, f"the file name is {len(slug)} characters long, more than "
                        f"the {MAX_SLUG_LENGTH} a web address may have here",
                        "rename the file to a shorter name, in every language")]
    return []


def split_front_matter(text: str, shown: str) -> tuple[str, int, Problem | None]:
    """The front matter's YAML and the file line where the body starts.

    Public because translation status reads older versions of an entry from git.
    """
    lines = text.split("\n")
    if lines[0].strip() != _FENCE:
        return "", 0, Problem(shown, 1, "the file does not start with front matter",
                              "make the first line '---', then title, category, policy and "
                              "order, then another '---' line")
    for index, line in enumerate(lines[1:], start=1):
        if line.rstrip() == _FENCE:
            return "\n".join(lines[1:index]), index + 2, None
    return "", 0, Problem(shown, 1, "the front matter is never closed",
                          "add a line '---' after the last setting (order: …)")


def _check_front_matter(data: Any, config: SiteConfig, ctx: Check) -> dict[str, Any]:
    if not isinstance(data, dict):
        ctx.fail((), "the front matter must be settings such as 'title: …'",
                 "write one 'name: value' per line between the '---' lines")
        return {}
    for key in data:
        if key not in _FIELDS:
            ctx.fail((key,), f"unknown setting '{key}'", did_you_mean(str(key), _FIELDS))
    for key, spec in _FIELDS.items():
        if key in data:
            data[key] = spec.check(data[key], (key,), ctx)
        elif key not in _OPTIONAL:
            ctx.fail((), f"the setting '{key}' is missing", f"add '{key}: …' to the front matter")
    category = data.get("category")
    known = [c.id for c in config.categories]
    if isinstance(category, str) and category not in known:
        ctx.fail(("category",), f"unknown category '{category}'",
                 did_you_mean(category, known) + " Categories are listed in site.yaml.")
    return data
