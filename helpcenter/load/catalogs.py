"""gettext catalogs: read the committed .po files, compile them in memory, check them.

Message ids are English, the theme's source language. `.mo` files are never written
to disk: the build compiles each `.po` when it starts, so `serve` picks up edits.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import tempfile
from collections import Counter
from io import BytesIO
from pathlib import Path

from babel import __version__ as babel_version
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po
from babel.support import Translations
from jinja2 import TemplateSyntaxError
from jinja2 import __version__ as jinja2_version

from helpcenter.load.config import SiteConfig
from helpcenter.load.source_files import read_source_bytes
from helpcenter.problems import Problem, display_path
from helpcenter.render.sanitize import findings, markup_of

SOURCE_LANGUAGE = "en"
DOMAIN = "messages"
KEYWORDS = {**DEFAULT_KEYWORDS, "gettext": None, "ngettext": (1, 2)}
# A call of one of the keywords, as the Python extractor finds them: the name, then "(".
_CALLS = re.compile(rb"\b(?:" + b"|".join(re.escape(k.encode()) for k in KEYWORDS) + rb")\s*\(")
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
        syntax = po_syntax_problems(data, shown)
        if syntax:
            problems += syntax
            continue
        try:
            catalogs[lang] = read_po(BytesIO(data), locale=lang, abort_invalid=True)
        except (PoFileError, ValueError, UnicodeDecodeError) as error:
            problems.append(Problem(shown, getattr(error, "lineno", 0) or 0,
                                    f"this catalog cannot be read: {error}",
                                    "compare the line with the entries around it"))
    return catalogs, problems


_KEYWORD = re.compile(r'(msgctxt|msgid|msgid_plural|msgstr|msgstr\[\d+\])[ \t]+(.*)')
_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"[ \t]*')
_ESCAPE = re.compile(r'\\(.)')
_KNOWN_ESCAPES = frozenset('\\"ntr')
_QUOTING_FIX = ('every text is written between straight quotes "…" on one line; inside it, '
                'write \\" for a quote and \\\\ for a backslash')


def po_syntax_problems(data: bytes, shown: str) -> list[Problem]:
    """Line by line, what Babel would read wrongly or silently repair in a .po file
    (an unclosed quote loses a character; an unknown escape loses its backslash)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        at = data[:error.start].count(b"\n") + 1
        return [Problem(shown, at, "this catalog is not saved as UTF-8",
                        "save it again with the encoding UTF-8")]
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        what = _line_problem(line.removeprefix("#~").strip() if line.startswith("#~") else line)
        if what:
            problems.append(Problem(shown, number, what, _QUOTING_FIX))
    return problems


def _line_problem(line: str) -> str | None:
    stripped = line.strip()
    if not stripped or stripped.startswith("#"):
        return None
    keyword = _KEYWORD.fullmatch(stripped)
    quoted = keyword.group(2) if keyword else stripped
    if not quoted.startswith('"'):
        return ("this line is neither a comment, nor msgid/msgstr followed by a quoted text, "
                "nor a quoted text continuing the one above")
    match = _QUOTED.fullmatch(quoted)
    if match is None:
        closed = re.match(r'"((?:[^"\\]|\\.)*)"', quoted)
        return ("the quoted text is not closed with a quote at the end of the line"
                if closed is None else "a quote inside the text ends it too early")
    unknown = [e for e in _ESCAPE.findall(match.group(1)) if e not in _KNOWN_ESCAPES]
    if unknown:
        return f"'\\{unknown[0]}' is not an escape a catalog knows"
    return None


def usable_translations(config: SiteConfig) -> dict[str, Translations]:
    """Every language's translations for commands that go on despite a broken catalog
    (`new`): a catalog that cannot be read gives the English texts, and a translation
    that does not fit its original gives that one English text, instead of a crash."""
    found, _problems = load_catalogs(config)
    for catalog in found.values():
        for message in list(catalog):
            if message.id and _translation_problems(message, "", 0):
                catalog.delete(message.id, message.context)
    return {lang: compile_translations(found[lang]) if lang in found else Translations()
            for lang in config.codes}


def compile_translations(catalog: Catalog) -> Translations:
    buffer = BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def template_path(root: Path) -> Path:
    return root / "locales" / f"{DOMAIN}.pot"


_PACKAGE = Path(__file__).resolve().parents[1]


def _sources(root: Path) -> list[tuple[Path, str, dict[str, str]]]:
    """Files with UI strings: theme templates, theme scripts, and the generator's code."""
    theme = root / "theme"
    return ([(p, "jinja2", _JINJA_OPTIONS) for p in sorted(theme.glob("templates/**/*.html"))]
            + [(p, "javascript", {}) for p in sorted(theme.glob("static/**/*.js"))]
            + [(p, "python", {}) for p in sorted(_PACKAGE.rglob("*.py"))])


Extracted = tuple[str, int, str | tuple[str, ...], list[str]]


