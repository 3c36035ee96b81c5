// Language choice. A link marked data-language-choice (the switcher, the root chooser)
// remembers the language the visitor picked. The root page (body[data-language-chooser])
// then sends a visitor to that language, or, on a first visit, to the first of the
// browser's languages that the site has. An explicit choice always wins over the
// browser's languages, so switching language is never undone by a redirect.

const STORAGE_KEY = "milamore-help-language";

function remembered() {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null; // storage disabled: behave as a first visit
  }
}

function remember(language) {
  try {
    localStorage.setItem(STORAGE_KEY, language);
  } catch {
    // storage disabled: the choice lasts for this page only
  }
}

function homes(chooser) {
  return Object.fromEntries(chooser.split(" ").map((pair) => pair.split("=")));
}

function preferred(available) {
  const chosen = remembered();
  if (chosen && available[chosen]) return chosen;
  for (const tag of navigator.languages || [navigator.language]) {
    const language = String(tag).toLowerCase().split("-")[0];
    if (available[language]) return language;
  }
  return null;
}

document.addEventListener("click", (event) => {
  const link = event.target.closest("a[data-language-choice]");
  if (link) remember(link.dataset.languageChoice);
});

const chooser = document.body.dataset.languageChooser;
if (chooser) {
  const available = homes(chooser);
  const language = preferred(available);
  if (language) location.replace(available[language]);
}
