"""What the speed-ups of rendering must not change: an answer's page lists a bounded
number of its category's questions (and links to all of them), and the caches and
shortcuts give exactly what the slow way gave."""

from __future__ import annotations

import re

import budoux
import pytest
from conftest import ROOT, Site, copy_site
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

from helpcenter.load.content import Entry
from helpcenter.load.policy import localize
from helpcenter.load.translation_status import file_text_hash
from helpcenter.pipeline import load_sources
from helpcenter.render import markdown_body
from helpcenter.render import phrases as phrases_module
from helpcenter.render.formatting import Formatter, mailto_link
from helpcenter.render.listings import SIBLINGS, RelatedEntries
from helpcenter.render.markdown_body import content_environment, render_body
from helpcenter.render.phrases import heading_phrase_breaks, phrase_breaks, phrases
from helpcenter.render.sandbox_limits import BoundedSandbox

MANY = SIBLINGS + 7   # questions added to one category


def _entry(n: int, category: str = "returns", order: int | None = None) -> Entry:
    return Entry("ja", f"q-{n:02d}", f"content/ja/q-{n:02d}.md", f"Q{n}", category,
                 ("returns",), n if order is None else order, "", "", 1, {})


@pytest.mark.parametrize("count", [1, SIBLINGS - 1, SIBLINGS, SIBLINGS + 1, 3 * SIBLINGS])
def test_the_category_list_is_bounded_and_always_holds_the_current_question(count: int) -> None:
    entries = [_entry(n, order=count - n if n % 2 else n) for n in range(count)]
    entries.append(_entry(99, category="shipping"))
    related = RelatedEntries(entries)
    ordered = sorted(entries[:count], key=lambda e: (e.order, e.slug))
    for entry in entries[:count]:
        listing = related.around(entry)
        assert listing.total == count
        assert entry in listing.entries
        assert len(listing.entries) == min(count, SIBLINGS)
        assert listing.partial == (count > SIBLINGS)
        # a run of the editors' order, with the current question as near its middle as
        # the ends of the category allow
        start = ordered.index(listing.entries[0])
        assert listing.entries == ordered[start:start + len(listing.entries)]
        index, position = ordered.index(entry), listing.entries.index(entry)
        half = (SIBLINGS - 1) // 2
        assert position >= min(index, half)
        assert len(listing.entries) - 1 - position >= min(count - 1 - index, half)


