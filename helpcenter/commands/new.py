"""`python build.py new SLUG --category … --policy …`: start a new question in every language.

Writes content/<lang>/SLUG.md for each language with complete front matter and a short
guide. The guide is in YAML comments (front matter) and a Jinja comment `{# … #}`
(body), so none of it is ever published. The translations record the source version
they start from, so they become stale as soon as the source-language text is written.
The guide's texts are gettext messages of the catalogs, so a language added to
site.yaml with its catalog gets its guide in its own language without any code.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from babel import Locale
from babel.support import Translations

from helpcenter.check.literals import examples
from helpcenter.load.config import SiteConfig
from helpcenter.load.content import MAX_SLUG_LENGTH, RESERVED_SLUGS, SLUG, Entry
from helpcenter.load.policy import PolicyData
from helpcenter.load.translation_status import text_hash
from helpcenter.problems import BuildFailed, Problem, did_you_mean, display_path
from helpcenter.write.output import disk_problem


def placeholder_texts(translations: Translations) -> tuple[str, str, str]:
    """The title, description and answer a new entry has until an editor writes them, in
    the language of `translations`; `check` warns while one is still there."""
    _ = translations.gettext
    return (_("Write the question here"),
            _("Sum up the answer in one sentence (shown in search results and link previews)."),
            _("Write the answer here."))


@dataclass(frozen=True)
class NewEntry:
    slug: str
    category: str
    policies: tuple[str, ...]
    order: int | None = None


def request_problems(config: SiteConfig, policies: PolicyData, request: NewEntry) -> list[Problem]:
    """Why the entry cannot be created: a bad or taken name, an unknown category or policy."""
    problems = _slug_problems(config, request.slug)
    categories = [c.id for c in config.categories]
    if request.category not in categories:
        problems.append(Problem("--category", 0, f"unknown category '{request.category}'",
                                did_you_mean(request.category, categories)
                                + " Categories are listed in site.yaml."))
    for policy_id in request.policies:
        if policy_id not in policies.policies:
            problems.append(Problem("--policy", 0, f"unknown policy '{policy_id}'",
                                    did_you_mean(policy_id, policies.policies)
                                    + f" Policies are defined in {policies.path}."))
    if request.order is not None and request.order < 0:
        problems.append(Problem("--order", 0, f"the order must be 0 or more, not {request.order}",
                                "give a position such as 10"))
    return problems


def _slug_problems(config: SiteConfig, slug: str) -> list[Problem]:
    if not SLUG.fullmatch(slug):
        suggestion = re.sub(r"[^a-z0-9]+", "-", slug.lower()).strip("-") or "my-question"
        return [Problem("SLUG", 0, f"'{slug}' cannot be used as a file name and web address",
                        f"use lower-case letters, digits and '-', such as '{suggestion}'")]
    if slug in RESERVED_SLUGS:
        return [Problem("SLUG", 0, f"'{slug}' is the address of a page the site makes itself",
                        "choose another name")]
    if len(slug) > MAX_SLUG_LENGTH:
        return [Problem("SLUG", 0, f"the name is {len(slug)} characters long, more than the "
                        f"{MAX_SLUG_LENGTH} a web address may have here",
                        f"choose a shorter name, such as '{_shorter(slug)}'")]
    return [Problem(display_path(path, config.root), 0, "an entry with this name already exists",
                    "choose another name, or edit the file that exists")
            for path in _paths(config, slug) if path.exists()]


def _shorter(slug: str) -> str:
    """The slug cut after a whole word, within the limit."""
    cut = slug[:MAX_SLUG_LENGTH + 1]
    return cut[:cut.rfind("-")] if "-" in cut else slug[:MAX_SLUG_LENGTH]


def _paths(config: SiteConfig, slug: str) -> list[Path]:
    return [config.root / "content" / lang / f"{slug}.md" for lang in config.codes]


def create(config: SiteConfig, policies: PolicyData, entries: list[Entry],
           translations: Mapping[str, Translations], request: NewEntry) -> list[Path]:
    """Write the new entry's file in every language; call after `request_problems`."""
    order = request.order if request.order is not None else _next_order(entries,
                                                                       request.category)
    source_lang = config.source_language
    source = _entry_text(config, policies, entries, translations, request, order, source_lang)
    title, description, _answer = placeholder_texts(translations[source_lang])
    version = text_hash(source_lang, title, description, source.split("\n---\n", 1)[1])
    texts = {path: source if lang == source_lang else _entry_text(
        config, policies, entries, translations, request, order, lang, version)
        for lang, path in zip(config.codes, _paths(config, request.slug), strict=True)}
    written: list[Path] = []
    try:
        for path, text in texts.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("x", encoding="utf-8") as handle:  # never overwrite
                written.append(path)
                handle.write(text)
    except OSError as error:
        for path in written:  # all languages or none: no half-made entry is left
            path.unlink(missing_ok=True)
        raise BuildFailed([disk_problem(error, written[-1] if written else
                                        next(iter(texts)), "cannot create the entry")]) \
            from error
    return written


