// The search page, /<lang>/search/?q=…: runs Pagefind's JS API over the index of the page's
// language (pagefind.js picks it from <html lang>) and lists the answers found, each title
// linked, with an excerpt. Every text from the query or the index is written with DOM nodes
// and textContent, never innerHTML. Without JavaScript the search form still submits here,
// and the page says that search needs JavaScript.
//
// Content-Security-Policy. Pagefind searches in WebAssembly, which `default-src 'self'`
// forbids. The page itself loads cleanly under that policy, because pagefind.js is only
// imported once there is a query; running a query needs WebAssembly allowed:
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
const EXCERPT_WORDS = 30;

let loading = null;

/** pagefind.js and the index's words, loaded on the first query only (retried after a failure). */
function loadSearch(bundle) {
  loading ??= Promise.all([import(`${bundle}pagefind.js`), loadWords(bundle)])
    .then(async ([pagefind, words]) => {
      await pagefind.options({ excerptLength: EXCERPT_WORDS });
      await pagefind.init();
      return { pagefind, words };
    })
    .catch((error) => {
      loading = null;
      throw error;
    });
  return loading;
}

/** The words of this language's index, if Pagefind segmented it (an empty set otherwise). */
async function loadWords(bundle) {
  const response = await fetch(`${bundle}words.json`);
  const words = response.ok ? await response.json() : {};
  return new Set(words[document.documentElement.lang] || []);
}

/** The query with each word the index lacks split into index words, when that is possible. */
export function alignWithIndex(query, words, lang) {
  if (!words.size || typeof Intl.Segmenter === "undefined") return query;
  const segmenter = new Intl.Segmenter(lang, { granularity: "word" });
  return [...segmenter.segment(query)]
    .map(({ segment, isWordLike }) =>
      isWordLike && !words.has(segment) ? ` ${splitWord(segment, words, segmenter)} ` : segment,
    )
    .join("")
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * "クレジットカード" -> "クレジット カード", taking the longest index word each time. Pagefind
 * segments the query again, so a split is only kept if the browser reads each part as one word.
 */
function splitWord(word, words, segmenter) {
  const characters = Array.from(word);
  const parts = [];
  for (let start = 0; start < characters.length; ) {
    let end = characters.length;
    while (end > start && !words.has(characters.slice(start, end).join(""))) end -= 1;
    if (end === start) return word; // a part no page has: Pagefind gets the word as typed
    parts.push(characters.slice(start, end).join(""));
    start = end;
  }
  const stable = parts.every((part) => [...segmenter.segment(part)].length === 1);
  return stable ? parts.join(" ") : word;
}

/** Pagefind escapes only "<" and ">" of the page's text in an excerpt (pagefind.js 1.5). */
function unescapeExcerpt(text) {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">");
}

/** Pagefind's excerpt is escaped text with <mark> around the words found: rebuilt as nodes. */
function excerptNodes(excerpt) {
  const nodes = [];
  let marked = false;
  for (const part of excerpt.split(/(<\/?mark>)/)) {
    if (part === "<mark>" || part === "</mark>") {
      marked = part === "<mark>";
    } else if (part) {
      const text = document.createTextNode(unescapeExcerpt(part));
      const previous = nodes.at(-1);
      if (marked && previous?.localName === "mark") {
        previous.append(text); // クレジット|カード: one word to the reader, one mark
      } else if (marked) {
        const mark = document.createElement("mark");
        mark.append(text);
        nodes.push(mark);
      } else {
        nodes.push(text);
      }
    }
  }
  return nodes;
}

function resultItem(data) {
  const item = document.createElement("li");
  const heading = document.createElement("h2");
  const link = document.createElement("a");
  link.href = data.url;
  link.textContent = data.meta?.title || data.url;
  heading.append(link);
  const excerpt = document.createElement("p");
  excerpt.append(...excerptNodes(data.excerpt || ""));
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
    error: root.querySelector("[data-search-error]"),
  };
  let latest = 0;

  function show({ status = "", items = [], hint = false, empty = false, error = false }) {
    parts.status.textContent = status;
    parts.list.replaceChildren(...items);
    parts.hint.hidden = !hint;
    parts.empty.hidden = !empty;
    parts.error.hidden = !error;
    root.dataset.state = error ? "error" : empty ? "empty" : items.length ? "results" : "idle";
  }

  async function run(query) {
    const mine = ++latest;
    if (!query) return show({ hint: true });
    parts.status.textContent = gettext("Searching…");
    root.dataset.state = "searching";
    try {
      const { pagefind, words } = await loadSearch(root.dataset.bundle);
      const found = await pagefind.search(alignWithIndex(query, words, document.documentElement.lang));
      const data = await Promise.all(found.results.slice(0, MAX_RESULTS).map((r) => r.data()));
      if (mine !== latest) return;
      if (!data.length) {
        return show({ status: fill(gettext("Sorry, we found no answer for “%(query)s”."), { query }), empty: true });
      }
      const count = found.results.length;
      const status = fill(
        ngettext("%(count)s answer for “%(query)s”", "%(count)s answers for “%(query)s”", count),
        { count, query },
      );
      show({ status, items: data.map(resultItem) });
    } catch (error) {
      if (mine !== latest) return;
      show({ error: true });
      console.warn("Search is not available:", error);
    }
  }

  function queryInAddress() {
    return (new URLSearchParams(location.search).get("q") || "").trim();
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const query = input.value.trim();
    const address = new URL(location.href);
    address.searchParams.set("q", query);
    history.pushState(null, "", address);
    run(query);
  });
  window.addEventListener("popstate", () => {
    input.value = queryInAddress();
    run(input.value);
  });

  input.value = queryInAddress();
  run(input.value);
}

const root = document.querySelector("[data-search]");
if (root) searchPage(root);
