// What a customer's query means, before and after Pagefind: pure functions, no DOM, so that
// Node runs the same code as the browser (tests/test_search_query.py).
//
// A query becomes a list of terms; each term is the words of the answers that can stand for
// what was typed (its alternatives): 「へんぴん」 -> [返品] from the readings the build wrote with
// Sudachi (pagefind/readings.json), 「ダイナース」 -> [Diners Club] from the editors' synonym list
// (content/synonyms.yaml -> pagefind/synonyms.json). A page answers the query only if its text
// has, for every term, one of the term's words: a page that Pagefind found on a fragment (a
// particle, one kanji of a compound, the start of another word) is not an answer.

const LONG_VOWEL_LOOKALIKES = /(?<=[\u3041-\u3096\u30a1-\u30fa\u30fc])[-‐‑–—―−~〜～]/g;
const KANA = /^[\u3041-\u3096\u30fc]+$/;
const SHORTEST_WORD = 2; // no single kana or letter is a word on its own
const MOST_PREFIX_READINGS = 8;
const CANDIDATES = 20; // pages Pagefind ranks highest, checked for the words of the query
const MOST_WORDS_PER_TERM = 8;
const ENGLISH_STOPWORDS = new Set(
  "a an and are can do does for how i in is it me my of on or the to what when where which who why will with you your".split(
    " ",
  ),
);

/** NFKC (half-width kana, full-width letters), lower case, katakana as hiragana, ー for a dash after kana. */
export function normalise(text) {
  return text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[\u30a1-\u30f6]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0x60))
    .replace(LONG_VOWEL_LOOKALIKES, "ー")
    .replace(/\s+/g, " ")
    .trim();
}

/** The readings that start with a partly typed word, shortest first (as you type). */
function readingsStartingWith(prefix, readings) {
  return Object.keys(readings)
    .filter((reading) => reading.startsWith(prefix))
    .sort((a, b) => a.length - b.length || (a < b ? -1 : 1))
    .slice(0, MOST_PREFIX_READINGS);
}

/**
 * A run of kana as the readings it is made of, longest first from the left: 「へんぴんしたい」 ->
 * [返品]. Kana that are no reading (particles, endings) are skipped. The last part may be a word
 * still being typed (「へんぴ」): it stands for every word whose reading starts with it.
 */
function kanaTerms(kana, readings, typing) {
  const terms = [];
  for (let start = 0; start < kana.length; ) {
    let end = kana.length;
    while (end - start >= SHORTEST_WORD && !readings[kana.slice(start, end)]) end -= 1;
    if (end - start >= SHORTEST_WORD) {
      terms.push({ typed: kana.slice(start, end), words: readings[kana.slice(start, end)] });
      start = end;
      continue;
    }
    const rest = kana.slice(start);
    const prefixes = typing && rest.length >= SHORTEST_WORD ? readingsStartingWith(rest, readings) : [];
    if (prefixes.length) {
      const words = [...new Set(prefixes.flatMap((reading) => readings[reading]))];
      terms.push({ typed: rest, words });
      break;
    }
    start += 1;
  }
  return terms;
}

function segments(text, lang) {
  if (typeof Intl.Segmenter === "undefined") return text.split(" ");
  return [...new Intl.Segmenter(lang, { granularity: "word" }).segment(text)]
    .filter((s) => s.isWordLike)
    .map((s) => s.segment);
}

/**
 * The terms of a query. `lexicon` = {readings, synonyms, unanswered} of the page's language;
 * `typing` is true while the customer is still typing (the last word may be incomplete).
 */
export function queryTerms(query, lexicon, lang, typing = false) {
  const normal = normalise(query);
  const synonyms = lexicon.synonyms || {};
  if (synonyms[normal]) return [{ typed: query.trim(), words: synonyms[normal], synonym: true }];
  const terms = [];
  for (const token of normal.split(" ").filter(Boolean)) {
    if (synonyms[token]) {
      terms.push({ typed: token, words: synonyms[token], synonym: true });
    } else if (KANA.test(token)) {
      terms.push(...kanaTerms(token, lexicon.readings || {}, typing));
    } else {
      for (const word of segments(token, lang)) {
        if (synonyms[word]) terms.push({ typed: word, words: synonyms[word], synonym: true });
        else if (KANA.test(word)) terms.push(...kanaTerms(word, lexicon.readings || {}, typing));
        else if (isWord(word, lang)) terms.push({ typed: word, words: [original(query, word)] });
      }
    }
  }
  return terms;
}

function isWord(word, lang) {
  if (lang === "en" && ENGLISH_STOPWORDS.has(word)) return false;
  return Array.from(word).length >= SHORTEST_WORD || /[\u3400-\u9fff]/.test(word);
}

/** A normalised word as the customer typed it, when it is there (katakana, capitals). */
function original(query, word) {
  const typed = query.normalize("NFKC");
  const at = typed.toLowerCase().indexOf(word);
  return at >= 0 ? typed.slice(at, at + word.length) : word;
}