def _extract(root: Path, kept: Path | None = None) -> list[Extracted]:
    """The UI strings of every source; a template that does not parse gives none (the
    build reports it when it renders the template)."""
    return extract_checked(root, strict=False, kept=kept)[0]


def extract_checked(root: Path, strict: bool = True, kept: Path | None = None,
                    ) -> tuple[list[Extracted], list[Problem]]:
    """The UI strings, and every source that cannot be read or parsed (with `strict`).
    `kept`: a folder where the strings of each file are kept by its content, for the next
    build (MessageStore)."""
    found: list[Extracted] = []
    problems: list[Problem] = []
    for path, method, options in _sources(root):
        shown = display_path(path, root) if path.is_relative_to(root) else \
            path.relative_to(_PACKAGE.parent).as_posix()
        if strict and method == "jinja2":
            options = {**options, "silent": "false"}
        try:
            messages = _file_messages(method, path.read_bytes(),
                                      tuple(sorted(options.items())), kept)
        except TemplateSyntaxError as error:
            problems.append(Problem(shown, error.lineno or 0,
                                    f"this template cannot be read: {error.message}",
                                    "fix it, then run the command again; no catalog was "
                                    "changed"))
            continue
        except (OSError, UnicodeDecodeError) as error:
            problems.append(Problem(shown, 0, f"this file cannot be read: {error}",
                                    "save it as UTF-8 text, then run the command again; no "
                                    "catalog was changed"))
            continue
        for lineno, message, comments in messages:
            found.append((shown, lineno, message, list(comments)))
    return found, problems


@functools.lru_cache(maxsize=512)
def _file_messages(method: str, data: bytes, options: tuple[tuple[str, str], ...],
                   kept: Path | None) -> FileMessages:
    """The UI strings of one file's bytes. Cached by content in the process (the live
    preview asks on every rebuild, and a build asks twice: for the catalog check and for
    the scripts' texts; tokenizing every template and module took a third of a rebuild),
    and on disk in `kept` for the next build (MessageStore)."""
    store = MessageStore(kept) if kept is not None else None
    found = store.get(method, data, options) if store is not None else None
    if found is None:
        found = _tokenized(method, data, options)
        if store is not None:
            store.put(method, data, options, found)
    return found


def _tokenized(method: str, data: bytes, options: tuple[tuple[str, str], ...],
               ) -> FileMessages:
    """Most of the generator's modules call no gettext function at all: those are not
    tokenized (a fifth of a small site's build)."""
    if method == "python" and not _CALLS.search(data):
        return ()
    return tuple((lineno, message, tuple(comments)) for lineno, message, comments, _context
                 in extract(method, BytesIO(data), keywords=KEYWORDS, options=dict(options)))


FileMessages = tuple[tuple[int, "str | tuple[str, ...]", tuple[str, ...]], ...]


class MessageStore:
    """The UI strings of each source file, kept on disk by the file's content (one small
    JSON file each, with its checksum), so that a build in a new process does not tokenize
    the theme's templates and the generator's modules again (0.08 s of the real site's
    0.7 s check). The key names the extractor's version and settings, so nothing stale is
    read; a file that cannot be read, is damaged or cannot be written is only a miss."""

    FORMAT = f"messages 1 babel {babel_version} jinja2 {jinja2_version} {sorted(KEYWORDS.items())}"

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, method: str, data: bytes, settings: tuple[tuple[str, str], ...]) -> Path:
        key = hashlib.sha256(repr((self.FORMAT, method, settings)).encode() + b"\0" + data)
        return self.folder / f"{key.hexdigest()}.json"

    def get(self, method: str, data: bytes,
            settings: tuple[tuple[str, str], ...]) -> FileMessages | None:
        try:
            text, _, digest = self._path(method, data, settings).read_text(
                encoding="utf-8").rpartition("\nsha256 ")
            if hashlib.sha256(text.encode()).hexdigest() != digest.strip():
                return None   # damaged: made again
            return tuple((int(lineno), message if isinstance(message, str) else tuple(message),
                          tuple(comments)) for lineno, message, comments in json.loads(text))
        except (OSError, ValueError, TypeError):
            return None

    def put(self, method: str, data: bytes, settings: tuple[tuple[str, str], ...],
            messages: FileMessages) -> None:
        temporary = None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=self.folder,
                                             prefix=".", suffix=".part", delete=False) as file:
                temporary = file.name
                text = json.dumps(messages, ensure_ascii=False)
                file.write(f"{text}\nsha256 {hashlib.sha256(text.encode()).hexdigest()}\n")
            os.replace(temporary, self._path(method, data, settings))
            temporary = None
        except OSError:
            pass
        finally:
            if temporary is not None:
                Path(temporary).unlink(missing_ok=True)


def script_messages(root: Path, kept: Path | None = None) -> list[str | tuple[str, ...]]:
    """The UI strings of the theme's scripts, which the build hands to the browser."""
    found: dict[str, str | tuple[str, ...]] = {}
    for shown, _lineno, message, _comments in _extract(root, kept):
        if shown.endswith(".js"):
            found.setdefault(message[0] if isinstance(message, tuple) else message, message)
    return list(found.values())


