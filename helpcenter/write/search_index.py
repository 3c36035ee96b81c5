"""Stage 7b: the search index of every language, made by Pagefind from the staged site.

It runs inside the output stage, on the complete staging folder, before the swap: the
index is made from exactly the HTML that will be published, and a failed index leaves
the live site untouched. Pagefind indexes only what is inside `data-pagefind-body`
(the entry's article: its question and answer, not the header, footer or calculator
forms) and files each page under its `<html lang>`, so each language gets its own
index. Pagefind's extended build segments Japanese into words with a dictionary; the
search page (theme/static/search.js) runs the query in the browser with `pagefind.js`.

Japanese queries are split into words in the browser by `Intl.Segmenter`, whose
dictionary keeps some compounds whole that Pagefind's index has in parts: クレジットカード
is one query word but クレジット|カード in the index, お支払い one word but お|支払い
(Pagefind issue #1237). Pagefind then matches only the first part, or only a title that
starts with the whole word. So the build also writes pagefind/words.json, the words of
each segmented language's index (read from the fragments, where Pagefind separates them
with a zero-width space), and search.js splits a query word that the index lacks into
index words before searching.

The build also writes pagefind/readings.json, the kana readings of the Japanese words
(readings.py), with which search.js finds 返品 for 「へんぴん」; the editors' synonym list
reaches the browser as pagefind/synonyms.json (synonyms.py, written with the site's files).

The index is byte-for-byte reproducible, on any filesystem: Pagefind numbers pages in
the order it is given them, so the pages are handed to it one by one in sorted order
(its own directory walk follows the filesystem's order: ext4 and tmpfs differ), and it
lists the languages of pagefind-entry.json in a random order (a Rust hash map), so that
file is rewritten with sorted keys.

Pagefind's files are taken from it in memory (its service's GetFiles) and written here,
never read back from a folder it wrote: the service answers "written" before its writes
have finished and is then stopped, which once left pagefind-entry.json empty. The
service is spoken to directly (base64 JSON messages separated by commas, _talk): the
Python wrapper of pagefind reads one answer per 0.1 s (200 s for 2,000 pages sent one
by one) and at most 2 MiB per answer, less than the index of a large site.

Browsers run Pagefind's search in WebAssembly, which a Content-Security-Policy of
`default-src 'self'` forbids: the search page needs
`default-src 'self'; script-src 'self' 'wasm-unsafe-eval'` (see search.js).
"""

from __future__ import annotations

import base64
import gzip
import json
import re
import subprocess
import tempfile
import threading
from collections import Counter
from pathlib import Path
from typing import IO, Any

from pagefind.service import get_executable

from helpcenter.problems import BuildFailed, Problem
from helpcenter.render.pages import Page
from helpcenter.write.readings import write_readings

BUNDLE = "pagefind"
# Pagefind's ready-made search interfaces, which the site does not use (search.js
# calls the JS API and writes the results itself).
UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js",
          "pagefind-modular-ui.css", "pagefind-component-ui.js", "pagefind-component-ui.css",
          "pagefind-highlight.js")
FIX = "reinstall the requirements: bash .ci/setup (pagefind[extended] is in requirements.txt)"
TIMEOUT_SECONDS = 120  # a Pagefind that stops answering fails the build instead of hanging it
VOCABULARY = "words.json"
WORD_SEPARATOR = "\u200b"  # between the words of a segmented language, in a fragment


def index_site(folder: Path, pages: list[Page]) -> None:
    """Write the search index of the entry pages staged in `folder` to folder/pagefind/."""
    languages = sorted({page.lang for page in pages if page.lang})
    try:
        files = _index(folder, languages)
    except (OSError, EOFError, RuntimeError, ValueError, KeyError, TimeoutError) as error:
        raise BuildFailed([Problem("(search index)", 0, f"Pagefind failed: {_reason(error)}",
                                   FIX)]) from error
    _write_bundle(folder / BUNDLE, files)
    _sort_entry_file(folder / BUNDLE / "pagefind-entry.json")
    _check_counts(folder / BUNDLE, pages)
    _write_vocabulary(folder / BUNDLE)
    write_readings(folder / BUNDLE, _texts_by_language(folder / BUNDLE))


def _index(folder: Path, languages: list[str]) -> dict[str, bytes]:
    """{path in the bundle: bytes} of the index of the language folders' pages."""
    binary = get_executable()
    if binary is None:
        raise FileNotFoundError("the Pagefind program is not installed")
    pages = [(relative, (folder / relative).read_text("utf-8"))
             for relative in _pages_to_index(folder, languages)]
    with tempfile.TemporaryFile() as log:
        service = subprocess.Popen([str(binary), "--service"], stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, stderr=log)
        watchdog = threading.Timer(TIMEOUT_SECONDS, service.kill)
        watchdog.start()
        try:
            return _talk(service, pages)
        except (EOFError, BrokenPipeError) as error:
            log.seek(0)
            said = log.read().decode("utf-8", "replace").strip().splitlines()
            if not watchdog.is_alive():
                raise TimeoutError from error
            raise RuntimeError(said[-1] if said else "it stopped unexpectedly") from error
        finally:
            watchdog.cancel()
            _stop(service)


def _stop(service: subprocess.Popen[bytes]) -> None:
    """Kill it (its work is done or failed) and close the pipes, whatever they hold."""
    service.kill()
    for pipe in (service.stdin, service.stdout):
        try:
            if pipe is not None:
                pipe.close()
        except OSError:  # unsent bytes to a service that is gone
            pass
    service.wait()


