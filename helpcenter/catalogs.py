"""gettext catalogs: read the committed .po files, compile them in memory, check them.

Message ids are English, the theme's source language. `.mo` files are never written
to disk: the build compiles each `.po` when it starts, so `serve` picks up edits.
"""

from __future__ import annotations

import functools
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po, write_po
from babel.support import Translations

from .config import SiteConfig
from .problems import Problem, display_path
from .source_files import read_source_bytes

SOURCE_LANGUAGE = "en"
DOMAIN = "messages"
KEYWORDS = {**DEFAULT_KEYWORDS, "gettext": None, "ngettext": (1, 2)}
_JINJA_OPTIONS = {"extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true"}


def po_path(root: Path, lang: str) -> Path:
    return root / "locales" / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def load_catalogs(config: SiteConfig) -> tuple[dict[str, Catalog], list[Problem]]:
    catalogs: dict[str, Catalog] = {}
    problems: list[Problem] = []
    for lang in config.codes:
        path = po_path(config.root, lang)
        shown = display_path(path, config.root)
        if not path.exists() and not path.is_symlink():
            problems.append(Problem(shown, 0, f"the '{lang}' translation catalog is missing",
                                    "run: python build.py i18n update"))
            continue
        data, unreadable = read_source_bytes(path, shown)
        if unreadable:
            problems.append(unreadable)
            continue
        try:
            catalogs[lang] = read_po(BytesIO(data), locale=lang, abort_invalid=True)
        except (PoFileError, ValueError, UnicodeDecodeError) as error:
            problems.append(Problem(shown, getattr(error, "lineno", 0) or 0,
                                    f"this catalog cannot be read: {error}",
                                    "fix the quoting on that line"))
    return catalogs, problems


def compile_translations(catalog: Catalog) -> Translations:
    buffer = BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def template_path(root: Path) -> Path:
    return root / "locales" / f"{DOMAIN}.pot"


def extract_template(config: SiteConfig) -> tuple[Path, int]:
    """`i18n extract`: write every UI string of the templates and scripts to messages.pot.

    The .pot file is what translation tools (Poedit, Weblate) start from; the build does
    not read it. Returns the path and the number of messages.
    """
    template = _template(config.root)
    path = template_path(config.root)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, template, width=100, omit_header=False, sort_output=False)
    return path, len(template)


def _template(root: Path) -> Catalog:
    template = Catalog(project="Milamore help center", charset="utf-8")
    for shown, lineno, message, comments in _extract(root):
        template.add(message, None, [(shown, lineno)], auto_comments=comments)
    return template


def update_catalogs(config: SiteConfig) -> list[Path]:
    """`i18n update`: extract the theme's UI strings and merge them into every catalog."""
    template = _template(config.root)
    written = []
    for lang in config.codes:
        path = po_path(config.root, lang)
        if path.is_file():
            with path.open("rb") as handle:
                catalog = read_po(handle, locale=lang)
            catalog.update(template, update_header_comment=False)
        else:
            catalog = Catalog(locale=lang, project="Milamore help center", charset="utf-8")
            catalog.update(template)
        catalog.fuzzy = False
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            write_po(handle, catalog, width=100, omit_header=False, ignore_obsolete=True,
                     sort_output=False, include_previous=False)
        written.append(path)
    return written


def _sources(root: Path) -> list[tuple[Path, str, dict[str, str]]]:
    """Files with UI strings: theme templates, theme scripts, and the generator's code."""
    theme = root / "theme"
    return ([(p, "jinja2", _JINJA_OPTIONS) for p in sorted(theme.glob("templates/**/*.html"))]
            + [(p, "javascript", {}) for p in sorted(theme.glob("static/**/*.js"))]
            + [(p, "python", {}) for p in sorted(Path(__file__).parent.glob("*.py"))])


def _extract(root: Path) -> list[tuple[str, int, str | tuple[str, ...], list[str]]]:
    found = []
    for path, method, options in _sources(root):
        shown = display_path(path, root) if path.is_relative_to(root) else \
            f"helpcenter/{path.name}"
        for lineno, message, comments in _extract_file(method, path.read_bytes(),
                                                       tuple(sorted(options.items()))):
            found.append((shown, lineno, message, list(comments)))
    return found


@functools.lru_cache(maxsize=512)
def _extract_file(method: str, data: bytes, options: tuple[tuple[str, str], ...],
                  ) -> tuple[tuple[int, str | tuple[str, ...], tuple[str, ...]], ...]:
    """The UI strings of one file's bytes. Cached by content: the live preview asks on
    every rebuild, and tokenizing every template and module took a third of a rebuild."""
    return tuple((lineno, message, tuple(comments)) for lineno, message, comments, _context
                 in extract(method, BytesIO(data), keywords=KEYWORDS, options=dict(options)))


def script_messages(root: Path) -> list[str | tuple[str, ...]]:
    """The UI strings of the theme's scripts, which the build hands to the browser."""
    found: dict[str, str | tuple[str, ...]] = {}
    for shown, _lineno, message, _comments in _extract(root):
        if shown.endswith(".js"):
            found.setdefault(message[0] if isinstance(message, tuple) else message, message)
    return list(found.values())


def extract_messages(root: Path) -> dict[str, tuple[str, int]]:
    """Every UI string -> (file, line) of its first use."""
    found: dict[str, tuple[str, int]] = {}
    for shown, lineno, message, _comments in _extract(root):
        msgid = message[0] if isinstance(message, tuple) else message
        found.setdefault(msgid, (shown, lineno))
    return found


def check_catalogs(config: SiteConfig, catalogs: dict[str, Catalog]) -> list[Problem]:
    """Every UI string is in every catalog, and translated outside the source language."""
    used = extract_messages(config.root)
    problems: list[Problem] = []
    for lang, catalog in catalogs.items():
        shown = display_path(po_path(config.root, lang), config.root)
        for msgid, (filename, line) in sorted(used.items()):
            if msgid not in catalog:
                problems.append(Problem(filename, line,
                                        f"the UI text '{msgid}' is not in the '{lang}' catalog",
                                        "run: python build.py i18n update, then translate it "
                                        f"in {shown}"))
        if lang != SOURCE_LANGUAGE:
            problems += _untranslated(catalog, shown, set(used))
    return problems


def _untranslated(catalog: Catalog, shown: str, used: set[str]) -> list[Problem]:
    problems = []
    for message in catalog:
        msgid = message.id[0] if isinstance(message.id, tuple) else message.id
        if not msgid or msgid not in used:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            state = "marked fuzzy" if message.fuzzy else "not translated"
            problems.append(Problem(shown, message.lineno, f"'{msgid}' is {state}",
                                    "write the translation in msgstr and remove any "
                                    "'#, fuzzy' line above it"))
    return problems
