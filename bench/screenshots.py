"""Screenshots of the help center for a design review: phone (390 px) and desktop (1366 px),
Japanese and English, light and dark, in Debian's Chromium.

    .venv/bin/python bench/screenshots.py BUILT_SITE_FOLDER SHOTS_FOLDER [page ...]

Pages are paths under each language (default: the home page, an answer, the calculator,
search) plus the 404 page. Look at every PNG it writes.
"""

from __future__ import annotations

import functools
import http.server
import sys
import threading
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
WIDTHS = {"phone": (390, 844), "desktop": (1366, 900)}
PAGES = ["", "returns-and-exchanges/", "calculator/", "search/?q=%E9%80%81%E6%96%99"]


def main(site: Path, shots: Path, pages: list[str]) -> None:
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    shots.mkdir(parents=True, exist_ok=True)
    addresses = [(f"{lang}-{page.split('/')[0] or 'home'}", f"{lang}/{page}")
                 for lang in ("ja", "en") for page in pages] + [("404", "404.html")]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for scheme in ("light", "dark"):
            for size, (width, height) in WIDTHS.items():
                context = browser.new_context(viewport={"width": width, "height": height},
                                              color_scheme=scheme)
                page = context.new_page()
                for name, address in addresses:
                    page.goto(base + address)
                    _answer_every_form(page)
                    page.wait_for_timeout(300)
                    page.screenshot(path=shots / f"{name}-{size}-{scheme}.png", full_page=True)
                context.close()
        browser.close()
    server.shutdown()


def _answer_every_form(page: Page) -> None:
    """Press each calculator's button, so that the shots show its answer card; the returns
    form is answered for a damaged ring (accepted) and the shipping one for a refused card."""
    for card in page.locator("#ship-card option").all()[-1:]:
        page.select_option("#ship-card", card.get_attribute("value") or "")
    for button in page.locator("form[data-tool] button[type=submit]").all():
        button.click()


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3:] or PAGES)
