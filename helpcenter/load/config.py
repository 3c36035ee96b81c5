"""Stage 1: load and validate site.yaml, the site settings.

Values the shop has not supplied yet are marked `# placeholder` (placeholders.py). A
placeholder warning is not an editor's mistake: `check --strict` lists it but does not
fail on it, so CI stays green while the shop has not sent the value; a production build
(`build.py --production`, what CI deploys) refuses it (`production_problems`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

from babel import Locale, UnknownLocaleError

from helpcenter.load.base_url import base_url_findings, production_findings
from helpcenter.load.placeholders import Placeholder, find_placeholders
from helpcenter.load.schema import ID, Check, ListOf, Localized, Record, Text
from helpcenter.load.source_files import read_source_text
from helpcenter.load.yamlfile import parse_yaml
from helpcenter.problems import Problem, display_path

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_LANGUAGE = Record({"code": Text(re.compile(r"[a-z]{2}"), "use a two-letter language code such "
                                 "as ja or en"), "title": Text(), "description": Text()})
_SLUG = Text(re.compile(r"[a-z0-9][a-z0-9_-]*"), "write the file name of an entry without .md, "
              "such as shipping-cost")
_SITE = Record({
    "shop_name": Text(),
    "languages": ListOf(_LANGUAGE, unique_key="code"),
    "base_url": Text(hint="write a full address such as https://help.example.com/"),
    "contact": Record({"email": Text(_EMAIL, "write an e-mail address such as help@example.com")}),
    "output": Text(),
    "categories": ListOf(Record({"id": ID, "name": Localized()}), unique_key="id"),
    "popular_questions": ListOf(_SLUG, unique_key=None),
    "source_language": Text(hint="write the code of one of the languages, such as ja"),
}, optional=frozenset({"popular_questions", "source_language"}))


COMMAND_LINE = "command line"


@dataclass(frozen=True)
class Language:
    code: str
    title: str
    description: str


@dataclass(frozen=True)
class Category:
    id: str
    names: MappingProxyType[str, str]


@dataclass(frozen=True)
class PopularQuestion:
    """An entry shown under the home page's search box, and where site.yaml names it."""

    slug: str
    line: int


@dataclass(frozen=True)
class SiteConfig:
    root: Path
    shop_name: str
    languages: tuple[Language, ...]
    base_url: str
    contact_email: str
    output: Path
    categories: tuple[Category, ...]
    placeholders: tuple[Placeholder, ...] = ()
    base_url_from: tuple[str, int] = ("site.yaml", 0)  # file and line, or the command line
    popular_questions: tuple[PopularQuestion, ...] = ()
    source_language_setting: str | None = None  # `source_language:` of site.yaml, if given

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(language.code for language in self.languages)

    @property
    def source_language(self) -> str:
        """The language entries are written in first and translated from:
        `source_language:` in site.yaml if given, else the first language listed there
        (Japanese, the shop's own). Every other language's entry is a translation of the
        source language's entry of the same name: it records the version it translates
        (`translated_from:`), `python build.py translations` compares it with that
        entry, and `new` guides its writer there and its translators elsewhere. Ask this
        property, never `codes[0]`: the languages' order is only the order readers see."""
        return self.source_language_setting or self.languages[0].code

    @property
    def translation_languages(self) -> tuple[str, ...]:
        """Every language but the source language, in the order of site.yaml."""
        return tuple(code for code in self.codes if code != self.source_language)

    @property
    def base_path(self) -> str:
        """The URL path the site lives under: '/' or '/helpcenter/'."""
        return urlsplit(self.base_url).path or "/"

    def category(self, category_id: str) -> Category | None:
        return next((c for c in self.categories if c.id == category_id), None)

    @property
    def placeholders_in_use(self) -> tuple[Placeholder, ...]:
        """The placeholders the site is built with: not base_url when --base-url is given."""
        overridden = self.base_url_from[0] == COMMAND_LINE
        return tuple(p for p in self.placeholders if not (p.key == "base_url" and overridden))

    def placeholder_notices(self) -> list[str]:
        return [placeholder.notice() for placeholder in self.placeholders_in_use]


