"""Safe markup: what editors, translators and the policy file may publish.

Raw HTML and script pasted into an answer, the attribute-list syntax, markup in a
policy label, markup in a translation: each used to reach the pages unchanged and
break the site's strict-CSP promise. Now each is an error at its line (exit 1, no
traceback, the last good site untouched), and everything an answer needs still renders
exactly as Markdown makes it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Site
from test_bad_input import line_of
from test_bad_input import (
    test_a_mistake_is_reported_and_the_last_good_site_survives as expect_reported,
)
from test_catalog_safety import JA, set_msgstr

from helpcenter.render.assets import hashed_name
from helpcenter.render.sanitize import clean, findings

EN_SHIP = "content/en/shipping-cost.md"
JA_RECEIPTS = "content/ja/receipts.md"
P = "content/policies.yaml"

Expected = list[tuple[str, int, str]]


def with_paragraph(site: Site, text: str, path: str = EN_SHIP, needle: str = "") -> int:
    """Adds `text` as the last paragraph of an answer; returns the line holding `needle`."""
    site.write(path, site.read(path).rstrip("\n") + f"\n\nPlease note.\n\n{text}\n")
    return line_of(site, path, needle or text.split("\n")[0])


# Markup in an answer ------------------------------------------------------------------

def script_element(site: Site) -> Expected:  # the example
    line = with_paragraph(site, "<script>alert('hi')</script>")
    return [(EN_SHIP, line, "the HTML element <script> is not allowed")]


def event_handler(site: Site) -> Expected:  # the example
    line = with_paragraph(site, '<p onmouseover="alert(1)">Hover me</p>')
    return [(EN_SHIP, line, 'the attribute onmouseover="…" on <p> is not allowed')]


def javascript_link(site: Site) -> Expected:  # the example
    line = with_paragraph(site, "[Track your order](javascript:alert(1))")
    return [(EN_SHIP, line, "a 'javascript:' link is not allowed")]


def inline_style(site: Site) -> Expected:  # the example
    line = with_paragraph(site, '<p style="position:fixed;top:0">Sale!</p>')
    return [(EN_SHIP, line, 'the attribute style="…" on <p> is not allowed')]


def attribute_list_handler(site: Site) -> Expected:  # the example
    line = with_paragraph(site, "A paragraph with a handler.\n{: onclick=\"alert(1)\" }",
                          needle="onclick")
    return [(EN_SHIP, line, 'the attribute onclick="…" on <p> is not allowed')]


def attribute_list_on_a_heading(site: Site) -> Expected:
    line = with_paragraph(site, '## Returns {: class="sale-banner" }', JA_RECEIPTS)
    return [(JA_RECEIPTS, line, 'the attribute class="…" on <h2> is not allowed')]


def attribute_list_rewriting_a_link(site: Site) -> Expected:
    line = with_paragraph(site, '[our shop](https://example.org){: href="vbscript:msgbox" }')
    return [(EN_SHIP, line, "a 'vbscript:' link is not allowed")]


def top_level_heading(site: Site) -> Expected:
    line = with_paragraph(site, "# 返品について", JA_RECEIPTS)
    return [(JA_RECEIPTS, line, "a top-level heading (# …) is not allowed: the question is "
             "the page's only one (write ## for a heading")]


def pasted_iframe(site: Site) -> Expected:
    line = with_paragraph(site, '<iframe src="https://example.org/map"></iframe>')
    return [(EN_SHIP, line, "the HTML element <iframe> is not allowed")]


def image_from_another_site(site: Site) -> Expected:
    line = with_paragraph(site, "![our ring](https://images.example.org/ring.jpg)",
                          JA_RECEIPTS)
    return [(JA_RECEIPTS, line, "an image from another site "
             "('https://images.example.org/ring.jpg') is not allowed")]


def data_link(site: Site) -> Expected:
    line = with_paragraph(site, "[form](data:text/html;base64,PHNjcmlwdD4=)")
    return [(EN_SHIP, line, "a 'data:' link is not allowed")]


def hidden_tab_in_a_scheme(site: Site) -> Expected:
    line = with_paragraph(site, '<a href="java&#x09;script:alert(1)">details</a>')
    return [(EN_SHIP, line, "a 'javascript:' link is not allowed")]


def svg_with_onload(site: Site) -> Expected:
    line = with_paragraph(site, '<svg onload="alert(1)"></svg>')
    return [(EN_SHIP, line, "the HTML element <svg> is not allowed")]


def html_comment(site: Site) -> Expected:
    line = with_paragraph(site, "<!-- ask the shop about this -->")
    return [(EN_SHIP, line, "an HTML comment <!-- … --> would be removed from the page "
             "(write a note to other editors as {# … #} instead")]


def form_and_input(site: Site) -> Expected:
    line = with_paragraph(site, '<form action="https://example.org"><input name="card"></form>')
    return [(EN_SHIP, line, "the HTML element <form> is not allowed"),
            (EN_SHIP, line, "the HTML element <input> is not allowed")]


# Markup in policies.yaml --------------------------------------------------------------

def script_in_a_label(site: Site) -> Expected:  # the example
    site.replace(P, "en: The item has been worn}",
                 "en: 'The item has been worn<script>alert(1)</script>'}")
    return [(P, line_of(site, P, "<script>"), "policies.returns.refused_reasons.0.label.en "
             "must be plain text, but the HTML element <script> is not allowed")]


def handler_in_a_label(site: Site) -> Expected:
    site.replace(P, "ja: 一度でも着用された場合,", "ja: '一度でも着用された場合<img src=x onerror=alert(1)>',")
    return [(P, line_of(site, P, "onerror"), "must be plain text, but the attribute "
             "onerror=\"…\" on <img> is not allowed")]


def link_in_a_card_name(site: Site) -> Expected:
    site.replace(P, "{id: jcb, name: JCB}", "{id: jcb, name: '[JCB](javascript:alert(1))'}")
    return [(P, line_of(site, P, "[JCB]"), "policies.payment.cards_via_paypal.0.name must be "
             "plain text, but a 'javascript:' link is not allowed")]


def bold_in_a_service_label(site: Site) -> Expected:
    site.replace(P, "label: {ja: 修理, en: repairs}", "label: {ja: 修理, en: <b>repairs</b>}")
    return [(P, line_of(site, P, "<b>repairs</b>"), "must be plain text, but the HTML element "
             "<b> is not allowed")]


# Markup in a translation --------------------------------------------------------------

SEARCH_HELP = 'Please <a href=\\"%(home)s\\">browse all questions</a> or write to us at %(address)s.'


def script_in_a_translation(site: Site) -> Expected:  # the example
    line = set_msgstr(site, "Language", 'msgstr "言語<script>alert(1)</script>"')
    return [(JA, line, "the translation of 'Language' has markup that is not allowed: the HTML "
             "element <script> is not allowed")]


def handler_added_to_a_link(site: Site) -> Expected:
    line = set_msgstr(site, SEARCH_HELP, 'msgstr "<a href=\\"%(home)s\\" onclick=\\"x()\\">'
                      '一覧</a>をご覧いただくか、%(address)s までお問い合わせください。"')
    return [(JA, line, "has markup that is not allowed: the attribute onclick")]


def link_target_replaced(site: Site) -> Expected:
    line = set_msgstr(site, SEARCH_HELP, 'msgstr "<a href=\\"javascript:go(%(home)s)\\">'
                      '一覧</a>をご覧いただくか、%(address)s までお問い合わせください。"')
    return [(JA, line, "a 'javascript:' link is not allowed")]


def tag_not_in_the_original(site: Site) -> Expected:
    line = set_msgstr(site, ADDRESS, 'msgstr "<em>解決しない場合</em>は、%(address)s へ。"')
    return [(JA, line, "has HTML tags or attributes that differ from the original")]


def quote_that_ends_an_attribute(site: Site) -> Expected:
    line = set_msgstr(site, "Language", 'msgstr "言語\\" autofocus onfocus=\\"alert(1)"')
    return [(JA, line, 'has a straight quote " that can end the HTML attribute')]


ADDRESS = ("We're sorry this answer didn't help. Please tell us what you were looking for at "
           "%(address)s.")

CASES = [script_element, event_handler, javascript_link, inline_style, attribute_list_handler,
         attribute_list_on_a_heading, attribute_list_rewriting_a_link, top_level_heading,
         pasted_iframe,
         image_from_another_site, data_link, hidden_tab_in_a_scheme, svg_with_onload,
         html_comment, form_and_input, script_in_a_label, handler_in_a_label,
         link_in_a_card_name, bold_in_a_service_label, script_in_a_translation,
         handler_added_to_a_link, link_target_replaced, tag_not_in_the_original,
         quote_that_ends_an_attribute]


@pytest.mark.parametrize("breaks", CASES, ids=[case.__name__ for case in CASES])
def test_unsafe_markup_is_an_error_at_its_line(
        breaks: Callable[[Site], Expected], good_site: Site, tmp_path: Path) -> None:
    expect_reported(breaks, good_site, tmp_path)


@pytest.mark.parametrize("breaks", [script_element, script_in_a_label, script_in_a_translation],
                         ids=["answer", "label", "translation"])
def test_check_strict_fails_on_it_too(breaks: Callable[[Site], Expected], site: Site) -> None:
    (path, line, words), *_ = breaks(site)
    result = site.run("check", "--strict")
    assert result.code == 1 and "Traceback" not in result.stderr
    assert any(p.startswith(f"{path}:{line}: ") and words in p for p in result.problems), \
        result.stderr


EVERYTHING_AN_ANSWER_MAY_USE = """