/** Whether the query names a topic the shop's editors say the help center has no answer for. */
export function isUnanswered(query, lexicon) {
  const normal = normalise(query);
  return (lexicon.unanswered || []).some((topic) => normal.includes(topic));
}

/** English word forms: "returns", "shipping", "cancelled" are found by "return", "ship", "cancel". */
function stem(word) {
  return word.replace(/(?:ations?|ing|ed|es|s)$/, "") || word;
}

/** Where `word` occurs in normalised `text`: English at the start of a word, other words anywhere. */
function occurs(word, text) {
  const needle = normalise(word);
  if (!/^[a-z0-9 .'-]+$/.test(needle)) return text.includes(needle);
  const escaped = stem(needle).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`(?:^|[^a-z0-9])${escaped}`).test(text);
}

/** Whether a page (title and text) has one of the words of every term. */
export function answers(page, terms) {
  const text = normalise(`${page.title} ${page.content}`);
  return terms.length > 0 && terms.every((term) => term.words.some((word) => occurs(word, text)));
}

/** Whether a page's title has one of a term's words: such a page is listed first. */
export function titleAnswers(page, terms) {
  const title = normalise(page.title);
  return terms.some((term) => term.words.some((word) => occurs(word, title)));
}

/** The answer's sentences, from the first that has a word of the query; never mid-sentence. */
export function excerptText(page, terms, longest = 120) {
  let content = page.content.replace(/\u200b/g, "").trim();
  if (content.startsWith(page.title)) content = content.slice(page.title.length).trim();
  // Pagefind ends a block (a list item, a heading) that has no full stop with ". ": in
  // Japanese that is the end of an item, shown as an ideographic space, not as a full stop.
  const sentences = content
    .replace(/(?<=[^\x00-\x7f])\. /g, "\u3000")
    .split(/(?<=[。！？!?\u3000])|(?<=\.)\s+/)
    .map((s) => s.replace(/^[ \t\n]+|[ \t\n]+$/g, ""))
    .filter((s) => s.trim());
  let first = sentences.findIndex((s) => terms.some((t) => t.words.some((w) => occurs(w, normalise(s)))));
  if (first < 0) first = 0;
  let excerpt = "";
  for (const sentence of sentences.slice(first)) {
    if (excerpt && excerpt.length + sentence.length > longest) break;
    excerpt += (!excerpt || /[。！？\u3000]$/.test(excerpt) ? "" : " ") + sentence;
  }
  excerpt = excerpt.replace(/\u3000$/, "");
  return excerpt.length > longest ? `${excerpt.slice(0, longest - 1)}…` : excerpt;
}

/** The excerpt as [text, marked] parts, marking each word of the query where it occurs. */
export function markedParts(excerpt, terms) {
  const words = [...new Set(terms.flatMap((t) => t.words))].filter((w) => !/\s/.test(w));
  if (!words.length) return [[excerpt, false]];
  const pattern = words
    .sort((a, b) => b.length - a.length)
    .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join("|");
  return excerpt
    .split(new RegExp(`(${pattern})`, "i"))
    .filter(Boolean)
    .map((part) => [part, words.some((w) => w.toLowerCase() === part.toLowerCase())]);
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

/** Pagefind's results for any of a term's words: {page id: result}, the best score kept. */
async function termResults(search, term, lang) {
  const found = new Map();
  for (const word of term.words.slice(0, MOST_WORDS_PER_TERM)) {
    const { results } = await search.pagefind.search(alignWithIndex(word, search.words, lang));
    for (const result of results) {
      if ((found.get(result.id)?.score ?? -1) < result.score) found.set(result.id, result);
    }
  }
  return found;
}

/** The pages that have a word of every term, titles with a word of the query first. */
export async function findAnswers(search, query, lang, typing = false) {
  const terms = queryTerms(query, search.lexicon, lang, typing);
  if (!terms.length) return { terms, pages: [] };
  let scores = null;
  for (const term of terms) {
    const found = await termResults(search, term, lang);
    scores = scores === null
      ? new Map([...found].map(([id, r]) => [id, { result: r, score: r.score }]))
      : new Map([...scores].filter(([id]) => found.has(id))
        .map(([id, s]) => [id, { result: s.result, score: s.score + found.get(id).score }]));
  }
  const ranked = [...scores.values()].sort((a, b) => b.score - a.score).slice(0, CANDIDATES);
  const data = await Promise.all(ranked.map(({ result }) => result.data()));
  const pages = data
    .map((d, i) => ({ url: d.url, title: d.meta?.title || d.url, content: d.content || "", score: ranked[i].score }))
    .filter((page) => answers(page, terms));
  pages.sort((a, b) => Number(titleAnswers(b, terms)) - Number(titleAnswers(a, terms)) || b.score - a.score);
  return { terms, pages };
}