def production_problems(config: SiteConfig) -> list[Problem]:
    """What stops a production build: every placeholder still in use, and a base URL that
    is not a real published https address."""
    in_use = config.placeholders_in_use
    problems = [placeholder.refusal() for placeholder in in_use]
    if not any(p.key == "base_url" for p in in_use):
        path, line = config.base_url_from
        prefix = "--base-url: " if path == COMMAND_LINE else ""
        problems += [Problem(path, line, prefix + what, fix)
                     for what, fix in production_findings(config.base_url)]
    return problems


def load_config(root: Path, base_url: str | None = None) -> tuple[SiteConfig | None, list[Problem]]:
    path = root / "site.yaml"
    shown = display_path(path, root)
    if not path.exists() and not path.is_symlink():  # a broken link is read, and named
        return None, [Problem(shown, 0, "site.yaml is missing", "run the build from the project "
                              "folder, the one that holds site.yaml")]
    text, problem = read_source_text(path, shown)
    if problem:
        return None, [problem]
    parsed = parse_yaml(text, shown)
    if parsed.problems:
        return None, parsed.problems
    data = parsed.data if parsed.data is not None else {}
    placeholders, problems = find_placeholders(text, shown)
    languages = _language_codes(data)
    ctx = Check(parsed.lines, languages)
    _SITE.check(data, (), ctx)
    if not ctx.problems:
        _check_locales(data, ctx)
        _check_source_language(data, ctx)
    problems += ctx.problems
    if base_url is not None:
        problems += _base_url_problems(base_url, (COMMAND_LINE, 0), "--base-url: ")
        data["base_url"] = base_url
    elif not ctx.problems:
        problems += _base_url_problems(data["base_url"], (shown, parsed.lines.line(
            ("base_url",))))
    if problems:
        return None, problems
    origin = (COMMAND_LINE, 0) if base_url is not None else (shown, parsed.lines.line(
        ("base_url",)))
    popular = tuple(PopularQuestion(slug, parsed.lines.line(("popular_questions", index)))
                    for index, slug in enumerate(data.get("popular_questions", [])))
    return _build_config(root, data, tuple(placeholders), origin, popular), []


def _base_url_problems(url: str, where: tuple[str, int], prefix: str = "") -> list[Problem]:
    return [Problem(where[0], where[1], prefix + what, fix)
            for what, fix in base_url_findings(url)]


def _language_codes(data: Any) -> tuple[str, ...]:
    if not isinstance(data, dict) or not isinstance(data.get("languages"), list):
        return ()
    return tuple(lang["code"] for lang in data["languages"]
                 if isinstance(lang, dict) and isinstance(lang.get("code"), str))


def _check_locales(data: dict[str, Any], ctx: Check) -> None:
    for index, language in enumerate(data["languages"]):
        try:
            Locale.parse(language["code"])
        except (UnknownLocaleError, ValueError):
            ctx.fail(("languages", index, "code"), f"'{language['code']}' is not a language "
                     "Babel knows", "use a code such as ja or en")


def _check_source_language(data: dict[str, Any], ctx: Check) -> None:
    """An explicit source language must be one of the site's languages."""
    source = data.get("source_language")
    codes = [language["code"] for language in data["languages"]]
    if source is not None and source not in codes:
        ctx.fail(("source_language",), f"source_language '{source}' is not one of the "
                 "languages of this site", "write one of the codes under 'languages:' ("
                 + ", ".join(codes) + "), or delete the line to make the first language "
                 "listed the source")


def _build_config(root: Path, data: dict[str, Any], placeholders: tuple[Placeholder, ...],
                  base_url_from: tuple[str, int],
                  popular: tuple[PopularQuestion, ...]) -> SiteConfig:
    base_url = data["base_url"] if data["base_url"].endswith("/") else data["base_url"] + "/"
    return SiteConfig(
        root=root,
        shop_name=data["shop_name"],
        languages=tuple(Language(lang["code"], lang["title"], lang["description"])
                        for lang in data["languages"]),
        base_url=base_url,
        contact_email=data["contact"]["email"],
        output=(root / data["output"]),
        categories=tuple(Category(c["id"], MappingProxyType(dict(c["name"])))
                         for c in data["categories"]),
        placeholders=placeholders,
        base_url_from=base_url_from,
        popular_questions=popular,
        source_language_setting=data.get("source_language"),
    )
