"""The "Was this answer helpful?" box as the build writes it: "Yes" stays on the page,
"No" offers the contact address with the question in the subject, and every mailto:
and href value is percent-encoded exactly once, whatever the title holds. (How it looks
in Chromium, under a strict CSP: tests/browser/test_say_only_what_the_shop_says.py.)"""

from __future__ import annotations

import html as html_lib
import re
from urllib.parse import unquote

from conftest import Site

# A title with an apostrophe, double quotes, an ampersand, a percent sign and a '#'.
TRICKY = {
    "en": "Can't I use \"gift\" wrap & a #2 card at 100%?",
    "ja": "「ギフト」包装＆メッセージ\"カード\"は'使えますか'？ & 100%",
}


def hrefs(html: str) -> list[str]:
    """Every href of the page as the browser reads it (HTML entities decoded once)."""
    return [html_lib.unescape(value) for value in re.findall(r'href="([^"]*)"', html)]


def test_yes_and_no_are_links_within_the_page(built_site: Site) -> None:
    for lang in ("ja", "en"):
        html = built_site.page(f"{lang}/receipts/index.html")
        box = html.split('<aside class="feedback"')[1].split("</aside>")[0]
        links = re.findall(r'<a href="([^"]+)"', box)
        assert links[:2] == ["#feedback-yes", "#feedback-no"]
        assert 'id="feedback-yes"' in box and 'id="feedback-no"' in box
        thanks = re.search(r'id="feedback-yes"[^>]*>([^<]+)<', box).group(1)
        assert thanks == {"ja": "ご回答ありがとうございました。",
                          "en": "Thank you for letting us know."}[lang]


def test_a_title_with_quotes_and_ampersands_is_encoded_once_in_every_link(site: Site) -> None:
    for lang, title in TRICKY.items():
        path = f"content/{lang}/receipts.md"
        text = site.read(path)
        old = re.search(r"^title: .*$", text, re.M).group(0)
        quoted = title.replace("\\", "\\\\").replace('"', '\\"')
        site.replace(path, old, f'title: "{quoted}"')
    result = site.build()
    assert result.code == 0, result.stderr
    for lang, title in TRICKY.items():
        html = site.page(f"{lang}/receipts/index.html")
        assert html_lib.unescape(re.search(r"<h1>(.+?)</h1>", html).group(1).replace("<wbr>", "")) == title
        mails = [h for h in hrefs(html) if h.startswith("mailto:")]
        subjects = [unquote(h.split("?subject=")[1]) for h in mails if "?subject=" in h]
        prefix = {"ja": "役に立たなかった：", "en": "Not helpful: "}[lang]
        assert subjects == [prefix + title]
        for href in hrefs(html):
            # Percent-encoded once: no entity and no %25 (an encoded '%') survives decoding.
            assert "&#" not in href and "&amp;" not in href and "&quot;" not in href, href
            assert "%2526" not in href and "%2527" not in href and "%2522" not in href, href
            assert "%26%2339" not in href, href