def extract_messages(root: Path, kept: Path | None = None) -> dict[str, tuple[str, int]]:
    """Every UI string -> (file, line) of its first use."""
    found: dict[str, tuple[str, int]] = {}
    for shown, lineno, message, _comments in _extract(root, kept):
        msgid = message[0] if isinstance(message, tuple) else message
        found.setdefault(msgid, (shown, lineno))
    return found


def check_catalogs(config: SiteConfig, catalogs: dict[str, Catalog],
                   kept: Path | None = None) -> list[Problem]:
    """Every UI string is in every catalog, and translated outside the source language."""
    used = extract_messages(config.root, kept)
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
        lines = _msgstr_lines(po_path(config.root, lang))
        for message in catalog:
            if message.id:
                at = (lines.get(message.lineno, message.lineno)
                      if message.lineno is not None else 0)  # 0: no line, as Problem shows it
                problems += _translation_problems(message, shown, at)
    return problems


def _msgstr_lines(path: Path) -> dict[int, int]:
    """msgid line -> the line of its (first) msgstr, where a translator types."""
    found: dict[int, int] = {}
    msgid = 0
    for number, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), 1):
        if line.startswith("msgid "):
            msgid = number
        elif line.startswith("msgstr") and msgid not in found:
            found[msgid] = number
    return found


# A Python / gettext placeholder: %(name)s, %d, or %% for a percent sign.
_FORMAT = re.compile(r"%(?:\((?P<name>[^)]*)\))?[#0\- +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?"
                     r"(?P<kind>[diouxXeEfFgGcrsa%])?")
_SAME_MARKUP_FIX = ("keep the HTML tags of the original, with the same attributes, and put "
                    "only text around them")


def _translation_problems(message: Message, shown: str, line: int) -> list[Problem]:
    """A translation must keep the placeholders and the markup of its original text."""
    # A plural's texts are a tuple (a list where a Catalog is built in code, as Babel allows)
    originals = tuple(message.id) if isinstance(message.id, (tuple, list)) else (message.id,)
    strings = (tuple(message.string) if isinstance(message.string, (tuple, list))
               else (message.string,))
    original = originals[-1]
    problems = []
    for string in (s for s in strings if s):
        what = (_placeholder_difference(original, string) or _markup_difference(original, string))
        if what:
            name = originals[0] if len(originals[0]) <= 50 else originals[0][:49] + "…"
            problems.append(Problem(shown, line, f"the translation of '{name}' {what[0]}",
                                    what[1]))
    return problems


def placeholders(text: str) -> Counter[tuple[str, str]] | None:
    """The placeholders of a text, as (name, kind); None when a '%' is not a placeholder."""
    found: Counter[tuple[str, str]] = Counter()
    for match in _FORMAT.finditer(text):
        kind = match.group("kind")
        if kind is None or (kind == "%" and match.group(0) != "%%"):
            return None
        if kind != "%":
            found[(match.group("name") or "", kind)] += 1
    return found


def _placeholder_difference(original: str, string: str) -> tuple[str, str] | None:
    mine, theirs = placeholders(string), placeholders(original)
    if mine is None:
        return ("has a '%' that is not a placeholder",
                "write %% for a percent sign, or copy the placeholder from msgid exactly")
    if theirs is None or set(mine) == set(theirs):
        return None
    shown = lambda found: ", ".join(sorted(_spelled(p) for p in found)) or "none"  # noqa: E731
    missing, extra = set(theirs) - set(mine), set(mine) - set(theirs)
    what = ("drops the placeholder " if missing and not extra else
            "has placeholders that differ from the original: ") + shown(missing or extra)
    if missing and extra:
        what = f"has {shown(extra)} where the original has {shown(missing)}"
    return (what, f"keep exactly the placeholders of msgid, {shown(theirs)}: they are "
            "filled in with the shop's values")


def _spelled(placeholder: tuple[str, str]) -> str:
    name, kind = placeholder
    return f"%({name}){kind}" if name else f"%{kind}"


def _markup_difference(original: str, string: str) -> tuple[str, str] | None:
    refused = findings(string)
    if refused:
        return (f"has markup that is not allowed: {refused[0].what}", _SAME_MARKUP_FIX)
    if markup_of(string) != markup_of(original):
        return ("has HTML tags or attributes that differ from the original", _SAME_MARKUP_FIX)
    if string.count('"') > original.count('"'):
        return ('has a straight quote " that can end the HTML attribute it is shown in',
                "write “…” or 「…」 instead")
    return None


def _untranslated(catalog: Catalog, shown: str, used: set[str]) -> list[Problem]:
    problems = []
    for message in catalog:
        msgid = message.id[0] if isinstance(message.id, tuple) else message.id
        if not msgid or msgid not in used:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            state = "marked fuzzy" if message.fuzzy else "not translated"
            problems.append(Problem(shown, message.lineno or 0, f"'{msgid}' is {state}",
                                    "write the translation in msgstr and remove any "
                                    "'#, fuzzy' line above it"))
    return problems
