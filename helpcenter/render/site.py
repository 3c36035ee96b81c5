"""Stage 2, render: every page of every language, in memory, from the loaded sources.

One Jinja environment per language for the theme (with that language's gettext
catalog), one sandboxed environment per language for content. Nothing is read from or
written to the disk here: the theme's templates and files come with the sources. Each
page records the inputs it was made from (dependencies.py); given the pages of an
earlier render (`previous`), a page whose inputs all have the same digests is used
again instead of being rendered.
"""

from __future__ import annotations

import concurrent.futures
import functools
import multiprocessing
import os
import traceback
from collections.abc import Mapping
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
from jinja2 import Environment, FunctionLoader, StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from helpcenter.load.config import SiteConfig
from helpcenter.load.content import Entry
from helpcenter.load.policy import localize
from helpcenter.load.sources import ScriptMessages, Sources
from helpcenter.problems import Problem, display_path
from helpcenter.render.calculator import calculator_data
from helpcenter.render.calculator_page import (
    browser_strings,
    destination_groups,
    json_script,
    page_facts,
    tools_for,
)
from helpcenter.render.dependencies import (
    OTHER_ENTRIES,
    CalculatorReads,
    Digests,
    PolicyReads,
)
from helpcenter.render.formatting import FilterInputError, Formatter, mailto_link
from helpcenter.render.listings import RelatedEntries, place
from helpcenter.render.markdown_body import (
    content_environment,
    first_paragraph,
    plain_text,
    render_body,
)
from helpcenter.render.pages import Input, Links, Page, PageKind, Urls, read_links
from helpcenter.render.phrases import heading_phrase_breaks, phrase_breaks
from helpcenter.render.sanitize import policy_text_problems
from helpcenter.render.template_cache import TEMPLATES


@dataclass
class RenderResult:
    pages: list[Page] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    rendered: int = 0   # pages rendered (the others were used again from `previous`)
    digests: Digests | None = None   # of the inputs, for the next render (render_site)


# Below this many entries, forking worker processes costs more than it saves.
PARALLEL_FROM_ENTRIES = 200


def render_site(sources: Sources, asset_names: Mapping[str, str] | None = None,
                previous: Mapping[str, Page] | None = None,
                parallel: bool = False, digests: Digests | None = None) -> RenderResult:
    """Every page. `asset_names` maps the theme's file names to the hashed names they are
    published under (assets.py); `previous` holds the pages of an earlier render by path,
    each used again when its inputs have not changed; `digests`, that render's digests
    (RenderResult.digests), saves working out again those that cannot have changed.
    `parallel`: with many entries to render, each language is rendered in its own process
    (the build; never the preview, whose server threads must not be forked)."""
    job = _SiteRender(sources, Urls(sources.config, asset_names or {}), previous or {},
                      digests)
    languages = list(sources.config.codes)
    workers = min(len(languages), os.cpu_count() or 1)
    if parallel and workers > 1 and not previous \
            and len(sources.entries) >= PARALLEL_FROM_ENTRIES:
        parts = _render_in_processes(job, languages, workers)
    else:
        parts = [job.language(lang) for lang in languages]
    result = RenderResult(problems=policy_text_problems(sources.policies), digests=job.digests)
    for part in parts:
        result.pages += part.pages
        result.problems += part.problems
        result.rendered += part.rendered
    _render_bilingual_pages(sources, job.urls, job.digests, job.previous, result)
    return result


class _SiteRender:
    """What every language's pages share: the sources, the URLs, the localized policies,
    the digests of the inputs."""

    def __init__(self, sources: Sources, urls: Urls, previous: Mapping[str, Page],
                 earlier: Digests | None) -> None:
        self.sources, self.urls, self.previous = sources, urls, previous
        codes = sources.config.codes
        self.localized = {lang: localize(sources.policies.policies, lang, codes)
                          for lang in codes}
        self.digests = Digests(sources, self.localized, urls.assets, earlier)
        self.by_slug = _translations_by_slug(sources.entries)
        self.calculator = calculator_data(sources.policies.policies, sources.policies.shop)

    def language(self, lang: str) -> RenderResult:
        """Every page of one language."""
        result = RenderResult()
        renderer = _LanguageRenderer(self.sources, lang, self.urls, self.localized[lang],
                                     self.by_slug, self.digests, self.previous)
        renderer.calculator = _calculator_context(self.calculator, renderer,
                                                  self.sources.script_messages)
        self.digests.calculators[lang] = renderer.calculator
        mine = [e for e in self.sources.entries if e.lang == lang]
        renderer.render_entries(mine, result)
        renderer.render_home(mine, result)
        renderer.render_calculator(result)
        renderer.render_search(result)
        return result