@pytest.fixture(scope="module")
def big_category(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """The real site with MANY more questions in 'returns', in both languages, built."""
    site = copy_site(tmp_path_factory.mktemp("many") / "site")
    for n in range(1, MANY + 1):
        ja = (f"---\ntitle: 返品の質問その{n}について\ncategory: returns\npolicy: returns\n"
              f"order: {200 + n}\n---\n返品のご案内です（{n}）。\n")
        site.write(f"content/ja/many-{n:02d}.md", ja)
        site.write(f"content/en/many-{n:02d}.md",
                   f"---\ntitle: Returns question {n} & more\ncategory: returns\n"
                   f"policy: returns\norder: {200 + n}\n"
                   f"translated_from: {file_text_hash(ja, 'ja')}\n---\nAbout returns ({n}).\n")
    result = site.build()
    assert result.code == 0, result.stderr
    return site


def _category_nav(page: str) -> str:
    return page.split('<nav class="category-nav"')[1].split("</nav>")[0]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_big_category_shows_the_bound_and_links_to_all_its_questions(
        big_category: Site, lang: str) -> None:
    home = big_category.page(f"{lang}/index.html")
    card = home.split('aria-labelledby="cat-returns"')[1].split("</section>")[0]
    total = card.count("<li>")
    assert total > SIBLINGS
    for n in (1, MANY // 2, MANY):
        page = big_category.page(f"{lang}/many-{n:02d}/index.html")
        nav = _category_nav(page)
        assert nav.count("<li>") == SIBLINGS
        current = re.findall(r'<a href="([^"]*)" aria-current="page">', nav)
        assert current == [f"/{lang}/many-{n:02d}/"]
        links = re.findall(r'<p class="category-all"><a href="([^"]*)">([^<]*)</a></p>', nav)
        assert links, nav
        href, text = links[0]
        assert href == f"/{lang}/#cat-returns"
        assert 'id="cat-returns"' in home   # the anchor the link goes to
        assert str(total) in text
        expected = (f"「返品・交換」のご質問の一覧（全{total}件）" if lang == "ja"
                    else f"All {total} questions in Returns and exchanges")
        assert text == expected


def test_a_small_category_shows_all_its_questions_and_no_link(built_site: Site) -> None:
    """The real site: every category has at most SIBLINGS questions."""
    for lang in ("ja", "en"):
        home = built_site.page(f"{lang}/index.html")
        page = built_site.page(f"{lang}/shipping-cost/index.html")
        card = home.split('aria-labelledby="cat-shipping"')[1].split("</section>")[0]
        nav = _category_nav(page)
        assert nav.count("<li>") == card.count("<li>") <= SIBLINGS
        assert "category-all" not in page


def _uncached_phrase_breaks(text: object, lang: str) -> Markup:
    """phrase_breaks as it was before its cache: BudouX on every call."""
    plain = str(text)
    parts = budoux.load_default_japanese_parser().parse(plain) if lang == "ja" and plain \
        else [plain]
    return Markup("<wbr>").join(escape(part) for part in parts)


PHRASE_TEXTS = ["送料はいくらですか？", "「A&B」の<指輪>は返品できますか？", 'サイズ"7号"と\'8号\'の違い',
                "Can I <b>return</b> it & get a refund?", "&amp; はそのまま", "", " ", "1", "a" * 50,
                "海外への発送はありますか？" * 200]   # the last: longer than the cache keeps


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("markup_first", [True, False])
def test_cached_phrase_breaks_are_the_uncached_ones_for_text_and_markup(
        lang: str, markup_first: bool) -> None:
    """Markup and str with the same characters are the same cache key: each must give
    what it gave without the cache, whichever was asked first, again and again."""
    phrase_breaks_cache_clear()
    for text in PHRASE_TEXTS:
        kinds = [Markup(text), text] if markup_first else [text, Markup(text)]
        for _ in range(2):
            for value in kinds:
                got = phrase_breaks(value, lang)
                assert isinstance(got, Markup)
                assert str(got) == str(_uncached_phrase_breaks(value, lang)), (text, value)
                assert phrases(lang, value) == ([str(value)] if lang != "ja" or not value
                                                else _uncached_phrases(str(value)))


def _uncached_phrases(text: str) -> list[str]:
    return budoux.load_default_japanese_parser().parse(text)


def test_cached_heading_breaks_are_the_uncached_ones() -> None:
    html = ('<h2 id="a">「A&amp;B」の&lt;指輪&gt;は返品できますか？</h2><p>本文&amp;</p>'
            '<h3>送料は<a href="/ja/x/">こちら</a>をご覧ください</h3>')
    first = heading_phrase_breaks(html, "ja")
    assert heading_phrase_breaks(Markup(html), "ja") == first == heading_phrase_breaks(html, "ja")
    assert "&amp;B" in first and "&lt;指輪&gt;" in first and "<wbr>" in first


def test_the_phrase_caches_are_bounded() -> None:
    phrase_breaks_cache_clear()
    long_text = "海外への発送はありますか？" * 200
    phrase_breaks(long_text, "ja")
    for cached in (phrases_module._cached_phrase_breaks, phrases_module._cached_phrases):
        info = cached.cache_info()
        assert info.maxsize is not None and info.maxsize <= 10_000
        assert info.currsize == 0   # too long to keep


def phrase_breaks_cache_clear() -> None:
    phrases_module._cached_phrase_breaks.cache_clear()
    phrases_module._cached_phrases.cache_clear()


def _content_env() -> SandboxedEnvironment:
    return content_environment([], {}, {"policy": {}, "contact": "", "shop_name": ""})


def _body_entry(body: str, slug: str = "plain") -> Entry:
    return Entry("ja", slug, f"content/ja/{slug}.md", "t", "shipping", ("shipping",), 1, "",
                 body, 5, {})


PLAIN_BODIES = ["", "text", "one\n", "a\n\n", "a\r\nb\rc\n\r\n", "}} #} %} { { {x} {-",
                "「全角」の本文です。\n\n## 見出し\n\n- 一\n- 二 & <b>\n", "x" * 5000 + "\n",
                "ends with {", "{ {", "{\n{"]


@pytest.mark.parametrize("body", PLAIN_BODIES)
def test_a_body_without_placeholders_renders_as_its_template_would(body: str) -> None:
    env, entry = _content_env(), _body_entry(body)
    assert markdown_body._is_plain(body)
    through_jinja, problems = markdown_body._fill_placeholders(entry, env)
    assert problems == [] and through_jinja is not None
    assert markdown_body._as_template_data(body) == through_jinja
    assert render_body(entry, env, {}) == \
        markdown_body._markdown_to_html(through_jinja, entry, {})


@pytest.mark.parametrize("body", ["{{ 1 }}", "a {% if true %}b{% endif %}", "{# note #}",
                                  "{{- 1 -}}", "{%- if true %}{% endif %}"])
def test_a_body_with_any_template_syntax_goes_through_jinja(body: str) -> None:
    assert not markdown_body._is_plain(body)


def test_one_reused_markdown_converter_gives_what_a_new_one_gives() -> None:
    """Each answer is converted as if it were the first: its own links, its own heading
    ids, its own problems."""
    urls = {"a": "/ja/a/", "b": "/ja/b/"}
    bodies = {"a": "## 詳しく\n\n[x](missing.md) [y](b.md#part)\n\n## 詳しく\n",
              "b": "## 詳しく\n\n[x](a.md) and [ref][r]\n\n[r]: a.md\n",
              "c": "| a | b |\n|:--|--:|\n| 1 | 2 |\n\n1. one\n2. two\n\n## Title {#custom}\n"}
    fresh = {}
    for slug, body in bodies.items():
        markdown_body._IDLE.converter = None   # a new converter for each
        fresh[slug] = markdown_body._markdown_to_html(body, _body_entry(body, slug), urls)
    for _ in range(2):
        for slug, body in bodies.items():
            assert markdown_body._markdown_to_html(body, _body_entry(body, slug), urls) == \
                fresh[slug]
    html, problems = fresh["a"]
    assert html is None and [p.path for p in problems] == ["content/ja/a.md"]
    assert fresh["b"][1] == [] and 'id="詳しく"' in (fresh["b"][0] or "")


def _real_content_environments() -> tuple[dict[str, BoundedSandbox], list[Entry]]:
    sources = load_sources(ROOT)
    envs = {}
    for lang in sources.config.codes:
        formatter = Formatter(lang, sources.translations[lang])
        envs[lang] = content_environment(
            [e for e in sources.entries if e.lang == lang], formatter.filters(),
            {"policy": localize(sources.policies.policies, lang, sources.config.codes),
             "contact": mailto_link(sources.config.contact_email),
             "shop_name": sources.config.shop_name})
    return envs, sources.entries


def _compiled_render(env: BoundedSandbox, body: str) -> str:
    return env.from_string(body).render()


def test_placeholders_filled_without_compiling_are_what_the_compiled_body_gives() -> None:
    """Every real answer, and texts around placeholders, filled in the fast way
    (render_outputs) and by the compiled template of the whole body."""
    envs, entries = _real_content_environments()
    for _ in range(2):   # the second time, each placeholder's text is the one kept
        for entry in entries:
            env = envs[entry.lang]
            fast = env.render_outputs(env.parse(entry.body))
            assert fast is not None, entry.path   # answers are text and placeholders
            fast_cost = (env.budget.steps, env.budget.output)
            assert fast == _compiled_render(env, entry.body), entry.path
            # never cheaper than the whole template: it never passes where that fails
            assert fast_cost[0] >= env.budget.steps and fast_cost[1] >= env.budget.output
    env = envs["en"]
    for body in ["{{ contact }}{{ contact }}\n", "a <b> & {{ shop_name }} {{ '<i>' }} {{ 1 + 2 }}",
                 "{{- policy.returns.window_days | days -}}\n\n", "{{ 'x' ~ shop_name ~ 'y' }}",
                 "{# only a comment #}", "{{ policy.returns.window_days * 2 }}\r\nend",
                 "{{ 1 | business_days }} {{ 2 | business_days }} {{ 1 | business_days }}"]:
        assert env.render_outputs(env.parse(body)) == _compiled_render(env, body), body


@pytest.mark.parametrize("body", ["{% if true %}x{% endif %}", "{% set a = 1 %}{{ a }}",
                                  "{% for i in range(2) %}{{ i }}{% endfor %}",
                                  "{{ policy.nothing.here }}", "{{ 1 / 0 }}",
                                  "{{ policy | money }}", "{{ 'a' * 1000000 }}"])
def test_tags_and_failures_go_the_compiled_way(body: str) -> None:
    """A tag, or a placeholder that fails: not filled in the fast way, so that the whole
    template reports it, with its line."""
    envs, _ = _real_content_environments()
    assert envs["ja"].render_outputs(envs["ja"].parse(body)) is None
