"""Stage 5: render every page of every language, in memory.

One Jinja environment per language for the theme (with that language's gettext
catalog), one sandboxed environment per language for content. Nothing is written
here: the result is a mapping of output path -> bytes, which later stages check and
then write.
"""

from __future__ import annotations

import functools
import traceback
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote
from xml.sax.saxutils import escape

import rcssmin
import rjsmin
from babel import Locale
from babel.core import get_global
from babel.support import Translations
from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateError
from markupsafe import Markup

from helpcenter.load.catalogs import script_messages
from helpcenter.load.config import SiteConfig
from helpcenter.load.content import Entry
from helpcenter.load.history import last_changed
from helpcenter.load.policy import PolicyData, localize
from helpcenter.load.translation_status import stale_pages
from helpcenter.problems import Problem, display_path
from helpcenter.render.calculator import calculator_data
from helpcenter.render.calculator_page import (
    browser_strings,
    destination_groups,
    json_script,
    page_facts,
    tools_for,
)
from helpcenter.render.formatting import FilterInputError, Formatter, mailto_link
from helpcenter.render.listings import RelatedEntries
from helpcenter.render.markdown_body import (
    content_environment,
    first_paragraph,
    plain_text,
    render_body,
)
from helpcenter.render.phrases import heading_phrase_breaks, phrase_breaks
from helpcenter.render.sanitize import policy_text_problems
from helpcenter.render.template_cache import TEMPLATES


@dataclass(frozen=True)
class Page:
    """One rendered page: where it goes and what it says about itself."""

    path: str                       # output path, e.g. "ja/shipping-cost/index.html"
    html: str
    lang: str | None = None
    slug: str | None = None
    policies: tuple[str, ...] = ()
    alternates: tuple[tuple[str, str], ...] = ()   # (language, URL) of every translation


@dataclass
class RenderResult:
    pages: list[Page] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class Urls:
    """Every URL the site links to, in one place, under the configured base path."""

    config: SiteConfig
    assets: Mapping[str, str] = field(default_factory=dict)  # style.css -> style.<hash>.css

    def home(self, lang: str) -> str:
        return f"{self.config.base_path}{lang}/"

    def entry(self, lang: str, slug: str) -> str:
        return f"{self.config.base_path}{lang}/{slug}/"

    def calculator(self, lang: str) -> str:
        return f"{self.config.base_path}{lang}/calculator/"

    def search(self, lang: str) -> str:
        return f"{self.config.base_path}{lang}/search/"

    def search_bundle(self) -> str:
        """Pagefind's files (pagefind.js, the indexes), written by search_index.py."""
        return f"{self.config.base_path}pagefind/"

    def asset(self, name: str) -> str:
        return f"{self.config.base_path}assets/{self.assets.get(name, name)}"

    def root(self) -> str:
        return self.config.base_path

    def absolute(self, url: str) -> str:
        return self.config.base_url + url[len(self.config.base_path):]


def render_site(config: SiteConfig, policies: PolicyData, entries: list[Entry],
                translations: dict[str, Translations],
                only: Collection[tuple[str, str]] | None = None,
                assets: Mapping[str, str] | None = None) -> RenderResult:
    """Every page; with `only` (the live preview), only those (lang, slug) entry pages
    and the pages that are not entry pages. `assets` maps the theme's file names to the
    hashed names they are published under (assets.py)."""
    result = RenderResult(problems=policy_text_problems(policies))
    urls = Urls(config, assets or {})
    by_slug = _translations_by_slug(entries)
    stale = stale_pages(config, entries)
    updated = last_changed(config.root)
    calculator = calculator_data(policies.policies, policies.shop)
    messages = script_messages(config.root)
    for lang in config.codes:
        renderer = _LanguageRenderer(config, lang, translations[lang], urls, policies, by_slug)
        renderer.stale = stale
        renderer.updated = updated
        renderer.calculator = _calculator_context(calculator, renderer, messages)
        mine = [e for e in entries if e.lang == lang]
        renderer.render_entries(mine, result, only)
        renderer.render_home(mine, result)
        renderer.render_calculator(result)
        renderer.render_search(result)
    _render_bilingual_pages(config, translations, urls, result)
    return result


