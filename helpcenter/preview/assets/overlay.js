// Live preview only (served by `python build.py serve`, never part of the published site).
// Shows the problems of the last build over the page: the page itself is the last good
// build, so the editor sees both. Text is set with textContent only, never as HTML.
(function () {
  "use strict";
  var STATUS_URL = "/__preview__/status.json";
  var POLL_MS = 1000;
  var box = null;
  var dismissed = "";

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  function list(title, lines, className) {
    var section = element("section", className);
    section.appendChild(element("h2", "", title));
    var items = element("ul");
    lines.forEach(function (line) { items.appendChild(element("li", "", line)); });
    section.appendChild(items);
    return section;
  }

  function show(status, key) {
    hide();
    box = element("div", "milamore-preview-overlay");
    box.setAttribute("role", "alert");
    box.setAttribute("data-state", status.state);
    var close = element("button", "milamore-preview-close", "×");
    close.type = "button";
    close.setAttribute("aria-label", "Hide");
    close.addEventListener("click", function () { dismissed = key; hide(); });
    box.appendChild(close);
    if (status.notice) {
      box.appendChild(element("p", "milamore-preview-notice", status.notice));
    }
    if (status.problems.length) {
      box.appendChild(list(status.headline, status.problems, "milamore-preview-errors"));
    }
    if (status.warnings.length) {
      box.appendChild(list(status.warnings_headline, status.warnings,
                           "milamore-preview-warnings"));
    }
    document.body.appendChild(box);
  }

  function hide() {
    if (box && box.parentNode) { box.parentNode.removeChild(box); }
    box = null;
  }

  function update(status) {
    var key = JSON.stringify([status.problems, status.warnings, status.notice || ""]);
    if (!status.problems.length && !status.warnings.length && !status.notice) {
      hide();
    } else if (key !== dismissed && (!box || box.getAttribute("data-key") !== key)) {
      show(status, key);
      box.setAttribute("data-key", key);
    }
  }

  function poll() {
    fetch(STATUS_URL, { cache: "no-store" })
      .then(function (response) { return response.json(); })
      .then(update)
      .catch(function () { /* the server is restarting: try again */ })
      .then(function () { window.setTimeout(poll, POLL_MS); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", poll);
  } else {
    poll();
  }
})();
