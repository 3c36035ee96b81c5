"""Stage 1: load and validate site.yaml, the site settings."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

from babel import Locale, UnknownLocaleError

from .problems import Problem, display_path
from .schema import ID, Check, ListOf, Localized, Record, Text
from .yamlfile import parse_yaml

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_LANGUAGE = Record({"code": Text(re.compile(r"[a-z]{2}"), "use a two-letter language code such "
                                 "as ja or en"), "title": Text(), "description": Text()})
_SLUG = Text(re.compile(r"[a-z0-9][a-z0-9_-]*"), "write the file name of an entry without .md, "
              "such as shipping-cost")
_SITE = Record({
    "shop_name": Text(),
    "languages": ListOf(_LANGUAGE, unique_key="code"),
    "base_url": Text(re.compile(r"https?://[^\s/]+(/\S*)?"), "write a full address such as "
                     "https://help.example.com/"),
    "contact": Record({"email": Text(_EMAIL, "write an e-mail address such as help@example.com")}),
    "output": Text(),
    "categories": ListOf(Record({"id": ID, "name": Localized()}), unique_key="id"),
    "popular_questions": ListOf(_SLUG, unique_key=None),
}, optional=frozenset({"popular_questions"}))


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
    popular_questions: tuple[PopularQuestion, ...] = ()

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(language.code for language in self.languages)

    @property
    def base_path(self) -> str:
        """The URL path the site lives under: '/' or '/helpcenter/'."""
        return urlsplit(self.base_url).path or "/"

    def category(self, category_id: str) -> Category | None:
        return next((c for c in self.categories if c.id == category_id), None)


def load_config(root: Path, base_url: str | None = None) -> tuple[SiteConfig | None, list[Problem]]:
    path = root / "site.yaml"
    shown = display_path(path, root)
    if not path.is_file():
        return None, [Problem(shown, 0, "site.yaml is missing", "run the build from the project "
                              "folder, the one that holds site.yaml")]
    parsed = parse_yaml(path.read_text(encoding="utf-8-sig"), shown)
    if parsed.problems:
        return None, parsed.problems
    data = parsed.data if parsed.data is not None else {}
    if base_url is not None and isinstance(data, dict):
        data["base_url"] = base_url
    languages = _language_codes(data)
    ctx = Check(parsed.lines, languages)
    _SITE.check(data, (), ctx)
    if not ctx.problems:
        _check_locales(data, ctx)
    if ctx.problems:
        return None, ctx.problems
    popular = tuple(PopularQuestion(slug, parsed.lines.line(("popular_questions", index)))
                    for index, slug in enumerate(data.get("popular_questions", [])))
    return _build_config(root, data, popular), []


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


def _build_config(root: Path, data: dict[str, Any],
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
        popular_questions=popular,
    )