def _calculator_context(data: dict[str, Any], renderer: _LanguageRenderer,
                        messages: list[str | tuple[str, ...]]) -> dict[str, Any]:
    lang, translations = renderer.lang, renderer.formatter.translations
    facts = page_facts(renderer.policy, renderer.formatter, renderer.config.contact_email)
    return {"data": data, "data_json": json_script(data),
            "strings_json": json_script(browser_strings(lang, translations, messages)),
            "facts_json": json_script(facts),
            "paypal_counts_as_card": facts.get("paypalCountsAsCard", ""),
            "destinations": destination_groups(renderer.policy["shipping"], lang, translations)}


def _translations_by_slug(entries: list[Entry]) -> dict[str, dict[str, Entry]]:
    found: dict[str, dict[str, Entry]] = {}
    for entry in entries:
        found.setdefault(entry.slug, {})[entry.lang] = entry
    return found


@functools.lru_cache(maxsize=64)
def language_name(code: str) -> str:
    """A language's name in that language: 日本語, English. Cached per code: a pure
    function of the code and Babel's fixed data, asked for on every page."""
    return Locale.parse(code).get_display_name(code).capitalize()


def theme_environment(config: SiteConfig, translations: Translations) -> Environment:
    env = Environment(loader=FileSystemLoader(config.root / "theme" / "templates"),
                      bytecode_cache=TEMPLATES,
                      autoescape=True, undefined=StrictUndefined,
                      extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True)
    env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
    del env.globals["lipsum"], env.filters["random"]  # different on every build
    env.filters["phrases"] = phrase_breaks
    env.filters["heading_phrases"] = heading_phrase_breaks
    return env


