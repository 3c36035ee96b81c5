// The search page, /<lang>/search/?q=…: runs Pagefind's JS API over the index of the page's
// language (pagefind.js picks it from <html lang>) and lists the answers found, each title
// linked, with an excerpt from the start of a sentence. It searches as the customer types
// (after a pause of TYPING_PAUSE_MS), and loads what it needs when the box gets focus. What a
// query means (kana readings, synonyms, which pages really answer it) is search-query.js. Every text from the query or the index is written with DOM nodes
// and textContent, never innerHTML. Without JavaScript the search form still submits here,
// and the page says that search needs JavaScript.
//
// Content-Security-Policy. Pagefind searches in WebAssembly, which `default-src 'self'`
// forbids. The page itself loads cleanly under that policy, because pagefind.js is only
// imported once the box gets focus or there is a query; running a query needs WebAssembly:
//
//   Content-Security-Policy: default-src 'self'; script-src 'self' 'wasm-unsafe-eval'
//
// Send it with every file, pagefind-worker.js included: Pagefind compiles its WebAssembly
// in a worker, which follows the policy of its own script's response, not the page's.
// Under `default-src 'self'` the browser refuses to compile it (a CompileError, no
// securitypolicyviolation event); the page then says that search is not available and
// offers all questions and the contact address.
//
// Japanese. Pagefind's index splits Japanese into words with a dictionary at build time;
// the browser splits the query with Intl.Segmenter, which keeps some compounds whole that
// the index has in parts (クレジットカード, but クレジット|カード in the index; お支払い, but
// お|支払い). The build writes the index's words to words.json, and a query word the index
// does not have is split into index words (longest first) before Pagefind sees it.

import { fill, gettext, ngettext } from "./ui-strings.js";

const MAX_RESULTS = 10;
const TYPING_PAUSE_MS = 40; // a search per pause in typing, not per key

let loading = null;

/**
 * What a search needs, loaded once, when the box gets focus or there is a query (retried after
 * a failure): the query code (search-query.js), pagefind.js, the index's words and the lexicon.
 */
function loadSearch(bundle) {
  const lang = document.documentElement.lang;
  loading ??= Promise.all([
    import("./search-query.js"),
    import(`${bundle}pagefind.js`),
    loadJson(`${bundle}words.json`),
    loadJson(`${bundle}readings.json`),
    loadJson(`${bundle}synonyms.json`),
  ])
    .then(async ([query, pagefind, words, readings, synonyms]) => {
      await pagefind.init();
      const indexWords = new Set(words[lang] || []);
      const lexicon = { readings: readings[lang] || {}, words: indexWords, ...(synonyms[lang] || {}) };
      return { query, pagefind, words: indexWords, lexicon };
    })
    .catch((error) => {
      loading = null;
      throw error;
    });
  return loading;
}

/** A JSON file of the bundle ({} if it is missing: a language without readings or synonyms). */
async function loadJson(url) {
  const response = await fetch(url);
  return response.ok ? response.json() : {};
}

function resultItem({ excerptText, markedParts }, page, terms) {
  const item = document.createElement("li");
  const heading = document.createElement("h2");
  const link = document.createElement("a");
  link.href = page.url;
  link.textContent = page.title;
  heading.append(link);
  const excerpt = document.createElement("p");
  for (const [text, marked] of markedParts(excerptText(page, terms), terms)) {
    if (!marked) {
      excerpt.append(text);
      continue;
    }
    const mark = document.createElement("mark");
    mark.textContent = text;
    excerpt.append(mark);
  }
  item.append(heading, excerpt);
  return item;
}
function searchPage(root) {
  const form = document.querySelector("[data-search-form]");
  const input = form.querySelector('input[name="q"]');
  const parts = {
    hint: root.querySelector("[data-search-hint]"),
    status: root.querySelector("[data-search-status]"),
    list: root.querySelector("[data-search-list]"),
    empty: root.querySelector("[data-search-empty]"),
    mentions: root.querySelector("[data-search-mentions]"),
    error: root.querySelector("[data-search-error]"),
  };
  let latest = 0;

  function show({ status = "", items = [], hint = false, empty = false, error = false }) {
    parts.status.textContent = status;
    parts.list.replaceChildren(...items);
    parts.mentions.textContent = empty && items.length ? gettext("These pages mention it:") : "";
    parts.mentions.hidden = !parts.mentions.textContent;
    parts.hint.hidden = !hint;
    parts.empty.hidden = !empty;
    parts.error.hidden = !error;
    root.dataset.state = error ? "error" : empty ? "empty" : items.length ? "results" : "idle";
  }

  async function run(query, typing = false) {
    const mine = ++latest;
    if (!query) return show({ hint: true });
    if (!root.dataset.state || root.dataset.state === "idle") parts.status.textContent = gettext("Searching…");
    try {
      const search = await loadSearch(root.dataset.bundle);
      const lang = document.documentElement.lang;
      const { terms, pages } = await search.query.findAnswers(search, query, lang, typing);
      if (mine !== latest) return;
      const items = pages.slice(0, MAX_RESULTS).map((page) => resultItem(search.query, page, terms));
      if (typing && !terms.length && Array.from(query).length < 2) return show({ hint: true });
      if (!pages.length || search.query.isUnanswered(query, search.lexicon)) {
        // the pages that only mention it come after the offer to write to us, never as an answer
        const status = fill(gettext("Sorry, we found no answer for “%(query)s”."), { query });
        return show({ status, items, empty: true });
      }
      const count = pages.length;
      const status = fill(
        ngettext("%(count)s answer for “%(query)s”", "%(count)s answers for “%(query)s”", count),
        { count, query },
      );
      show({ status, items });
    } catch (error) {
      if (mine !== latest) return;
      show({ error: true });
      console.warn("Search is not available:", error);
    }
  }

  function queryInAddress() {
    return (new URLSearchParams(location.search).get("q") || "").trim();
  }

  // The query in the address: one history entry per search, however many keys it took, so
  // that Back returns to the search before.
  let typingEntry = false;
  function remember(query, typing) {
    if (query === queryInAddress()) return;
    const address = new URL(location.href);
    address.searchParams.set("q", query);
    if (typing && typingEntry) history.replaceState(null, "", address);
    else history.pushState(null, "", address);
    typingEntry = typing;
  }

  let pause = 0;
  input.addEventListener("focus", () => loadSearch(root.dataset.bundle).catch(() => {}), { once: true });
  input.addEventListener("input", () => {
    clearTimeout(pause);
    pause = setTimeout(() => {
      const query = input.value.trim();
      remember(query, true);
      run(query, true);
    }, TYPING_PAUSE_MS);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(pause);
    const query = input.value.trim();
    remember(query, false);
    typingEntry = false;
    run(query);
  });
  window.addEventListener("popstate", () => {
    typingEntry = false;
    input.value = queryInAddress();
    run(input.value);
  });

  input.value = queryInAddress();
  run(input.value);
}

const root = document.querySelector("[data-search]");
if (root) searchPage(root);
