"""`python build.py new SLUG --category … --policy …`: start a new question in every language.

Writes content/<lang>/SLUG.md for each language with complete front matter and a short
guide. The guide is in YAML comments (front matter) and a Jinja comment `{# … #}`
(body), so none of it is ever published. The translations record the source version
they start from, so they become stale as soon as the Japanese text is written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from babel.support import Translations

from helpcenter.check.literals import examples
from helpcenter.load.config import SiteConfig
from helpcenter.load.content import MAX_SLUG_LENGTH, RESERVED_SLUGS, SLUG, Entry
from helpcenter.load.policy import PolicyData
from helpcenter.load.translation_status import text_hash
from helpcenter.problems import BuildFailed, Problem, did_you_mean, display_path
from helpcenter.write.output import disk_problem

# What a new entry says until an editor writes it; `check` warns while it is still there.
PLACEHOLDER_TITLE = {"ja": "ここに質問を書いてください", "en": "Write the question here"}
PLACEHOLDER_DESCRIPTION = {
    "ja": "ここに回答を一文でまとめてください（検索結果やリンクのプレビューに表示されます）。",
    "en": "Sum up the answer in one sentence (shown in search results and link previews).",
}
PLACEHOLDER_ANSWER = {"ja": "ここに回答を書いてください。", "en": "Write the answer here."}

_FRONT_GUIDE = {
    "ja": """\
# 新しい質問です。title と description を書き換え、「---」の下に回答を書いてください。
# 「#」で始まる行は説明です（公開されません）。消してもかまいません。""",
    "en": """\
# The English translation of content/{source}/{slug}.md. Translate the title, the
# description and the answer; keep category, policy and order as in that file.
# Lines starting with '#' are notes (never published); you may delete them.""",
}
_FIELD_NOTES = {
    "ja": {"title": "お客様が尋ねる言葉のままの質問",
           "category": "カテゴリー（site.yaml）: {choices}",
           "policy": "この回答が説明するポリシー（content/policies.yaml）。複数なら [a, b]",
           "order": "カテゴリー内の表示順（小さい数ほど上）"},
    "en": {"title": "the question, as a customer would ask it",
           "category": "keep as in the Japanese file",
           "policy": "keep as in the Japanese file",
           "order": "keep as in the Japanese file"},
}
_BODY_GUIDE = {
    "ja": """\
{{#
  回答は Markdown で書きます。段落の間は空行、見出しは「## 見出し」、箇条書きは「- 項目」。
  ほかの質問へのリンクはファイル名で書きます: [返品・交換について](returns-and-exchanges.md)
  金額・日数・カード名は数字や名前で書かず、content/policies.yaml の値を差し込みます:
{examples}
  お問い合わせ先は {{{{ contact }}}} と書きます。この説明は公開されません。消してもかまいません。
#}}
""",
    "en": """\
{{#
  Write the answer in Markdown: a blank line between paragraphs, "## Heading", "- item".
  Link to another question by its file name: [Returns](returns-and-exchanges.md)
  Never type a fee, a number of days or a card name: use the placeholder, as in the
  Japanese file:
{examples}
  The contact address is {{{{ contact }}}}. This note is never published; you may delete it.
  When the translation is done, run: python build.py translations --mark-fresh {slug}
#}}
""",
}


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
    version = text_hash(source_lang, _placeholder(PLACEHOLDER_TITLE, source_lang),
                        _placeholder(PLACEHOLDER_DESCRIPTION, source_lang),
                        source.split("\n---\n", 1)[1])
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


def _placeholder(texts: Mapping[str, str], lang: str) -> str:
    return texts.get(lang, texts["en"])


def _entry_text(config: SiteConfig, policies: PolicyData, entries: list[Entry],
                translations: Mapping[str, Translations], request: NewEntry, order: int,
                lang: str, version: str = "") -> str:
    guide_lang = "ja" if lang == "ja" else "en"
    notes = _FIELD_NOTES[guide_lang]
    policy = request.policies[0] if len(request.policies) == 1 else \
        "[" + ", ".join(request.policies) + "]"
    choices = ", ".join(c.id for c in config.categories)
    fields = [("title", _placeholder(PLACEHOLDER_TITLE, lang), notes["title"]),
              ("category", request.category, notes["category"].format(choices=choices)),
              ("policy", policy, notes["policy"]),
              ("order", str(order), notes["order"]),
              ("description", _placeholder(PLACEHOLDER_DESCRIPTION, lang), "")]
    front = [_FRONT_GUIDE[guide_lang].format(source=config.source_language, slug=request.slug)]
    front += [f"{key}: {value}" + (f"    # {note}" if note else "")
              for key, value, note in fields]
    if lang != config.source_language:
        front += ["# The version of the Japanese file this translates; the command below",
                  f"# updates it: python build.py translations --mark-fresh {request.slug}",
                  f"translated_from: {version}"]
    shown = examples(config, policies, entries, translations, lang, request.policies)
    listed = "\n".join(f"    {where}  ->  {reads}" for where, reads in shown[:8]) or \
        "    (this policy has no numbers or names to insert)"
    body = _BODY_GUIDE[guide_lang].format(examples=listed, slug=request.slug)
    return "---\n" + "\n".join(front) + "\n---\n" + body + \
        _placeholder(PLACEHOLDER_ANSWER, lang) + "\n"


def unfinished_entries(entries: list[Entry]) -> list[Problem]:
    """Entries that still say what `new` wrote: they must not be published like that."""
    titles = set(PLACEHOLDER_TITLE.values())
    answers = tuple(PLACEHOLDER_ANSWER.values())
    return [Problem(entry.path, entry.line_of("title") if entry.title in titles
                    else entry.body_line, "this entry still has the text that "
                    "'python build.py new' wrote", "write the question in 'title:' and the "
                    "answer below the front matter", warning=True)
            for entry in entries
            if entry.title in titles or any(answer in entry.body for answer in answers)]