class _LanguageRenderer:
    def __init__(self, config: SiteConfig, lang: str, translations: Translations, urls: Urls,
                 policies: PolicyData, by_slug: dict[str, dict[str, Entry]]) -> None:
        self.config, self.lang, self.urls, self.by_slug = config, lang, urls, by_slug
        self.language = next(lg for lg in config.languages if lg.code == lang)
        self.formatter = Formatter(lang, translations)
        self.env = theme_environment(config, translations)
        self.policy = localize(policies.policies, lang, config.codes)
        self.calculator: dict[str, Any] = {}
        self.stale: frozenset[tuple[str, str]] = frozenset()
        self.updated: dict[str, str] = {}   # content/…md -> ISO date of its last commit

    def render_entries(self, entries: list[Entry], result: RenderResult,
                       only: Collection[tuple[str, str]] | None = None) -> None:
        content_env = content_environment(entries, self.formatter.filters(), {
            "policy": self.policy, "contact": mailto_link(self.config.contact_email),
            "shop_name": self.config.shop_name})
        entry_urls = {e.slug: self.urls.entry(self.lang, e.slug) for e in entries}
        related = RelatedEntries(entries)
        for entry in entries:
            if only is not None and (entry.lang, entry.slug) not in only:
                continue
            body, problems = render_body(entry, content_env, entry_urls)
            result.problems += problems
            if body is not None:
                self._render_entry(entry, body, related, result)

    def _render_entry(self, entry: Entry, body: str, related: RelatedEntries,
                      result: RenderResult) -> None:
        url = self.urls.entry(self.lang, entry.slug)
        alternates = self._alternates(entry.slug)
        description = entry.description or first_paragraph(body) or entry.title
        html = self._page(result, "entry.html", url, alternates,
                          entry=entry, body=body,
                          category=self.config.category(entry.category),
                          related=related.of(entry), tools=tools_for(entry.policies),
                          siblings=related.around(entry),
                          description=description, stale=self._stale_notice(entry),
                          updated=self.updated.get(entry.path),
                          feedback_link=self._feedback_link(entry.title),
                          structured_data=json_script(_faq_page(entry.title, body)))
        if html is not None:
            result.pages.append(Page(f"{self.lang}/{entry.slug}/index.html", html, self.lang,
                                     entry.slug, entry.policies, tuple(alternates)))

    def _feedback_link(self, title: str) -> Markup:
        """The contact address as a link whose mail has the question in its subject,
        percent-encoded once (a title with ' " & stays as written)."""
        subject = self.formatter.translations.gettext("Not helpful: %(title)s") % {"title": title}
        return Markup('<a href="mailto:{0}?subject={1}">{0}</a>').format(
            self.config.contact_email, quote(subject, safe=""))

    def _stale_notice(self, entry: Entry) -> dict[str, str] | None:
        """For a translation behind its source: the source page's address and language."""
        if (entry.lang, entry.slug) not in self.stale:
            return None
        source = self.config.codes[0]
        return {"url": self.urls.entry(source, entry.slug), "lang": source,
                "name": Locale.parse(source).get_display_name(self.lang),
                "own_name": language_name(source)}

    def render_home(self, entries: list[Entry], result: RenderResult) -> None:
        groups = [(category, _in_category(entries, category.id))
                  for category in self.config.categories]
        by_slug = {entry.slug: entry for entry in entries}
        url = self.urls.home(self.lang)
        alternates = [(code, self.urls.home(code)) for code in self.config.codes]
        html = self._page(result, "home.html", url, alternates,
                          groups=[(c, items) for c, items in groups if items],
                          popular=[by_slug[p.slug] for p in self.config.popular_questions
                                   if p.slug in by_slug],
                          description=self.language.description)
        if html is not None:
            result.pages.append(Page(f"{self.lang}/index.html", html, self.lang,
                                     alternates=tuple(alternates)))

    def render_calculator(self, result: RenderResult) -> None:
        url = self.urls.calculator(self.lang)
        alternates = [(code, self.urls.calculator(code)) for code in self.config.codes]
        html = self._page(result, "calculator.html", url, alternates,
                          tools=["shipping", "dispatch", "returns"],
                          description=self.formatter.translations.gettext(
                              "The shipping cost, when your order ships, and the last day to "
                              "ask for a return or exchange."))
        if html is not None:
            result.pages.append(Page(f"{self.lang}/calculator/index.html", html, self.lang,
                                     alternates=tuple(alternates)))

    def render_search(self, result: RenderResult) -> None:
        url = self.urls.search(self.lang)
        alternates = [(code, self.urls.search(code)) for code in self.config.codes]
        html = self._page(result, "search.html", url, alternates,
                          description=self.formatter.translations.gettext(
                              "Search the answers of the help center."),
                          strings_json=self.calculator["strings_json"])
        if html is not None:
            result.pages.append(Page(f"{self.lang}/search/index.html", html, self.lang,
                                     alternates=tuple(alternates)))

    def _alternates(self, slug: str) -> list[tuple[str, str]]:
        return [(code, self.urls.entry(code, slug)) for code in self.config.codes
                if code in self.by_slug.get(slug, {})]

    def _page(self, result: RenderResult, template: str, url: str,
              alternates: list[tuple[str, str]], **context: Any) -> str | None:
        return render_template(self.env, self.config, result, template, {
            "lang": self.lang, "language": self.language, "urls": self.urls, "url": url,
            "alternates": [(code, language_name(code), href) for code, href in alternates],
            "site": self.config, "contact": self.config.contact_email,
            "contact_link": mailto_link(self.config.contact_email),
            "fmt": self.formatter, "policy": self.policy, "calc": self.calculator,
            "og_locale": og_locale(self.lang),
            "og_alternates": [og_locale(code) for code, _ in alternates if code != self.lang],
            **context})


@functools.lru_cache(maxsize=64)
def og_locale(lang: str) -> str:
    """Open Graph wants language_TERRITORY: ja -> ja_JP, en -> en_US (CLDR likely subtags).

    Cached per code: a pure function of the code and Babel's fixed data, asked for on
    every page, and `Locale.parse` of a full tag such as ja_Jpan_JP searches Babel's list
    of locales (about 3 ms; a second of a 2×100 build before this cache)."""
    likely = Locale.parse(get_global("likely_subtags").get(lang, lang))
    return f"{likely.language}_{likely.territory}" if likely.territory else likely.language


def _faq_page(question: str, answer_html: str) -> dict[str, Any]:
    """schema.org FAQPage for one entry, with exactly the text the page shows."""
    return {"@context": "https://schema.org", "@type": "FAQPage", "mainEntity": [{
        "@type": "Question", "name": question,
        "acceptedAnswer": {"@type": "Answer", "text": plain_text(answer_html)}}]}


def _in_category(entries: list[Entry], category_id: str) -> list[Entry]:
    """A category's entries in the order editors gave them (the home page's cards)."""
    return sorted((e for e in entries if e.category == category_id), key=_place)


def _place(entry: Entry) -> tuple[int, str]:
    return (entry.order, entry.slug)


