// Usage: node run_search.mjs <site folder> <assets folder> <lang>, queries as a JSON list on stdin.
// Runs the site's own search-query.js over the built index with the bundle's pagefind.js, as the
// search page does, with fetch() reading the bundle from disk (no server, no browser). Prints, for
// each query, the terms it became, the pages found (URL path), whether the shop says it has no
// answer, and each page's excerpt.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const [site, assets, lang] = process.argv.slice(2);
const bundle = path.join(site, "pagefind");
globalThis.fetch = async (input) => {
  const url = new URL(typeof input === "string" ? input : (input.url ?? String(input)));
  const file = url.protocol === "file:" ? fileURLToPath(url) : path.join(bundle, path.basename(url.pathname));
  if (!fs.existsSync(file)) return new Response("", { status: 404 });
  const type = /\.(wasm|pagefind)$/.test(file) ? "application/wasm" : "application/octet-stream";
  return new Response(fs.readFileSync(file), { status: 200, headers: { "content-type": type } });
};
const query = await import(pathToFileURL(path.join(assets, "search-query.js")).href);
const pagefind = await import(pathToFileURL(path.join(bundle, "pagefind.js")).href);
// pagefind.js picks the index of <html lang>: a stand-in, set after its import
globalThis.document = { querySelector: () => ({ getAttribute: () => lang }) };
await pagefind.options({ basePath: pathToFileURL(`${bundle}/`).href });
await pagefind.init();
const json = (name) => JSON.parse(fs.readFileSync(path.join(bundle, name), "utf-8"));
const synonyms = json("synonyms.json")[lang] || {};
const words = new Set(json("words.json")[lang] || []);
const search = { pagefind, words, lexicon: { readings: json("readings.json")[lang] || {}, words, ...synonyms } };
const queries = JSON.parse(fs.readFileSync(0, "utf-8"));
const out = [];
for (const { q, typing } of queries) {
  const { terms, pages } = await query.findAnswers(search, q, lang, Boolean(typing));
  out.push({
    q,
    terms: terms.map((t) => t.words),
    pages: pages.map((p) => p.url.replace(/^.*\/(ja|en)\//, "").replace(/\/$/, "")),
    unanswered: query.isUnanswered(q, search.lexicon),
    excerpts: pages.map((p) => query.excerptText(p, terms)),
  });
}
console.log(JSON.stringify(out));