def _talk(service: subprocess.Popen[bytes], pages: list[tuple[str, str]]) -> dict[str, bytes]:
    """Pagefind's service protocol: base64 of a JSON message, then a comma, each way. It
    handles messages one at a time, in the order sent; its answers are read while a
    thread sends the pages, so that neither side waits on a full pipe."""
    assert service.stdin is not None and service.stdout is not None
    answers = _Answers(service.stdout)
    _send(service.stdin, 0, {"type": "NewIndex", "config": None})
    index_id = answers.next(0)["index_id"]
    requests = [{"type": "AddFile", "index_id": index_id, "file_path": relative, "url": None,
                 "file_contents": html} for relative, html in pages]
    requests.append({"type": "GetFiles", "index_id": index_id})
    sender = threading.Thread(target=_send_all, args=(service.stdin, requests), daemon=True)
    sender.start()
    for number in range(1, len(requests)):
        answers.next(number)
    files = answers.next(len(requests))["files"]
    sender.join()
    return {str(file["path"]): base64.b64decode(file["content"]) for file in files}


def _send(stdin: IO[bytes], number: int, payload: dict[str, Any]) -> None:
    message = json.dumps({"message_id": number, "payload": payload}).encode("utf-8")
    stdin.write(base64.b64encode(message) + b",")
    stdin.flush()


def _send_all(stdin: IO[bytes], requests: list[dict[str, Any]]) -> None:
    try:
        for number, payload in enumerate(requests, start=1):
            _send(stdin, number, payload)
    except (OSError, ValueError):  # the service died (or was stopped); the reader says why
        pass


class _Answers:
    """The service's answers, in order; raises EOFError if it stops answering."""

    def __init__(self, stdout: IO[bytes]) -> None:
        self.stdout, self.buffer = stdout, b""

    def next(self, number: int) -> dict[str, Any]:
        while b"," not in self.buffer:
            chunk = self.stdout.read1(1 << 20)  # type: ignore[attr-defined]
            if not chunk:
                raise EOFError
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b",", 1)
        answer = json.loads(base64.b64decode(message))
        payload: dict[str, Any] = answer["payload"]
        if payload.get("type") == "Error":
            raise RuntimeError(payload.get("message") or "an error")
        if answer.get("message_id") != number:
            raise RuntimeError(f"answer {answer.get('message_id')} came instead of {number}")
        return payload


def _pages_to_index(folder: Path, languages: list[str]) -> list[str]:
    """Only the language folders: the bilingual root page and 404.html are not answers."""
    return sorted(path.relative_to(folder).as_posix() for lang in languages
                  for path in (folder / lang).rglob("*.html") if path.is_file())


def _write_bundle(bundle: Path, files: dict[str, bytes]) -> None:
    for name, data in sorted(files.items()):
        if name in UNUSED:
            continue
        target = bundle / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def _reason(error: Exception) -> str:
    if isinstance(error, TimeoutError):
        return f"it did not finish within {TIMEOUT_SECONDS} s"
    if isinstance(error, OSError) and error.filename:
        return f"{error.strerror}: {error.filename}"
    return str(error) or type(error).__name__


def _sort_entry_file(path: Path) -> None:
    """Same languages, same bytes: pagefind.js looks languages up by key, order is free."""
    entry = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps(entry, ensure_ascii=False, sort_keys=True, separators=(",", ":")),
                    encoding="utf-8")


def _write_vocabulary(bundle: Path) -> None:
    """{language: sorted words} of every language whose pages Pagefind segmented."""
    words: dict[str, set[str]] = {}
    for path in sorted((bundle / "fragment").glob("*.pf_fragment")):
        content = _fragment_text(path)
        if WORD_SEPARATOR in content:
            found = words.setdefault(path.name.split("_", 1)[0], set())
            found.update(w for w in re.split(rf"[\s{WORD_SEPARATOR}]+", content)
                         if any(c.isalnum() for c in w))
    text = json.dumps({lang: sorted(found) for lang, found in words.items()},
                      ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    (bundle / VOCABULARY).write_text(text, encoding="utf-8")


def _texts_by_language(bundle: Path) -> dict[str, list[str]]:
    """The text of every indexed page, as Pagefind stored it, by language."""
    texts: dict[str, list[str]] = {}
    for path in sorted((bundle / "fragment").glob("*.pf_fragment")):
        text = _fragment_text(path).replace(WORD_SEPARATOR, "")
        texts.setdefault(path.name.split("_", 1)[0], []).append(text)
    return texts


def _fragment_text(path: Path) -> str:
    """A page's text as Pagefind stored it: gzip, a signature, then JSON."""
    data = gzip.decompress(path.read_bytes())
    return str(json.loads(data[data.index(b"{"):])["content"])


def _check_counts(bundle: Path, pages: list[Page]) -> None:
    """Every entry page of every language is in its language's index, and nothing else."""
    expected = Counter(page.lang for page in pages if page.lang and page.slug)
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    found = {lang: info["page_count"] for lang, info in entry["languages"].items()}
    problems = [Problem("(search index)", 0,
                        f"the '{lang}' search index has {found.get(lang, 0)} pages, "
                        f"not the {count} entries of that language",
                        "each entry page needs data-pagefind-body on its article and "
                        "<html lang> set to its language (theme/templates)")
                for lang, count in sorted(expected.items()) if found.get(lang, 0) != count]
    problems += [Problem("(search index)", 0, f"pages of an unexpected language '{lang}' "
                         "are in the search index", "set <html lang> in theme/templates")
                 for lang in sorted(set(found) - set(expected))]
    if problems:
        raise BuildFailed(problems)
