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
// After kana that are no word (a particle, an ending), a word of two kana is more often part
// of what was skipped than a word: 「ください」 is not く + だ + さい (際).
const SHORTEST_AFTER_SKIPPED = 3;
const MOST_PREFIX_READINGS = 8;
const CANDIDATES = 20; // pages Pagefind ranks highest, checked for the words of the query
const MOST_WORDS_PER_TERM = 8;
const MOST_PARTS = 4;
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
  return Object.keys({ ...readings.words, ...readings.forms })
    .filter((reading) => reading.startsWith(prefix))
    .sort((a, b) => a.length - b.length || (a < b ? -1 : 1))
    .slice(0, MOST_PREFIX_READINGS);
}

function known(kana, readings) {
  return Boolean(readings.words?.[kana] || readings.forms?.[kana]);
}

/** The words written with a reading (exact), and the other forms of the word it is the dictionary form of. */
function readingTerm(kana, readings) {
  const exact = readings.words?.[kana] || [];
  return { typed: kana, words: [...exact, ...(readings.forms?.[kana] || [])], exact };
}

/**
 * A run of kana as the readings it is made of, longest first from the left: 「へんぴんしたい」 ->
 * [返品]. Kana that are no reading (particles, endings) are skipped. The last part may be a word
 * still being typed (「へんぴ」): it stands for every word whose reading starts with it.
 */
function kanaTerms(kana, readings, typing) {
  const terms = [];
  let skipped = false;
  for (let start = 0; start < kana.length; ) {
    let end = kana.length;
    while (end - start >= SHORTEST_WORD && !known(kana.slice(start, end), readings)) end -= 1;
    if (end - start >= (skipped ? SHORTEST_AFTER_SKIPPED : SHORTEST_WORD)) {
      terms.push(readingTerm(kana.slice(start, end), readings));
      start = end;
      skipped = false;
      continue;
    }
    const rest = kana.slice(start);
    const shortest = skipped ? SHORTEST_AFTER_SKIPPED : SHORTEST_WORD;
    const prefixes = typing && rest.length >= shortest ? readingsStartingWith(rest, readings) : [];
    if (prefixes.length) {
      const words = [...new Set(prefixes.flatMap((reading) => readingTerm(reading, readings).words))];
      terms.push({ typed: rest, words, exact: words });
      break;
    }
    start += 1;
    skipped = true;
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
 * The terms of a query. `lexicon` = {readings, synonyms, unanswered, words (of the index)} of the page's language;
 * `typing` is true while the customer is still typing (the last word may be incomplete).
 */
export function queryTerms(query, lexicon, lang, typing = false) {
  const normal = normalise(query);
  const synonyms = lexicon.synonyms || {};
  if (synonyms[normal]) return [literal(query.trim(), synonyms[normal])];
  const terms = [];
  for (const token of normal.split(" ").filter(Boolean)) {
    if (synonyms[token]) {
      terms.push(literal(token, synonyms[token]));
    } else if (KANA.test(token)) {
      terms.push(...kanaTerms(token, lexicon.readings || {}, typing));
    } else {
      for (const word of segments(token, lang)) {
        if (synonyms[word]) terms.push(literal(word, synonyms[word]));
        else if (KANA.test(word)) terms.push(...kanaTerms(word, lexicon.readings || {}, typing));
        else if (isWord(word, lang, lexicon.words)) terms.push(literal(word, [original(query, word)]));
      }
    }
  }
  return terms;
}

function literal(typed, words) {
  return { typed, words, exact: words };
}

/** A word worth searching for: not an English stopword; one character only if the index has it as a word (税, not the 関 of 関する). */
function isWord(word, lang, indexWords) {
  if (lang === "en" && ENGLISH_STOPWORDS.has(word)) return false;
  return Array.from(word).length >= SHORTEST_WORD || Boolean(indexWords?.has(word) && /[\u3400-\u9fff]/.test(word));
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

/** Whether a page has, for every term, the very word typed (返品 for へんぴん): listed first. */
export function answersExactly(page, terms) {
  return answers(page, terms.map((term) => ({ ...term, words: term.exact })));
}

/** Whether a page's title has one of a term's words: listed next. */
export function titleAnswers(page, terms) {
  const title = normalise(page.title);
  return terms.some((term) => term.words.some((word) => occurs(word, title)));
}

/** The answer's sentences, from the first that has a word of the query; never mid-sentence. */
export function excerptText(page, terms) {
  let content = page.content.replace(/\u200b/g, "").trim();
  // about three lines on a phone: Japanese characters are twice as wide as Latin letters
  let longest = /[\u3040-\u9fff]/.test(content) ? 80 : 160;
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
  // a long sentence is cut after its first word of the query, not before it
  const firstWord = Math.max(0, ...terms.flatMap((t) => t.words.map((w) => endOf(w, sentences[first] || ""))));
  longest = Math.max(longest, firstWord + 30);
  let excerpt = "";
  for (const sentence of sentences.slice(first)) {
    if (excerpt && excerpt.length + sentence.length > longest) break;
    excerpt += (!excerpt || /[。！？\u3000]$/.test(excerpt) ? "" : " ") + sentence;
  }
  excerpt = excerpt.replace(/\u3000$/, "");
  return excerpt.length > longest ? `${excerpt.slice(0, longest - 1)}…` : excerpt;
}

function endOf(word, sentence) {
  const at = sentence.toLowerCase().indexOf(word.toLowerCase());
  return at < 0 ? 0 : at + word.length;
}

/** The excerpt as [text, marked] parts, marking each word of the query where it occurs. */
export function markedParts(excerpt, terms) {
  const words = [...new Set(terms.flatMap((t) => t.words))];
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

/**
 * Pagefind splits a query again with Intl.Segmenter, which cuts some words unlike the index
 * (基づき -> 基|づ|き, か月 -> か|月), so that no page has every part: each part is also
 * searched alone, and `answers` keeps only the pages that have the whole word.
 */
function parts(word, lang) {
  const found = segments(word, lang);
  return found.length > 1 ? found.slice(0, MOST_PARTS) : [];
}

/** Pagefind's results for any of a term's words: {page id: result}, the best score kept. */
async function termResults(search, term, lang) {
  const found = new Map();
  for (const word of term.words.slice(0, MOST_WORDS_PER_TERM)) {
    const queries = new Set([alignWithIndex(word, search.words, lang), ...parts(word, lang)]);
    for (const query of queries) {
      const { results } = await search.pagefind.search(query);
      for (const result of results) {
        if ((found.get(result.id)?.score ?? -1) < result.score) found.set(result.id, result);
      }
    }
  }
  return found;
}

/** The pages that have a word of every term: those with the very words typed first, then titles with one. */
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
  const rank = (page) => 2 * Number(answersExactly(page, terms)) + Number(titleAnswers(page, terms));
  pages.sort((a, b) => rank(b) - rank(a) || b.score - a.score);
  return { terms, pages };
}