def _next_order(entries: list[Entry], category: str) -> int:
    orders = [e.order for e in entries if e.category == category]
    return (max(orders) // 10 + 1) * 10 if orders else 10


@dataclass(frozen=True)
class _Guide:
    """The guide's texts in one language: each a message of that language's catalog,
    English where the catalog has no translation, filled in with the entry's names (a
    language is named in the language of the text: 'japonais' in French, 'Japanese' in
    an English text)."""

    translations: Translations
    lang: str
    source: str
    slug: str
    choices: str

    def __call__(self, message: str) -> str:
        text = self.translations.gettext(message)
        said_in = self.lang if text != message else "en"
        return text % {"slug": self.slug, "source": self.source, "choices": self.choices,
                       "language": Locale.parse(self.lang).get_display_name(said_in),
                       "source_name": Locale.parse(self.source).get_display_name(said_in)}


def _entry_text(config: SiteConfig, policies: PolicyData, entries: list[Entry],
                translations: Mapping[str, Translations], request: NewEntry, order: int,
                lang: str, version: str = "") -> str:
    """One language's file: front matter and answer, with the guide for its editors.

    Every text of the guide is a message of that language's catalog
    (locales/<lang>/LC_MESSAGES/messages.po), English where the catalog has none: the
    editors of a language added to site.yaml get their guide by translating the catalog,
    with no code. The source language's file guides its writer; the others, translators.
    """
    writer = lang == config.source_language
    _ = _Guide(translations[lang], lang, config.source_language, request.slug,
               ", ".join(c.id for c in config.categories))
    title, description, answer = placeholder_texts(translations[lang])
    guide, notes = _writer_guide(_) if writer else _translator_guide(_)
    policy = request.policies[0] if len(request.policies) == 1 else \
        "[" + ", ".join(request.policies) + "]"
    fields = [("title", title, notes["title"]),
              ("category", request.category, notes["category"]),
              ("policy", policy, notes["policy"]),
              ("order", str(order), notes["order"]),
              ("description", description, "")]
    front = _lines("# ", guide) + [f"{key}: {value}" + (f"    # {note}" if note else "")
                                   for key, value, note in fields]
    if not writer:
        front += _lines("# ", [_("The version of the %(source_name)s file this translates; "
                                 "the command below\nupdates it: python build.py translations "
                                 "--mark-fresh %(slug)s")])
        front.append(f"translated_from: {version}")
    shown = examples(config, policies, entries, translations, lang, request.policies)
    body = _body_guide(_, writer, [f"{where}  ->  {reads}" for where, reads in shown[:8]])
    return ("---\n" + "\n".join(front) + "\n---\n{#\n" + "\n".join(body) + "\n#}\n"
            + answer + "\n")


def _writer_guide(_: _Guide) -> tuple[list[str], dict[str, str]]:
    """The source-language file's guide above the front matter, and its fields' notes."""
    return ([_("A new question. Replace the title and the description, and write the answer "
               "below the '---'."),
             _("Lines starting with '#' are notes (never published); you may delete them.")],
            {"title": _("the question, as a customer would ask it"),
             "category": _("a category of site.yaml: %(choices)s"),
             "policy": _("the policy this answer explains (content/policies.yaml); several "
                         "as [a, b]"),
             "order": _("position within its category (lower numbers first)")})


def _translator_guide(_: _Guide) -> tuple[list[str], dict[str, str]]:
    """A translation's guide above the front matter, and its fields' notes."""
    keep = _("keep as in the %(source_name)s file")
    return ([_("The %(language)s translation of content/%(source)s/%(slug)s.md. Translate "
               "the title, the\ndescription and the answer; keep category, policy and order "
               "as in that file."),
             _("Lines starting with '#' are notes (never published); you may delete them.")],
            {"title": _("the question, as a customer would ask it"),
             "category": keep, "policy": keep, "order": keep})


def _body_guide(_: _Guide, writer: bool, shown: list[str]) -> list[str]:
    """The note above the answer: how to write it, and the policy's placeholders."""
    values = (_("Never type a fee, a number of days or a card name: insert the value from "
                "content/policies.yaml:") if writer else
              _("Never type a fee, a number of days or a card name: use the placeholder, as "
                "in the\n%(source_name)s file:"))
    after = [_("The contact address is {{ contact }}. This note is never published; you may "
               "delete it.")]
    if not writer:
        after.append(_("When the translation is done, run: python build.py translations "
                       "--mark-fresh %(slug)s"))
    return (_lines("  ", [_('Write the answer in Markdown: a blank line between paragraphs, '
                            '"## Heading", "- item".'),
                          _("Link to another question by its file name: "
                            "[Returns](returns-and-exchanges.md)"), values])
            + _lines("    ", shown or [_("(this policy has no numbers or names to insert)")])
            + _lines("  ", after))


def _lines(prefix: str, texts: list[str]) -> list[str]:
    """Each line of each text, behind the prefix that makes it a comment or indents it."""
    return [prefix + line for text in texts for line in text.split("\n")]


def unfinished_entries(entries: list[Entry],
                       translations: Mapping[str, Translations]) -> list[Problem]:
    """Entries that still say what `new` wrote, in any language: they must not be
    published like that."""
    written = [placeholder_texts(t) for t in (Translations(), *translations.values())]
    titles = {title for title, _description, _answer in written}
    answers = tuple({answer for _title, _description, answer in written})
    return [Problem(entry.path, entry.line_of("title") if entry.title in titles
                    else entry.body_line, "this entry still has the text that "
                    "'python build.py new' wrote", "write the question in 'title:' and the "
                    "answer below the front matter", warning=True)
            for entry in entries
            if entry.title in titles or any(answer in entry.body for answer in answers)]