def render_template(env: Environment, config: SiteConfig, result: RenderResult, template: str,
                    context: dict[str, Any]) -> str | None:
    """Render one theme template; a template error becomes a problem, not a traceback."""
    try:
        return env.get_template(template).render(context)
    except TemplateError as error:
        path = config.root / "theme" / "templates" / (getattr(error, "name", None) or template)
        result.problems.append(Problem(display_path(path, config.root),
                                       getattr(error, "lineno", 0) or 0,
                                       f"theme template error: {error}",
                                       "fix the template; see the Jinja2 documentation"))
    except (ArithmeticError, LookupError, TypeError, ValueError) as error:
        # e.g. a translation whose %(name)s does not match the template's: the catalog
        # check names the msgstr; this names the template line that used it.
        path, line = _template_frame(error, config, template)
        what, fix = ((error.message, error.fix) if isinstance(error, FilterInputError) else
                     (f"{type(error).__name__}: {error}",
                      "check the texts it uses in locales/ and its values"))
        result.problems.append(Problem(path, line, "theme template error: this line cannot "
                                       f"be rendered: {what}", fix))
    return None


def _template_frame(error: BaseException, config: SiteConfig, template: str) -> tuple[str, int]:
    """The innermost theme template line in an error's traceback."""
    templates = (config.root / "theme" / "templates").resolve()
    found = (display_path(templates / template, config.root), 0)
    for frame, line in traceback.walk_tb(error.__traceback__):
        filename = Path(frame.f_code.co_filename)
        if filename.suffix == ".html" and filename.resolve().is_relative_to(templates):
            found = (display_path(filename, config.root), line)
    return found


def _render_bilingual_pages(config: SiteConfig, translations: dict[str, Translations],
                            urls: Urls, result: RenderResult) -> None:
    """The root language chooser and 404.html speak every language at once."""
    envs = {code: theme_environment(config, translations[code]) for code in config.codes}
    def texts(template: str) -> list[dict[str, str]]:
        return [
            {"lang": code, "name": language_name(code), "home": urls.home(code),
             "title": lang.title,
             "html": render_template(envs[code], config, result, template, {
                 "lang": code, "site": config, "urls": urls}) or ""}
            for code, lang in zip(config.codes, config.languages, strict=False)]
    context = {"site": config, "urls": urls, "lang": config.codes[0]}
    for template, path in (("root.html", "index.html"), ("404.html", "404.html")):
        html = render_template(envs[config.codes[0]], config, result, "bilingual.html",
                               {**context, "page": template, "parts": texts(f"parts/{template}")})
        if html is not None:
            result.pages.append(Page(path, html))


# Scripts and styles are shipped without their comments and indentation (theme/static keeps
# them for the people who edit them): the pages with the calculator must stay under their
# weight budget (tests/test_budgets.py). rJSmin and rCSSmin only remove what the languages
# define as comments and insignificant white space.
_MINIFIERS = {".js": rjsmin.jsmin, ".css": rcssmin.cssmin}


def static_files(config: SiteConfig) -> dict[str, bytes]:
    static = config.root / "theme" / "static"
    return {f"assets/{p.relative_to(static).as_posix()}": _shipped(p)
            for p in sorted(static.rglob("*")) if p.is_file()}


def _shipped(path: Path) -> bytes:
    minify = _MINIFIERS.get(path.suffix)
    if minify is None:
        return path.read_bytes()
    return minify(path.read_text(encoding="utf-8")).encode("utf-8")


def sitemap(config: SiteConfig, pages: list[Page]) -> tuple[str, str]:
    """sitemap.xml with every translation as an alternate, and robots.txt pointing at it."""
    urls = Urls(config)
    entries = []
    for page in sorted((p for p in pages if p.lang), key=lambda p: p.path):
        loc = escape(urls.absolute(config.base_path + page.path.removesuffix("index.html")))
        links = "".join(f'    <xhtml:link rel="alternate" hreflang="{code}" '
                        f'href="{escape(urls.absolute(href))}"/>\n'
                        for code, href in page.alternates)
        entries.append(f"  <url>\n    <loc>{loc}</loc>\n{links}  </url>\n")
    xml = ('<?xml version="1.0" encoding="UTF-8"?>\n'
           '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
           'xmlns:xhtml="http://www.w3.org/1999/xhtml">\n' + "".join(entries) + "</urlset>\n")
    robots = f"User-agent: *\nAllow: /\n\nSitemap: {config.base_url}sitemap.xml\n"
    return xml, robots