def _render_in_processes(job: _SiteRender, languages: list[str],
                         workers: int) -> list[RenderResult]:
    """One language per process. The workers are forked, so they start with the loaded
    sources as they are (nothing is sent to them); each sends back its pages."""
    with concurrent.futures.ProcessPoolExecutor(
            max_workers=workers, mp_context=multiprocessing.get_context("fork"),
            initializer=_adopt, initargs=(job,)) as pool:
        return list(pool.map(_render_adopted, languages))


_adopted: list[_SiteRender] = []   # in a worker process only: the job it was forked with


def _adopt(job: _SiteRender) -> None:
    _adopted.append(job)


def _render_adopted(lang: str) -> RenderResult:
    return _adopted[0].language(lang)


def _calculator_context(data: dict[str, Any], renderer: _LanguageRenderer,
                        messages: ScriptMessages) -> dict[str, Any]:
    lang, translations = renderer.lang, renderer.formatter.translations
    facts = page_facts(renderer.policy, renderer.formatter, renderer.config.contact_email)
    return {"data": data, "data_json": json_script(data),
            "strings_json": json_script(browser_strings(lang, translations, list(messages))),
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
    return str(Locale.parse(code).get_display_name(code)).capitalize()


TEMPLATE_FOLDER = "theme/templates"


def theme_environment(sources: Sources, translations: Translations) -> Environment:
    """The theme's templates, from the loaded sources; each keeps its file's path in the
    project as its file name, so that an error is reported at
    theme/templates/<name>:<line>, and its compiled code (template_cache.py) is that of
    the same template in any other folder."""
    templates = sources.theme.templates

    def source(name: str) -> tuple[str, str, Any] | None:
        return (templates[name], f"{TEMPLATE_FOLDER}/{name}", lambda: True) \
            if name in templates else None

    env = Environment(loader=FunctionLoader(source), bytecode_cache=TEMPLATES,
                      autoescape=True, undefined=StrictUndefined,
                      extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True)
    env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
    del env.globals["lipsum"], env.filters["random"]  # different on every build
    env.filters["phrases"] = phrase_breaks
    env.filters["heading_phrases"] = heading_phrase_breaks
    return env


class _LanguageRenderer:
    def __init__(self, sources: Sources, lang: str, urls: Urls, policy: dict[str, Any],
                 by_slug: dict[str, dict[str, Entry]], digests: Digests,
                 previous: Mapping[str, Page]) -> None:
        self.sources, self.config, self.lang, self.urls = sources, sources.config, lang, urls
        self.by_slug, self.digests, self.previous = by_slug, digests, previous
        self.language = next(lg for lg in self.config.languages if lg.code == lang)
        self.formatter = Formatter(lang, sources.translations[lang])
        self.env = theme_environment(sources, sources.translations[lang])
        self.policy = policy
        self.calculator: dict[str, Any] = {}
        self.reads = PolicyReads()   # of the last page rendered

    def _reused(self, path: str, result: RenderResult) -> bool:
        """Use the earlier page at `path` again if nothing it was made from changed."""
        page = self.previous.get(path)
        if page is None or not self.digests.unchanged(page.inputs):
            return False
        result.pages.append(page)
        return True

    def _common(self, template: str) -> list[Input]:
        return [("language", self.lang), ("template", template)]

    def render_entries(self, entries: list[Entry], result: RenderResult) -> None:
        content_env = content_environment(entries, self.formatter.filters(), {
            "policy": self.policy, "contact": mailto_link(self.config.contact_email),
            "shop_name": self.config.shop_name})
        entry_urls = {e.slug: self.urls.entry(self.lang, e.slug) for e in entries}
        related = RelatedEntries(entries)
        for entry in entries:
            if self._reused(f"{self.lang}/{entry.slug}/index.html", result):
                continue
            body, problems, reads, linked = self._body(entry, content_env, entry_urls)
            result.problems += problems
            if body is not None:
                self._render_entry(entry, body, related, result, reads, linked)

    def _body(self, entry: Entry, content_env: SandboxedEnvironment,
              entry_urls: Mapping[str, str],
              ) -> tuple[str | None, list[Problem], set[str], list[Input]]:
        """The answer's HTML, its problems, the policy values it read and the entries it
        links to ("exists" inputs). Kept with the entry with the digests of what it was
        made from: a page rendered again for another reason (a title in its list changed)
        does not convert its Markdown again."""
        kept = entry.derived.get("body")
        if kept is not None and self.digests.unchanged(kept[0]):
            return kept[1], [], kept[2], kept[3]
        reads: set[str] = set()
        body, problems = render_body(entry, content_env, entry_urls, reads)
        linked: list[Input] = []
        if body is not None:
            linked = [("exists", self.lang, target)
                      for target in sorted(self._linked_entries(read_links(body)))]
            keys: list[Input] = [("language", self.lang), ("entry", self.lang, entry.slug),
                                 *_policy_inputs(self.lang, reads), *linked]
            entry.derived["body"] = (self.digests.record(keys), body, reads, linked)
        return body, problems, reads, linked

    def _render_entry(self, entry: Entry, body: str, related: RelatedEntries,
                      result: RenderResult, policy_reads: set[str],
                      linked: list[Input]) -> None:
        """The answer's page. Its inputs name the entries its answer links to; the links
        of its lists (related questions, the category's questions) depend on the lists'
        "members" and "listed" inputs, which change when a listed entry goes."""
        url = self.urls.entry(self.lang, entry.slug)
        alternates = self._alternates(entry.slug)
        description = entry.description or first_paragraph(body) or entry.title
        shown_related = related.of(entry)
        siblings = related.around(entry)
        tools = tools_for(entry.policies)
        html = self._page(result, "entry.html", url, alternates,
                          entry=entry, body=body,
                          category=self.config.category(entry.category),
                          related=shown_related, tools=tools, siblings=siblings,
                          description=description, stale=self._stale_notice(entry),
                          updated=self.sources.updated.get(entry.path),
                          feedback_link=self._feedback_link(entry.title),
                          structured_data=json_script(_faq_page(entry.title, body)))
        if html is None:
            return
        lang, slug = self.lang, entry.slug
        keys: list[Input] = [*self._common("entry.html"), ("entry", lang, slug),
                             ("updated", entry.path), ("stale", lang, slug),
                             ("members", lang, "category", entry.category),
                             *(("members", lang, "policy", p) for p in entry.policies),
                             *(("exists", code, slug) for code in self.config.codes),
                             ("listed", lang, *(e.slug for e in
                                                (*shown_related, *siblings.entries))),
                             *_policy_inputs(lang, policy_reads), *linked,
                             *self.reads.keys(lang)]
        links = read_links(html)
        self._add(result, Page(f"{lang}/{slug}/index.html", html, PageKind.ENTRY, lang, slug,
                               entry.policies, tuple(alternates), links), keys)

    def _linked_entries(self, links: Links) -> set[str]:
        """The entries of this language a page links to (it depends on their existing)."""
        prefix = self.urls.home(self.lang)
        return {url[len(prefix):].split("/", 1)[0] for url in links.urls
                if url.startswith(prefix) and url.count("/") > prefix.count("/")}

    def _add(self, result: RenderResult, page: Page, keys: list[Input]) -> None:
        result.rendered += 1
        result.pages.append(Page(page.path, page.html, page.kind, page.lang, page.slug,
                                 page.policies, page.alternates, page.links,
                                 self.digests.record(keys)))

    def _feedback_link(self, title: str) -> Markup:
        """The contact address as a link whose mail has the question in its subject,
        percent-encoded once (a title with ' " & stays as written)."""
        subject = self.formatter.translations.gettext("Not helpful: %(title)s") % {"title": title}
        return Markup('<a href="mailto:{0}?subject={1}">{0}</a>').format(
            self.config.contact_email, quote(subject, safe=""))

    def _stale_notice(self, entry: Entry) -> dict[str, str] | None:
        """For a translation behind its source: the source page's address and language."""
        if (entry.lang, entry.slug) not in self.sources.stale:
            return None
        source = self.config.source_language
        return {"url": self.urls.entry(source, entry.slug), "lang": source,
                "name": str(Locale.parse(source).get_display_name(self.lang)),
                "own_name": language_name(source)}

    def render_home(self, entries: list[Entry], result: RenderResult) -> None:
        path = f"{self.lang}/index.html"
        if self._reused(path, result):
            return
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
            self._add(result, Page(path, html, PageKind.HOME, self.lang,
                                   alternates=tuple(alternates), links=read_links(html)),
                      [*self._common("home.html"), ("listings", self.lang),
                       *self.reads.keys(self.lang)])

    def render_calculator(self, result: RenderResult) -> None:
        path = f"{self.lang}/calculator/index.html"
        if self._reused(path, result):
            return
        url = self.urls.calculator(self.lang)
        alternates = [(code, self.urls.calculator(code)) for code in self.config.codes]
        html = self._page(result, "calculator.html", url, alternates,
                          tools=["shipping", "dispatch", "returns"],
                          description=self.formatter.translations.gettext(
                              "The shipping cost, when your order ships, and the last day to "
                              "ask for a return or exchange."))
        if html is not None:
            self._add(result, Page(path, html, PageKind.CALCULATOR, self.lang,
                                   alternates=tuple(alternates), links=read_links(html)),
                      [*self._common("calculator.html"), *self.reads.keys(self.lang)])

    def render_search(self, result: RenderResult) -> None:
        path = f"{self.lang}/search/index.html"
        if self._reused(path, result):
            return
        url = self.urls.search(self.lang)
        alternates = [(code, self.urls.search(code)) for code in self.config.codes]
        html = self._page(result, "search.html", url, alternates,
                          description=self.formatter.translations.gettext(
                              "Search the answers of the help center."),
                          strings_json=self.calculator["strings_json"])
        if html is not None:
            self._add(result, Page(path, html, PageKind.SEARCH, self.lang,
                                   alternates=tuple(alternates), links=read_links(html)),
                      [*self._common("search.html"), ("calculator", self.lang),
                       *self.reads.keys(self.lang)])

    def _alternates(self, slug: str) -> list[tuple[str, str]]:
        return [(code, self.urls.entry(code, slug)) for code in self.config.codes
                if code in self.by_slug.get(slug, {})]

    def _page(self, result: RenderResult, template: str, url: str,
              alternates: list[tuple[str, str]], **context: Any) -> str | None:
        """The page's HTML; what the template read of the policies is in `self.reads`."""
        self.reads = reads = PolicyReads()
        return render_template(self.env, self.config, result, template, {
            "lang": self.lang, "language": self.language, "urls": self.urls, "url": url,
            "alternates": [(code, language_name(code), href) for code, href in alternates],
            "site": self.config, "contact": self.config.contact_email,
            "contact_link": mailto_link(self.config.contact_email),
            "fmt": self.formatter, "policy": reads.policy(self.policy),
            "calc": CalculatorReads(self.calculator, reads),
            "og_locale": og_locale(self.lang),
            "og_alternates": [og_locale(code) for code, _ in alternates if code != self.lang],
            **context})


def _policy_inputs(lang: str, reads: set[str]) -> list[Input]:
    """The inputs of what a body read (dependencies.policy_paths)."""
    if OTHER_ENTRIES in reads:
        return [("bodies", lang), ("policy", lang, "")]
    return [("policy", lang, path) for path in sorted(reads)]


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
    return sorted((e for e in entries if e.category == category_id), key=place)


def render_template(env: Environment, config: SiteConfig, result: RenderResult, template: str,
                    context: dict[str, Any]) -> str | None:
    """Render one theme template; a template error becomes a problem, not a traceback."""
    try:
        return env.get_template(template).render(context)
    except TemplateError as error:
        source = config.root / "theme" / "templates" / (getattr(error, "name", None) or template)
        result.problems.append(Problem(display_path(source, config.root),
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
    templates = (config.root / TEMPLATE_FOLDER).resolve()
    found = (display_path(templates / template, config.root), 0)
    for frame, line in traceback.walk_tb(error.__traceback__):
        filename = config.root / frame.f_code.co_filename   # (relative: theme_environment)
        if filename.suffix == ".html" and filename.resolve().is_relative_to(templates):
            found = (display_path(filename, config.root), line)
    return found


def _render_bilingual_pages(sources: Sources, urls: Urls, digests: Digests,
                            previous: Mapping[str, Page], result: RenderResult) -> None:
    """The root language chooser and 404.html speak every language at once."""
    config = sources.config
    keys: list[Input] = [*(("language", code) for code in config.codes),
                         ("template", "bilingual.html"), ("template", "parts/root.html"),
                         ("template", "parts/404.html")]
    envs: dict[str, Environment] = {}

    def env(code: str) -> Environment:
        if code not in envs:
            envs[code] = theme_environment(sources, sources.translations[code])
        return envs[code]

    def texts(template: str) -> list[dict[str, str]]:
        return [
            {"lang": code, "name": language_name(code), "home": urls.home(code),
             "title": lang.title,
             "html": render_template(env(code), config, result, template, {
                 "lang": code, "site": config, "urls": urls}) or ""}
            for code, lang in zip(config.codes, config.languages, strict=False)]
    context = {"site": config, "urls": urls, "lang": config.codes[0]}
    for template, path, kind in (("root.html", "index.html", PageKind.CHOOSER),
                                 ("404.html", "404.html", PageKind.NOT_FOUND)):
        page = previous.get(path)
        if page is not None and digests.unchanged(page.inputs):
            result.pages.append(page)
            continue
        html = render_template(env(config.codes[0]), config, result, "bilingual.html",
                               {**context, "page": template, "parts": texts(f"parts/{template}")})
        if html is not None:
            result.rendered += 1
            result.pages.append(Page(path, html, kind, links=read_links(html),
                                     inputs=digests.record(keys)))


# Scripts and styles are shipped without their comments and indentation (theme/static keeps
# them for the people who edit them): the pages with the calculator must stay under their
# weight budget (tests/test_budgets.py). rJSmin and rCSSmin only remove what the languages
# define as comments and insignificant white space.
_MINIFIERS = {".js": rjsmin.jsmin, ".css": rcssmin.cssmin}


def static_files(sources: Sources) -> dict[str, bytes]:
    """The theme's static files as they are shipped (before their names are hashed)."""
    return {path: _shipped(path, data) for path, data in sorted(sources.theme.static.items())}


@functools.lru_cache(maxsize=256)
def _shipped(path: str, data: bytes) -> bytes:
    minify = _MINIFIERS.get(Path(path).suffix)
    if minify is None:
        return data
    return minify(data.decode("utf-8")).encode("utf-8")


def sitemap(config: SiteConfig, pages: list[Page]) -> tuple[str, str]:
    """sitemap.xml with every translation as an alternate, and robots.txt pointing at it."""
    entries = [_sitemap_entry(config.base_url, config.base_path, page.path, page.alternates)
               for page in sorted((p for p in pages if p.lang), key=lambda p: p.path)]
    xml = ('<?xml version="1.0" encoding="UTF-8"?>\n'
           '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
           'xmlns:xhtml="http://www.w3.org/1999/xhtml">\n' + "".join(entries) + "</urlset>\n")
    robots = f"User-agent: *\nAllow: /\n\nSitemap: {config.base_url}sitemap.xml\n"
    return xml, robots


@functools.lru_cache(maxsize=65536)
def _sitemap_entry(base_url: str, base_path: str, path: str,
                   alternates: tuple[tuple[str, str], ...]) -> str:
    """One page's <url> (cached: the live preview writes the sitemap on every rebuild)."""
    def absolute(url: str) -> str:
        return escape(base_url + url[len(base_path):])

    links = "".join(f'    <xhtml:link rel="alternate" hreflang="{code}" '
                    f'href="{absolute(href)}"/>\n' for code, href in alternates)
    return f"  <url>\n    <loc>{absolute(base_path + path.removesuffix('index.html'))}</loc>\n" \
           f"{links}  </url>\n"
