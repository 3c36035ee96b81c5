"""The address the site is published at: what a base URL may be, and what production needs.

Every link, canonical address, hreflang, sitemap entry and the robots.txt line is built
from the base URL, so a value that cannot be pasted into them unchanged is refused: a
query string or fragment (`https://x.org/?a=1` would give `https://x.org/?a=1ja/`), a
quote or angle bracket (it would end an HTML attribute or break sitemap.xml), spaces,
user names and passwords, other schemes. A production build (the one CI deploys) also
needs https and an address that is not an example or a local one.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

# Never part of a base URL: they end an attribute, break XML or start something else.
_FORBIDDEN = {'"': "a double quote", "'": "a single quote", "<": "'<'", ">": "'>'",
              "`": "a backquote", "\\": "a backslash", "{": "'{'", "}": "'}'", "|": "'|'",
              "^": "'^'"}
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
# Names reserved for examples and tests (RFC 2606, RFC 6761) and local addresses.
_EXAMPLE_DOMAINS = ("example.com", "example.net", "example.org")
_RESERVED_ENDINGS = (".example", ".test", ".invalid", ".localhost", ".local", ".internal")

Finding = tuple[str, str]  # (what is wrong, how to fix it)


def base_url_findings(url: str) -> list[Finding]:
    """Everything wrong with a base URL, each as (what, fix); empty when it is usable."""
    shown = f"'{url}'"
    example = "write an address such as https://help.example.com/ or https://example.org/help/"
    if not url.strip():
        return [("the base URL is empty", example)]
    found: list[Finding] = []
    for character, name in _FORBIDDEN.items():
        if character in url:
            found.append((f"the base URL {shown} contains {name}", f"remove it; {example}"))
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url):
        found.append((f"the base URL {shown} contains a space or an invisible character",
                      "remove it (a space in a folder name is written %20)"))
    if not url.isascii():
        found.append((f"the base URL {shown} contains characters other than ASCII",
                      "write the domain in its xn-- form and other characters "
                      "percent-encoded, as the browser's address bar shows when copied"))
    return found + _structure_findings(url, shown, example)


def _structure_findings(url: str, shown: str, example: str) -> list[Finding]:
    parts = urlsplit(url)
    found: list[Finding] = []
    if parts.scheme not in ("http", "https") or not url.startswith(f"{parts.scheme}://"):
        return [(f"the base URL {shown} does not start with https:// (or http://)", example)]
    if "?" in url:
        found.append((f"the base URL {shown} has a query string ('?{parts.query}')",
                      "leave out the '?' and everything after it"))
    if "#" in url:
        found.append((f"the base URL {shown} has a fragment ('#{parts.fragment}')",
                      "leave out the '#' and everything after it"))
    if "@" in parts.netloc:
        found.append((f"the base URL {shown} contains a user name or password",
                      "leave out the part up to '@'"))
    if not parts.hostname:
        found.append((f"the base URL {shown} has no domain name", example))
    try:
        parts.port  # noqa: B018 (raises ValueError on a port that is not a number 0-65535)
    except ValueError:
        found.append((f"the base URL {shown} has a port that is not a number from 1 to "
                      "65535", "fix the number after ':' or leave it out"))
    if _BAD_ESCAPE.search(url):
        found.append((f"the base URL {shown} has a '%' that is not followed by two hex "
                      "digits", "write a '%' itself as %25"))
    if "//" in parts.path or any(s in (".", "..") for s in parts.path.split("/")):
        found.append((f"the base URL {shown} has an empty, '.' or '..' folder in its path",
                      "write the folder path as it appears in the address bar, "
                      "such as /help/"))
    return found


def production_findings(url: str) -> list[Finding]:
    """What keeps a (valid) base URL from being the published address."""
    parts = urlsplit(url)
    host = (parts.hostname or "").rstrip(".")
    found: list[Finding] = []
    if parts.scheme != "https":
        found.append((f"the production base URL '{url}' does not use https",
                      "publish over https: every host this README describes supports it"))
    if _is_example_or_local(host):
        found.append((f"the production base URL '{url}' is an example or local address "
                      f"({host}), not where the help center is published",
                      "write the real address in base_url in site.yaml, or pass it with "
                      "--base-url (the GitHub Pages workflow does)"))
    return found


def _is_example_or_local(host: str) -> bool:
    if host in ("localhost", *_EXAMPLE_DOMAINS) or host.endswith(_RESERVED_ENDINGS) \
            or any(host.endswith("." + domain) for domain in _EXAMPLE_DOMAINS):
        return True
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return address.is_loopback or address.is_private or address.is_unspecified