## Before you write {: #before-writing }

1. Check your order number.
2. Write to us at <support@milamore.example> or on [our site](https://example.org/a?b=1&c=2).

- *Emphasis*, **strong**, `code` and a line<br>break.

> A quotation.

| Size | Price |
|:-----|------:|
| 9    | ¥9    |

    a code block <kept> & escaped

![The shop's icon](/assets/favicon.svg "Milamore")

See [returns](returns-and-exchanges.md#top) too.

---
"""


def test_everything_an_answer_may_use_is_published_as_markdown_makes_it(site: Site) -> None:
    # An image of the site: the ring icon, under the content-hashed name it is published as.
    icon = "/" + hashed_name("assets/favicon.svg", (site.root / "theme/static/favicon.svg").read_bytes())
    site.write(EN_SHIP, site.read(EN_SHIP) + EVERYTHING_AN_ANSWER_MAY_USE.replace(
        "#top", "").replace("/assets/favicon.svg", icon))

    result = site.build()

    assert result.code == 0, result.stderr
    page = site.page("en/shipping-cost/index.html")
    for html in ('<h2 id="before-writing">Before you write</h2>',
                 '<a href="https://example.org/a?b=1&amp;c=2">our site</a>',
                 "<em>Emphasis</em>, <strong>strong</strong>, <code>code</code> and a line<br>break.",
                 "<blockquote>\n<p>A quotation.</p>\n</blockquote>",
                 '<th align="left">Size</th>', '<td align="right">¥9</td>',
                 "<pre><code>a code block &lt;kept&gt; &amp; escaped\n</code></pre>",
                 f'<img alt="The shop\'s icon" src="{icon}" title="Milamore">',
                 '<a href="/en/returns-and-exchanges/">returns</a>', "<ol>", "<hr>"):
        assert html in page, html
    assert 'href="mailto:' in page


def test_the_real_answers_are_published_byte_for_byte(built_site: Site) -> None:
    """Sanitizing changes nothing the real help center says (the diff of a whole build
    before and after this change is empty, too)."""
    answers = {}
    for page in sorted(built_site.out.glob("*/*/index.html")):
        match = re.search(r'<div [^>]*class="answer">\n(.*?)\n  </div>\n</article>',
                          page.read_text(encoding="utf-8"), re.S)
        if match:  # less the build's own phrase breaks in headings, added after sanitizing
            answers[page] = match.group(1).replace("<wbr>", "")
    assert len(answers) == 18
    for page, html in answers.items():
        assert findings(html) == [], page
        assert clean(html) == html, page


@pytest.mark.parametrize("html", [
    '<p><a href="https://example.org/x?a=1&amp;b=2" title="t">x</a></p>',
    '<h3 id="返品について">返品について</h3>', "<ul>\n<li>a &lt; b &amp; c</li>\n</ul>",
    '<p><a href="mailto:support@milamore.example">mail</a></p>',
    '<p><img alt="" src="../assets/ring.png"></p>', '<ol start="3">\n<li>x</li>\n</ol>'])
def test_allowed_markup_is_kept_as_it_is(html: str) -> None:
    assert findings(html) == [] and clean(html) == html


@pytest.mark.parametrize(("html", "what"), [
    ('<img src="//cdn.example.org/x.png">', "an image from another site"),
    ('<a href=" JAVASCRIPT:alert(1)">x</a>', "a 'JAVASCRIPT:' link is not allowed"),
    ('<h2 id="a b">x</h2>', 'id="a b" on <h2> is not allowed'),
    ('<td align="justify">x</td>', 'align="justify" on a table cell'),
    ("<p><em>unclosed</p>", "this HTML is not well formed"),
    ("<object data=x></object>", "the HTML element <object> is not allowed")])
def test_refused_markup_is_named(html: str, what: str) -> None:
    assert any(what in found.what for found in findings(html)), findings(html)
    assert clean(html) != html
