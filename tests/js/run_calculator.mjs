// Runs calculator-core.js on many cases in one Node process, for tests/test_calculator_js.py.
//
//   node tests/js/run_calculator.mjs data.json cases.json
//
// data.json is calculator_data(); cases.json is a list of {fn, args}. The data is passed
// as the first argument of every function but todayInShopTimeZone, whose one argument
// is a time in milliseconds since the epoch. Prints {timeZone, offsetMinutes, results}:
// one result per case, or {thrown: message} when the call threw.

import { readFileSync } from "node:fs";
import * as core from "../../theme/static/calculator-core.js";

const [dataPath, casesPath] = process.argv.slice(2);
const data = JSON.parse(readFileSync(dataPath, "utf8"));
const cases = JSON.parse(readFileSync(casesPath, "utf8"));

function run({ fn, args }) {
  try {
    if (fn === "todayInShopTimeZone") return core.todayInShopTimeZone(new Date(args[0]));
    return core[fn](data, ...args);
  } catch (error) {
    return { thrown: String(error) };
  }
}

process.stdout.write(JSON.stringify({
  timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
  offsetMinutes: new Date(Date.UTC(2026, 0, 1)).getTimezoneOffset(),
  results: cases.map(run),
}));
