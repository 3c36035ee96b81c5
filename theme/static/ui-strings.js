// The UI strings of the page's scripts. The build embeds them, already translated into
// the page's language, as <script type="application/json" id="ui-strings">; a message
// with no translation is shown as written, as gettext does.

export function readJson(id) {
  const element = document.getElementById(id);
  return element ? JSON.parse(element.textContent) : null;
}

const ui = readJson("ui-strings") ?? { lang: document.documentElement.lang, strings: {} };

export const lang = ui.lang;
export const moneyDisplay = ui.moneyDisplay;

export function gettext(message) {
  const translated = ui.strings[message];
  return typeof translated === "string" && translated ? translated : message;
}

export function ngettext(singular, plural, count) {
  const forms = ui.strings[singular];
  if (Array.isArray(forms)) return count === 1 ? forms[0] : forms[1];
  return count === 1 ? singular : plural;
}

/** Fills python-format placeholders: fill("%(n)d left", {n: 3}) -> "3 left". */
export function fill(template, values) {
  return template.replace(/%\((\w+)\)[sd]/g, (_match, name) => String(values[name]));
}
