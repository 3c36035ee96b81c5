"""Search, used as a customer does, in a real Chromium: each language finds its answers.

Pagefind searches in WebAssembly. Under the strict policy the other browser tests serve
(`Content-Security-Policy: default-src 'self'`) the search page loads cleanly, because
pagefind.js is only imported once there is a query, but the query itself cannot run:
Chromium refuses to compile the WebAssembly ("'unsafe-eval' is not an allowed source of
script") in Pagefind's worker and in its main-thread fallback, and the page says search
is not available. The policy that lets search run, and that this module serves, is

    Content-Security-Policy: default-src 'self'; script-src 'self' 'wasm-unsafe-eval'

(no `unsafe-eval`, nothing from another origin). It must be sent with pagefind-worker.js
too: a dedicated worker follows the policy of its own response, not the page's.

Japanese is indexed by Pagefind's dictionary segmenter and queried through the browser's
Intl.Segmenter, and the two split some compounds differently (Pagefind issue #1237):
営業日, 受注生産 and サイズ直し are split alike, but クレジットカード, ギフトラッピング,
メールアドレス and お支払い stay whole in the query while the index has them in parts, so
Pagefind alone matches only their first part or a title that starts with them. search.js
splits such a query word into the index's own words (pagefind/words.json) first; the
tests below search every word of every Japanese answer to show that the two now agree.
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import quote, urlsplit

import pytest

from helpcenter.write.headers import CONTENT_SECURITY_POLICY

pytestmark = pytest.mark.browser

WASM_CSP = CONTENT_SECURITY_POLICY  # the policy of _headers (one source: headers.py)
CONTACT = "mailto:support@milamore.example"
SETTLED = ("() => ['results', 'empty', 'error']"
           ".includes(document.querySelector('[data-search]')?.dataset.state)")
RESULTS = """() => [...document.querySelectorAll('[data-search-list] > li')].map((li) => ({
  href: li.querySelector('a').getAttribute('href'),
  title: li.querySelector('a').textContent,
  excerpt: li.querySelector('p').textContent,
  marks: [...li.querySelectorAll('mark')].map((mark) => mark.textContent),
  elements: [...li.querySelector('p').querySelectorAll('*')].map((e) => e.localName),
}))"""

JAPANESE = {  # query -> the entry a customer expects first
    "送料": "shipping-cost",
    "返品": "returns-and-exchanges",
    "交換": "returns-and-exchanges",
    "営業日": "delivery-time",
    "受注生産": "delivery-time",
    "サイズ直し": "after-sales-service",
    "クレジットカード": "payment-methods",
    "ギフトラッピング": "gift-wrapping",
    "領収書": "receipts",
    "メールアドレス": "order-emails",
}
ENGLISH = {
    "shipping": "shipping-cost",
    "refund": "returns-and-exchanges",
    "return": "returns-and-exchanges",
    "PayPal": "payment-methods",
    "resizing": "after-sales-service",
    "receipt": "receipts",
    "gift wrap": "gift-wrapping",
    "spam": "order-emails",
}


# --- A host that allows WebAssembly ----------------------------------------------------------

class _Handler(http.server.SimpleHTTPRequestHandler):
    prefix = "/"
    extensions_map: ClassVar[dict[str, str]] = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".html": "text/html; charset=utf-8", ".js": "text/javascript",
        ".css": "text/css", ".json": "application/json", ".svg": "image/svg+xml"}

    def translate_path(self, path: str) -> str:
        address = path.split("?", 1)[0].split("#", 1)[0]
        return super().translate_path("/" + address[len(self.prefix):])

    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", WASM_CSP)  # on every response
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@dataclass
class Host:
    origin: str
    prefix: str

    def url(self, relative: str = "") -> str:
        return self.origin + self.prefix + relative


def _host(folder: Path, prefix: str) -> Iterator[Host]:
    handler = type("Handler", (_Handler,), {"prefix": prefix})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Host(f"http://127.0.0.1:{server.server_address[1]}", prefix)
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture(scope="module")
def wasm_host(root_site) -> Iterator[Host]:
    """The real site, served with the recommended policy (WebAssembly allowed)."""
    yield from _host(root_site.folder, "/")


@pytest.fixture(scope="module")
def wasm_subpath_host(subpath_site) -> Iterator[Host]:
    """The real site built for /helpcenter/, served there with the recommended policy."""
    yield from _host(subpath_site.folder, "/helpcenter/")


def search(open_page, host: Host, lang: str, query: str, **context: Any):
    """Open the search page of a language with a query; wait for the answer."""
    visit = open_page(host.url(f"{lang}/search/?q={quote(query)}"), **context)
    visit.page.wait_for_function(SETTLED, timeout=15_000)
    return visit


def results(visit) -> list[dict]:
    return visit.page.evaluate(RESULTS)


def state(visit) -> str:
    return visit.page.evaluate("() => document.querySelector('[data-search]').dataset.state")


# --- Finding the right answer ------------------------------------------------------------------

@pytest.mark.parametrize(("query", "slug"), JAPANESE.items(), ids=list(JAPANESE))
def test_a_japanese_query_finds_the_right_entry_first(open_page, wasm_host, query: str,
                                                      slug: str) -> None:
    visit = search(open_page, wasm_host, "ja", query)
    found = results(visit)
    assert found, f"no result for {query}: {visit.page.inner_text('main')}"
    assert found[0]["href"] == f"/ja/{slug}/", [r["href"] for r in found]
    assert all(r["href"].startswith("/ja/") for r in found)
    assert found[0]["marks"], f"nothing marked in the excerpt for {query}"
    assert visit.page.locator("[data-search-status]").inner_text() == \
        f"「{query}」の検索結果：{len(found)}件"
    assert visit.problems() == []


@pytest.mark.parametrize(("query", "slug"), ENGLISH.items(), ids=list(ENGLISH))
def test_an_english_query_finds_the_right_entry_first(open_page, wasm_host, query: str,
                                                      slug: str) -> None:
    visit = search(open_page, wasm_host, "en", query)
    found = results(visit)
    assert found, f"no result for {query}: {visit.page.inner_text('main')}"
    assert found[0]["href"] == f"/en/{slug}/", [r["href"] for r in found]
    assert all(r["href"].startswith("/en/") for r in found)
    count = len(found)
    noun = "answer" if count == 1 else "answers"
    assert visit.page.locator("[data-search-status]").inner_text() == \
        f"{count} {noun} for “{query}”"
    assert visit.problems() == []


def test_a_compound_kept_whole_by_the_browser_still_finds_every_page_that_has_it(
        open_page, wasm_host) -> None:
    """クレジットカード is one word to Intl.Segmenter, two (クレジット|カード) in the index."""
    found = {r["href"] for r in results(search(open_page, wasm_host, "ja", "クレジットカード"))}
    assert found == {"/ja/payment-methods/", "/ja/overseas-orders/"}


def test_an_honorific_compound_finds_every_page_that_has_it(open_page, wasm_host) -> None:
    """お支払い is one word to Intl.Segmenter, お|支払い in the index."""
    found = [r["href"] for r in results(search(open_page, wasm_host, "ja", "お支払い"))]
    assert found[0] == "/ja/payment-methods/"
    assert set(found) == {"/ja/payment-methods/", "/ja/gift-wrapping/", "/ja/receipts/",
                          "/ja/delivery-time/", "/ja/overseas-orders/"}


def test_a_compound_finds_only_the_pages_that_have_all_of_it(open_page, wasm_host) -> None:
    """メールアドレス: not every page about メール; 国内: not every page with 国 in it."""
    for query, slug in (("メールアドレス", "order-emails"), ("国内", "shipping-cost")):
        found = [r["href"] for r in results(search(open_page, wasm_host, "ja", query))]
        assert found == [f"/ja/{slug}/"], (query, found)


# Every word the browser finds in an answer, alone and with the next one (compounds as a
# customer types them: 受注生産, 営業日), searched as the page searches it.
SEARCH_EVERY_WORD = """async (slugs) => {
  const pagefind = await import('/pagefind/pagefind.js');
  // search-query.js is imported by the page's search script, under its hashed name
  const script = document.querySelector('script[src*="/assets/search."]').src;
  const query = (await (await fetch(script)).text()).match(/search-query[.][0-9a-f]+[.]js/)[0];
  const { alignWithIndex } = await import(new URL(query, script).href);
  const words = new Set((await (await fetch('/pagefind/words.json')).json()).ja);
  const segmenter = new Intl.Segmenter('ja', { granularity: 'word' });
  const content = /[\\p{Script=Han}\\p{Script=Katakana}]/u;
  const fragment = /^[ァィゥェォャュョッー]/;  // the browser's pieces of a longer word
  const missed = [];
  let searched = 0;
  for (const path of slugs.map((slug) => `/ja/${slug}/`)) {
    const doc = new DOMParser().parseFromString(await (await fetch(path)).text(), 'text/html');
    const text = doc.querySelector('[data-pagefind-body]').textContent;
    const list = [...segmenter.segment(text)].filter((s) => s.isWordLike).map((s) => s.segment);
    const queries = new Set(list.filter((w) => w.length > 1 && content.test(w)));
    list.slice(1).forEach((w, i) => { if (content.test(list[i]) && content.test(w)) queries.add(list[i] + w); });
    for (const query of queries) {
      if (fragment.test(query)) continue;
      searched += 1;
      const found = await pagefind.search(alignWithIndex(query, words, 'ja'));
      const urls = await Promise.all(found.results.map(async (r) => (await r.data()).url));
      if (!urls.includes(path)) missed.push(`${query} (${path})`);
    }
  }
  return { searched, missed };
}"""


def test_every_word_of_every_japanese_answer_finds_its_entry(open_page, wasm_host) -> None:
    visit = open_page(wasm_host.url("ja/search/"))
    slugs = sorted(p.stem for p in (Path(__file__).parents[2] / "content" / "ja").glob("*.md"))
    outcome = visit.page.evaluate(SEARCH_EVERY_WORD, slugs)
    assert outcome["searched"] > 300
    assert outcome["missed"] == []


def test_a_query_word_is_split_only_into_words_the_index_has(open_page, wasm_host) -> None:
    visit = open_page(wasm_host.url("ja/search/"))
    aligned = visit.page.evaluate("""async (queries) => {
      // search-query.js is imported by the page's search script, under its hashed name
      const script = document.querySelector('script[src*="/assets/search."]').src;
      const query = (await (await fetch(script)).text()).match(/search-query[.][0-9a-f]+[.]js/)[0];
      const { alignWithIndex } = await import(new URL(query, script).href);
      const words = new Set((await (await fetch('/pagefind/words.json')).json()).ja);
      return queries.map((q) => alignWithIndex(q, words, 'ja'));
    }""", ["クレジットカード", "お支払い方法", "送料", "お知らせ", "ダイヤモンド", "PayPal"])
    assert aligned == ["クレジット カード", "お 支払い 方法", "送料",
                       "お知らせ",  # お|知ら|せ: the browser would split 知ら again
                       "ダイヤモンド",  # no page has it: left for Pagefind as typed
                       "PayPal"]


def test_each_language_searches_only_its_own_answers(open_page, wasm_host) -> None:
    for lang in ("ja", "en"):
        found = results(search(open_page, wasm_host, lang, "PayPal"))
        assert [r["href"] for r in found][:1] == [f"/{lang}/payment-methods/"]
        assert all(r["href"].startswith(f"/{lang}/") for r in found)


def test_titles_link_to_the_answer_and_excerpts_mark_the_words_as_elements(
        open_page, wasm_host) -> None:
    visit = search(open_page, wasm_host, "ja", "送料")
    first = results(visit)[0]
    assert first["title"] == "送料はいくらですか？"
    assert "全国一律1,000円" in first["excerpt"]
    assert first["marks"] and set(first["marks"]) == {"送料"}
    assert set(first["elements"]) == {"mark"}
    visit.page.get_by_role("link", name="送料はいくらですか？").click()
    visit.page.wait_for_url(wasm_host.url("ja/shipping-cost/"))
    assert visit.page.locator("h1").inner_text() == "送料はいくらですか？"


@pytest.mark.parametrize(("lang", "sorry"), [
    ("ja", "申し訳ございません。「xyzzy」に当てはまる回答は見つかりませんでした。"),
    ("en", "Sorry, we found no answer for “xyzzy”."),
])
def test_a_query_that_matches_nothing_says_so_kindly_and_offers_the_contact_address(
        open_page, wasm_host, lang: str, sorry: str) -> None:
    visit = search(open_page, wasm_host, lang, "xyzzy")
    page = visit.page
    assert state(visit) == "empty" and results(visit) == []
    assert page.locator("[data-search-status]").inner_text() == sorry
    empty = page.locator("[data-search-empty]")
    assert empty.is_visible()
    assert empty.locator(f'a[href="{CONTACT}"]').inner_text() == "support@milamore.example"
    assert empty.locator(f'a[href="/{lang}/"]').count() == 1
    assert page.locator("[data-search-error]").is_hidden()
    assert visit.problems() == []


# --- Using it --------------------------------------------------------------------------------

def test_the_header_search_box_takes_a_customer_from_any_page_to_the_answer(
        open_page, wasm_host) -> None:
    visit = open_page(wasm_host.url("en/shipping-cost/"))
    page = visit.page
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # the brand
    page.keyboard.press("Tab")  # the other language (日本語)
    page.keyboard.press("Tab")
    box = page.get_by_label("Search the help center")
    assert box.evaluate("(input) => input === document.activeElement")
    page.keyboard.type("receipt")
    page.keyboard.press("Enter")
    page.wait_for_url(wasm_host.url("en/search/?q=receipt"))
    page.wait_for_function(SETTLED)
    assert page.get_by_label("What are you looking for?").input_value() == "receipt"
    page.get_by_role("link", name="Can I get a receipt?").click()
    page.wait_for_url(wasm_host.url("en/receipts/"))
    assert visit.problems() == []


def test_searching_again_updates_the_results_and_the_address_and_back_goes_back(
        open_page, wasm_host) -> None:
    visit = search(open_page, wasm_host, "ja", "送料")
    page = visit.page
    page.get_by_label("どのようなことをお調べですか？").fill("領収書")
    page.get_by_label("どのようなことをお調べですか？").press("Enter")
    page.wait_for_function("() => document.querySelector('[data-search-status]')"
                           ".textContent.includes('領収書')")
    assert urlsplit(page.url).query == "q=" + quote("領収書")
    assert results(visit)[0]["href"] == "/ja/receipts/"
    page.go_back()
    page.wait_for_function("() => document.querySelector('[data-search-status]')"
                           ".textContent.includes('送料')")
    assert page.get_by_label("どのようなことをお調べですか？").input_value() == "送料"
    assert results(visit)[0]["href"] == "/ja/shipping-cost/"
    assert visit.problems() == []


def test_an_empty_search_page_suggests_words_and_loads_no_index(open_page, wasm_host) -> None:
    visit = open_page(wasm_host.url("ja/search/"))
    requests: list[str] = []
    visit.page.on("request", lambda request: requests.append(request.url))
    assert visit.page.locator("[data-search-hint]").is_visible()
    assert "「送料」" in visit.page.locator("[data-search-hint]").inner_text()
    visit.page.wait_for_timeout(200)
    assert not [url for url in requests if "/pagefind/" in url]
    assert visit.problems() == []


def test_without_javascript_the_search_box_still_leads_to_the_search_page(
        open_page, wasm_host) -> None:
    visit = open_page(wasm_host.url("ja/shipping-cost/"), java_script_enabled=False)
    page = visit.page
    page.get_by_label("ヘルプセンター内を検索").fill("送料")
    page.get_by_label("ヘルプセンター内を検索").press("Enter")
    page.wait_for_url(wasm_host.url("ja/search/?q=" + quote("送料")))
    notice = page.locator("noscript .notice")
    assert "JavaScript" in notice.inner_text()
    assert notice.locator('a[href="/ja/"]').count() == 1
    assert notice.locator(f'a[href="{CONTACT}"]').count() == 1


def test_under_a_sub_path_results_link_into_the_sub_path(open_page, wasm_subpath_host,
                                                         fetch) -> None:
    visit = search(open_page, wasm_subpath_host, "en", "PayPal")
    first = results(visit)[0]
    assert first["href"] == "/helpcenter/en/payment-methods/"
    assert fetch(wasm_subpath_host.origin + first["href"]).status == 200
    assert visit.problems() == []


# --- Content-Security-Policy -------------------------------------------------------------------

def test_under_default_src_self_the_page_loads_cleanly_and_a_query_says_search_is_unavailable(
        open_page, root_site, fetch) -> None:
    """What happens without 'wasm-unsafe-eval': the exact failure, and what the customer sees."""
    assert fetch(root_site.page_url("ja/search/index.html")).headers[
        "content-security-policy"] == "default-src 'self'"
    visit = open_page(root_site.page_url("ja/search/index.html"))
    assert visit.problems() == []

    visit.goto(root_site.page_url("ja/search/index.html") + "?q=" + quote("送料"))
    visit.page.wait_for_function(SETTLED, timeout=15_000)
    assert state(visit) == "error" and results(visit) == []
    notice = visit.page.locator("[data-search-error]")
    assert "ただいま検索をご利用いただけません" in notice.inner_text()
    assert notice.locator('a[href="/ja/"]').count() == 1
    assert notice.locator(f'a[href="{CONTACT}"]').count() == 1
    refused = [e for e in visit.js_errors + visit.console_errors
               if "WebAssembly" in e and "'unsafe-eval' is not an allowed source of script" in e]
    assert refused, visit.problems()


def test_the_recommended_policy_lets_search_run_with_no_violation(open_page, wasm_host,
                                                                  fetch) -> None:
    for name in ("ja/search/", "pagefind/pagefind.js", "pagefind/pagefind-worker.js"):
        assert fetch(wasm_host.url(name)).headers["content-security-policy"] == WASM_CSP
    visit = search(open_page, wasm_host, "en", "shipping")
    assert state(visit) == "results"
    assert visit.problems() == []


# --- Safety ------------------------------------------------------------------------------------

MARKUP = ("Tom & Jerry's \"receipt\" `<img src=x onerror=\"document.title='pwned'\">` "
          "&lt;b&gt;bold&lt;/b&gt; 5 < 6 > 4")


@pytest.fixture(scope="module")
def markup_host(tmp_path_factory) -> Iterator[Host]:
    """The real site with an English answer that shows HTML as text, built and served."""
    from conftest import copy_site  # tests/conftest.py

    site = copy_site(tmp_path_factory.mktemp("search-markup") / "site")
    site.write("content/en/receipts.md", site.read("content/en/receipts.md") + f"\n{MARKUP}\n")
    assert site.build().code == 0
    yield from _host(site.out, "/")


def test_results_show_html_in_an_answer_as_text_never_as_markup(open_page, markup_host) -> None:
    visit = search(open_page, markup_host, "en", "Jerry")
    [found] = results(visit)
    assert "Tom & Jerry's \"receipt\" <img src=x onerror=\"document.title='pwned'\"> " \
           "<b>bold</b> 5 < 6 > 4" in found["excerpt"]
    assert found["elements"] == ["mark"] and found["marks"] == ["Jerry"]
    assert visit.page.locator("[data-search-list] img, [data-search-list] b").count() == 0
    assert visit.page.title() != "pwned"
    assert visit.problems() == []


# --- As you type (issue 13) ----------------------------------------------------------------------

# Records, in the page, when each character was typed and when the results last changed.
WATCH_TYPING = """() => {
  window.__typing = { keys: [], changes: [] };
  document.addEventListener('input', () => window.__typing.keys.push(performance.now()), true);
  const root = document.querySelector('[data-search]');
  new MutationObserver(() => window.__typing.changes.push(performance.now()))
    .observe(root, { childList: true, subtree: true, characterData: true, attributes: true });
}"""


def type_slowly(page, text: str) -> None:
    for character in text:
        page.keyboard.type(character)
        page.wait_for_timeout(150)  # a customer's pace: each key gets its own search


def first_result_is(slug: str) -> str:
    return ("() => document.querySelector('[data-search-list] > li a')?.getAttribute('href')"
            f" === '{slug}'")


def test_the_index_is_fetched_when_the_box_gets_focus(open_page, wasm_host) -> None:
    visit = open_page(wasm_host.url("ja/search/"))
    requests: list[str] = []
    visit.page.on("request", lambda request: requests.append(urlsplit(request.url).path))
    visit.page.wait_for_timeout(200)
    assert not [path for path in requests if "/pagefind/" in path]
    visit.page.get_by_label("どのようなことをお調べですか？").focus()
    expected = {"/pagefind/pagefind.js", "/pagefind/readings.json", "/pagefind/synonyms.json",
                "/pagefind/words.json", "/pagefind/pagefind-entry.json"}
    for _ in range(150):  # up to 15 s
        if expected <= set(requests) and any(p.endswith(".pf_meta") for p in requests):
            break
        visit.page.wait_for_timeout(100)
    assert expected <= set(requests), requests
    assert any(p.endswith(".pf_meta") for p in requests), requests
    assert visit.problems() == []


@pytest.mark.parametrize(("lang", "typed", "slug"), [
    ("ja", "へんぴん", "returns-and-exchanges"),
    ("ja", "りょうしゅうしょ", "receipts"),
    ("ja", "ダイナース", "payment-methods"),
    ("en", "shipping", "shipping-cost"),
])
def test_results_come_as_the_customer_types_without_enter(open_page, wasm_host, lang: str,
                                                          typed: str, slug: str,
                                                          record_property) -> None:
    visit = open_page(wasm_host.url(f"{lang}/search/"))
    page = visit.page
    page.locator("#search-q").focus()
    page.evaluate(WATCH_TYPING)
    type_slowly(page, typed)
    page.wait_for_function(first_result_is(f"/{lang}/{slug}/"), timeout=15_000)
    assert urlsplit(page.url).query == "q=" + quote(typed)  # the address follows the box
    # Measured, not asserted (the machine is shared): from the last key to the last change.
    timing = page.evaluate("() => window.__typing")
    after_last_key = [t - timing["keys"][-1] for t in timing["changes"] if t > timing["keys"][-1]]
    record_property("ms_from_last_key_to_results", round(max(after_last_key)))
    print(f"\n{typed}: results {max(after_last_key):.0f} ms after the last key")
    assert visit.problems() == []


def test_a_word_still_being_typed_already_finds_its_answer(open_page, wasm_host) -> None:
    visit = open_page(wasm_host.url("ja/search/"))
    visit.page.locator("#search-q").focus()
    type_slowly(visit.page, "へんぴ")
    visit.page.wait_for_function(first_result_is("/ja/returns-and-exchanges/"), timeout=15_000)


def test_a_single_kana_shows_the_hint_not_every_page(open_page, wasm_host) -> None:
    visit = open_page(wasm_host.url("ja/search/"))
    visit.page.locator("#search-q").focus()
    type_slowly(visit.page, "へ")
    visit.page.wait_for_timeout(500)
    assert results(visit) == []
    assert visit.page.locator("[data-search-hint]").is_visible()


# --- Kana, width and the shop's synonyms -------------------------------------------------------

@pytest.mark.parametrize(("query", "slug"), [
    ("へんぴん", "returns-and-exchanges"), ("そうりょう", "shipping-cost"),
    ("はっそう", "delivery-time"), ("ｿｳﾘｮｳ", "shipping-cost"), ("メ－ル", "order-emails"),
    ("アメックス", "payment-methods"), ("ﾍﾟｲﾊﾟﾙ", "payment-methods"),
])
def test_kana_and_the_names_customers_use_find_the_answer_first(open_page, wasm_host,
                                                                query: str, slug: str) -> None:
    visit = search(open_page, wasm_host, "ja", query)
    found = results(visit)
    assert found and found[0]["href"] == f"/ja/{slug}/", [r["href"] for r in found]
    assert found[0]["marks"], found[0]  # the kanji word found is marked in the excerpt


@pytest.mark.parametrize(("lang", "query"), [("ja", "へ"), ("ja", "の"), ("ja", "を"),
                                             ("ja", "ア"), ("en", "a")])
def test_a_particle_or_a_single_kana_finds_nothing(open_page, wasm_host, lang: str,
                                                   query: str) -> None:
    visit = search(open_page, wasm_host, lang, query)
    assert state(visit) == "empty" and results(visit) == []


# --- No answer: say so, offer the contact ------------------------------------------------------

@pytest.mark.parametrize(("lang", "query"), [("ja", "関税"), ("en", "customs"),
                                             ("ja", "ポイント"), ("en", "coupon")])
def test_a_question_the_help_center_does_not_answer_gets_the_contact_not_a_page(
        open_page, wasm_host, lang: str, query: str) -> None:
    visit = search(open_page, wasm_host, lang, query)
    assert state(visit) == "empty" and results(visit) == []
    empty = visit.page.locator("[data-search-empty]")
    assert empty.is_visible()
    assert empty.locator(f'a[href="{CONTACT}"]').is_visible()
    assert visit.problems() == []


@pytest.mark.parametrize(("lang", "query", "mentions"), [
    ("ja", "キャンセル", "このことに触れているページ："),
    ("en", "cancel", "These pages mention it:"),
])
def test_a_topic_only_mentioned_in_passing_offers_the_contact_before_the_mentions(
        open_page, wasm_host, lang: str, query: str, mentions: str) -> None:
    """キャンセル / cancel: the e-mail page's disclaimer mentions it; no page answers it."""
    visit = search(open_page, wasm_host, lang, query)
    page = visit.page
    assert state(visit) == "empty"
    order = page.evaluate("""() => [...document.querySelectorAll(
        '[data-search-status], [data-search-empty], [data-search-mentions], [data-search-list] a')]
        .filter((e) => e.offsetParent !== null).map((e) => e.dataset.searchStatus !== undefined
        ? 'status' : e.dataset.searchEmpty !== undefined ? 'contact'
        : e.dataset.searchMentions !== undefined ? e.textContent : e.getAttribute('href'))""")
    assert order == ["status", "contact", mentions, f"/{lang}/order-emails/"]
    assert page.locator("[data-search-empty]").locator(f'a[href="{CONTACT}"]').is_visible()


def test_an_excerpt_starts_at_the_start_of_a_sentence(open_page, wasm_host) -> None:
    """Not "much is shipping?": the answer's sentence that has the word, from its start."""
    first = results(search(open_page, wasm_host, "en", "shipping"))[0]
    assert first["excerpt"].startswith("Shipping to any address in Japan")
    first = results(search(open_page, wasm_host, "ja", "はっそう"))[0]
    assert first["excerpt"].startswith("在庫のある商品は、")
