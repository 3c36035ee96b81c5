"""`i18n extract` and `i18n update`: the commands that rewrite the gettext catalogs.

They must never lose a translator's work. Nothing is written unless every template,
script and catalog can be read (a template that does not parse would look like one
without texts, and Babel would drop their translations); a translation that matches no
text of the theme any more is kept as an obsolete entry and named; a catalog is written
whole to a side file and then put in place.
"""

from __future__ import annotations

import os
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import PoFileError, read_po, write_po

from helpcenter.load.catalogs import extract_checked, po_path, po_syntax_problems, template_path
from helpcenter.load.config import SiteConfig
from helpcenter.problems import Problem, display_path, stop_if_any


def extract_template(config: SiteConfig) -> tuple[Path, int]:
    """`i18n extract`: write every UI string of the templates and scripts to messages.pot.

    The .pot file is what translation tools (Poedit, Weblate) start from; the build does
    not read it. Returns the path and the number of messages. Raises BuildFailed, and
    writes nothing, when a template or script cannot be read.
    """
    template, problems = _template(config.root)
    stop_if_any(problems)
    path = template_path(config.root)
    _write_po(path, template, omit_header=False, sort_output=False)
    return path, len(template)


def _template(root: Path) -> tuple[Catalog, list[Problem]]:
    template = Catalog(project="Milamore help center", charset="utf-8")
    found, problems = extract_checked(root)
    for shown, lineno, message, comments in found:
        template.add(message, None, [(shown, lineno)], auto_comments=comments)
    return template, problems


def update_catalogs(config: SiteConfig) -> tuple[list[Path], list[Problem]]:
    """`i18n update`: extract the theme's UI strings and merge them into every catalog.

    Nothing is written unless every template, script and catalog can be read: a
    template that does not parse would otherwise look like a template without texts,
    and their translations would be dropped. A translation whose text is no longer in
    the theme is kept in the catalog as an obsolete entry (`#~`) and named in the
    returned warnings; it comes back by itself when the text returns.
    """
    template, problems = _template(config.root)
    catalogs: dict[str, Catalog] = {}
    for lang in config.codes:
        path = po_path(config.root, lang)
        if not path.is_file():
            catalogs[lang] = Catalog(locale=lang, project="Milamore help center",
                                     charset="utf-8")
            continue
        catalog, found = _read_catalog(path, lang, display_path(path, config.root))
        problems += found
        if catalog is not None:
            catalogs[lang] = catalog
    stop_if_any(problems)
    written, notes = [], []
    for lang, catalog in catalogs.items():
        path = po_path(config.root, lang)
        notes += _merge(catalog, template, display_path(path, config.root))
        catalog.fuzzy = False
        _write_po(path, catalog, omit_header=False, ignore_obsolete=False, sort_output=False,
                  include_previous=False)
        written.append(path)
    return written, notes


def _read_catalog(path: Path, lang: str, shown: str) -> tuple[Catalog | None, list[Problem]]:
    problems = po_syntax_problems(path.read_bytes(), shown)
    if problems:
        return None, problems
    try:
        with path.open("rb") as handle:
            return read_po(handle, locale=lang, abort_invalid=True), []
    except (PoFileError, ValueError) as error:
        return None, [Problem(shown, getattr(error, "lineno", 0) or 0,
                              f"this catalog cannot be read: {error}",
                              "compare the line with the entries around it")]


def _merge(catalog: Catalog, template: Catalog, shown: str) -> list[Problem]:
    """Babel's update, losing no translation: obsolete entries are offered for matching
    again, and a translation that matches no text of the theme is kept as obsolete."""
    translated = {_key(m): m for m in [*catalog, *catalog.obsolete.values()]
                  if m.id and any(_strings(m))}
    current = {_key(m) for m in catalog if m.id}
    for message in list(catalog.obsolete.values()):
        if message.id not in catalog:
            catalog[message.id] = message
    catalog.obsolete.clear()
    catalog.update(template, update_header_comment=False)
    notes = []
    for key, message in translated.items():
        if catalog.get(message.id, message.context) is None:
            catalog.obsolete[key] = message
            if key in current:
                notes.append(Problem(shown, 0, f"the text '{_short(message.id)}' is no longer "
                                     "in the theme: its translation is kept at the end of the "
                                     "file as an obsolete entry (#~)", "delete it when it is "
                                     "not needed; it comes back by itself if the text returns",
                                     warning=True))
    for message in catalog:
        if message.fuzzy and message.previous_id:
            notes.append(Problem(shown, 0, f"the translation of '{_short(message.id)}' was "
                                 f"guessed from the one of '{_short(message.previous_id)}' "
                                 "and is marked fuzzy", "check it, then remove the "
                                 "'#, fuzzy' line above it", warning=True))
    return notes


def _key(message: Message) -> str | tuple[str, str]:
    msgid = message.id[0] if isinstance(message.id, (tuple, list)) else message.id
    return (msgid, message.context) if message.context else msgid


def _strings(message: Message) -> tuple[str | None, ...]:
    return (tuple(message.string) if isinstance(message.string, (tuple, list))
            else (message.string,))


def _short(msgid: str | tuple[str, ...] | list[str]) -> str:
    text = msgid if isinstance(msgid, str) else msgid[0]
    return text if len(text) <= 50 else text[:49] + "…"


def _write_po(path: Path, catalog: Catalog, **options: bool) -> None:
    """Write a whole catalog, then put it in place: an interrupted write leaves the old one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    try:
        with partial.open("wb") as handle:
            write_po(handle, catalog, width=100, **options)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
