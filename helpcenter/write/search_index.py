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
service is spoken to directly (base64 JSON messages separated by commas, _Service): the
Python wrapper of pagefind reads one answer per 0.1 s (200 s for 2,000 pages sent one
by one) and at most 2 MiB per answer, less than the index of a large site.

Browsers run Pagefind's search in WebAssembly, which a Content-Security-Policy of
`default-src 'self'` forbids: the search page needs
`default-src 'self'; script-src 'self' 'wasm-unsafe-eval'` (see search.js).

The indexer (SearchIndexer) can run beside the rendering, on the other core: start()
launches Pagefind and has it load its Japanese segmenter (0.8 s of CPU and 330 MB, on
the first Japanese page of any index of the process) on a throw-away index, so the real
index is unchanged; add() hands it each page as soon as it is rendered (in sorted path
order, which it checks: buffering would defeat the overlap), only the part Pagefind
reads (indexed_part); finish() returns every file of the bundle in memory. A writer
thread sends the pages that arrive while Pagefind is busy in one write, and a reader
thread takes the answers as they come (sending a page only after the last one's answer
costs a round trip per page).

Pagefind cannot update an index it made before: it keeps nothing between runs, its
service has no request to load an index or remove a page (pagefind#71 is open), and
although a page added again to a live index replaces the old one, GetFiles then
rebuilds every language's index from all pages (0.45 s of CPU at 2 x 1,000, one page
changed or all). So the incremental step is the whole bundle: with a cache folder,
finish() reuses the bundle of the same pages (bundle_key) without starting Pagefind.
The live preview, which makes an index each time the editor pauses, keeps one Pagefind
for all of them (PagefindService): each index is a new one in the same service, deleted
once its files are read, so the segmenter is loaded once.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import os
import queue
import re
import subprocess
import tempfile
import threading
from collections import Counter
from collections.abc import Iterable, Mapping
from concurrent.futures import Future
from importlib import metadata
from pathlib import Path
from typing import IO, Any

from pagefind.service import get_executable

from helpcenter.problems import BuildFailed, Problem
from helpcenter.render.pages import Page
from helpcenter.write import readings
from helpcenter.write.readings import READINGS_FILE, readings_file

BUNDLE = "pagefind"
# Pagefind's ready-made search interfaces, which the site does not use (search.js
# calls the JS API and writes the results itself).
UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js",
          "pagefind-modular-ui.css", "pagefind-component-ui.js", "pagefind-component-ui.css",
          "pagefind-highlight.js")
FIX = "reinstall the requirements: bash .ci/setup (pagefind[extended] is in requirements.txt)"
TIMEOUT_SECONDS = 120  # a Pagefind that stops answering fails the build instead of hanging it
VOCABULARY = "words.json"
ENTRY = "pagefind-entry.json"
WORD_SEPARATOR = "\u200b"  # between the words of a segmented language, in a fragment
# A Japanese page for a throw-away index: the first Japanese page loads the segmenter's
# dictionary, for the whole process, whichever index it is added to.
# (Its words matter: this one leaves Pagefind at 335 MB, as the real site does; with
# 「ご注文の商品を発送します。」 it takes 372 MB.)
WARM_UP_PAGE = ('<html lang="ja"><body><main data-pagefind-body><h1>送料について</h1>'
                "<p>日本語の文章です。</p></main></body></html>")
CACHE_FORMAT = b"helpcenter-search-bundle 1\n"


class SearchIndexer:
    """The search bundle of a site's pages, made by one Pagefind service.

        with SearchIndexer(cache=root / ".cache/helpcenter/search") as indexer:
            indexer.start()                # optional: Pagefind loads while pages render
            for path, html in pages:       # sorted by path
                indexer.add(path, html)
            files = indexer.finish()       # {"pagefind.js": b"...", "words.json": ...}

    Without start(), the pages are kept and Pagefind starts in finish(), only if the
    cache has no bundle of these pages (a build expected to be warm). Failures of
    Pagefind raise BuildFailed from finish() (never from start() or add()), so that a
    build still reports its other problems first.
    """

    def __init__(self, cache: Path | None = None, service: PagefindService | None = None) -> None:
        """`service`: a Pagefind kept running between indexes by its owner (the live
        preview), used instead of starting one; it is kept running only when this
        indexer made its bundle (stopped if anything failed, or the index was left
        halfway)."""
        self.cache = cache
        self._key = _Key()
        self._last_path: str | None = None
        self._kept: list[tuple[str, str]] = []
        self._lent = service
        self._service: _Service | None = None
        self._failure: Exception | None = None
        self._done = False
        self._made = False   # the bundle was made: a lent service can make the next one

    def __enter__(self) -> SearchIndexer:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def start(self, warm_up: bool = True) -> None:
        """Launch Pagefind and, for a site with Japanese pages, have it load its segmenter
        now; returns at once (Pagefind works on its own)."""
        if self._service is not None or self._failure is not None:
            return
        try:
            self._service = self._lent.run(warm_up) if self._lent is not None \
                else _Service(warm_up)
        except OSError as error:  # not installed: said by finish()
            self._failure = error
            return
        for path, html in self._kept:
            self._service.add(path, html)
        self._kept = []

    def add(self, path: str, html: str) -> None:
        """A page of the site, e.g. ("ja/shipping-cost/index.html", "<!doctype html>…").
        Pages must come in sorted path order: Pagefind numbers them as it gets them."""
        if self._last_path is not None and path <= self._last_path:
            raise ValueError(f"pages must be added in sorted order: {path} after "
                             f"{self._last_path}")
        self._last_path = path
        self._key.add(path, html)
        if self._service is not None:
            self._service.add(path, html)
        elif self._failure is None:
            self._kept.append((path, html))

    def finish(self) -> dict[str, bytes]:
        """Every file of the bundle, by its path inside pagefind/."""
        if self._done:
            raise RuntimeError("finish() was already called")
        self._done = True
        key = self._key.hexdigest()
        cached = load_cached_bundle(self.cache, key) if self.cache is not None else None
        if cached is not None:
            self.close()
            return cached
        self.start(warm_up=False)  # (the first Japanese page loads the segmenter anyway)
        try:
            if self._failure is not None:
                raise self._failure
            assert self._service is not None
            files = complete_bundle(self._service.finish())
            self._made = True
        except (OSError, EOFError, RuntimeError, ValueError, KeyError,
                TimeoutError) as error:
            raise BuildFailed([Problem("(search index)", 0,
                                       f"Pagefind failed: {_reason(error)}", FIX)]) from error
        finally:
            self.close()
        if self.cache is not None:
            store_bundle(self.cache, key, files)
        return files

    def close(self) -> None:
        """Stop Pagefind, if it runs (finish() does it too); a lent one only if the
        bundle was not made (it may still be working on the index, or have failed)."""
        if self._service is not None and not (self._lent is not None and self._made):
            self._service.stop()
        self._service = None
        self._kept = []


class PagefindService:
    """A Pagefind kept running between indexes, for the live preview, which makes one
    each time the editor pauses: its Japanese segmenter is loaded once (0.8 s of CPU)
    instead of for each index. Only one index at a time; give it to a SearchIndexer."""

    def __init__(self) -> None:
        self._service: _Service | None = None

    def running(self) -> bool:
        """Whether run() will use the Pagefind of the last index: it finished that index
        and has not ended (as far as can be told: one that is being killed may still
        look alive, and then fails the next index)."""
        service = self._service
        return service is not None and service.finished and not service.stopped \
            and service.process.poll() is None

    def run(self, warm_up: bool) -> _Service:
        """The service, ready for a new index; a new one if there is none yet, the last
        did not finish its index (it failed, or was stopped) or it has ended."""
        if self.running():
            assert self._service is not None
            self._service.again()
            return self._service
        self.close()
        self._service = _Service(warm_up, keep=True)
        return self._service

    def close(self) -> None:
        if self._service is not None:
            self._service.stop()
            self._service = None


def index_site(folder: Path, pages: list[Page], cache: Path | None = None) -> None:
    """Write the search index of the entry pages staged in `folder` to folder/pagefind/."""
    languages = sorted({page.lang for page in pages if page.lang})
    with SearchIndexer(cache) as indexer:
        indexer.start(warm_up="ja" in languages)
        for relative in _pages_to_index(folder, languages):
            indexer.add(relative, (folder / relative).read_text("utf-8"))
        files = indexer.finish()
    check_counts(files, pages)
    for name, data in sorted(files.items()):
        target = folder / BUNDLE / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def pages_to_index(paths: Iterable[str], languages: Iterable[str]) -> list[str]:
    """The HTML files of the language folders, sorted: the bilingual root page and
    404.html are not answers (Pagefind keeps only pages with data-pagefind-body anyway)."""
    folders = tuple(f"{lang}/" for lang in languages)
    return sorted(path for path in paths if path.endswith(".html") and path.startswith(folders))


def _pages_to_index(folder: Path, languages: list[str]) -> list[str]:
    return pages_to_index((path.relative_to(folder).as_posix() for lang in languages
                           for path in (folder / lang).rglob("*.html") if path.is_file()),
                          languages)


class _Service:
    """A running `pagefind_extended --service`, spoken to directly: base64 of a JSON
    message, then a comma, each way. It handles messages one at a time, in the order
    sent. A thread writes (add() never waits for Pagefind) and another reads the answers
    as they come (neither side waits on a full pipe).

    It makes one index, or (`keep`) one index after another (`again`), each removed from
    it once its files are read, its segmenter loaded only once."""

    def __init__(self, warm_up: bool = True, keep: bool = False) -> None:
        self.warm_up, self.keep = warm_up, keep
        binary = get_executable()
        if binary is None:
            raise FileNotFoundError("the Pagefind program is not installed")
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - closed by stop()
        try:
            self.process = subprocess.Popen([str(binary), "--service"], stdin=subprocess.PIPE,
                                            stdout=subprocess.PIPE, stderr=self.log)
        except OSError:
            self.log.close()
            raise
        self.lock = threading.Lock()
        self.sent = 0
        self.answered = 0
        self.stopped = False
        self.again()

    def again(self) -> None:
        """Start the next index (the first, from __init__). The last one must have
        finished: finish() waits for its last answer."""
        self.outbox: queue.SimpleQueue[tuple[str, str] | None] = queue.SimpleQueue()
        self.awaited: dict[int, Future[dict[str, Any]]] = {}
        self.files: int | None = None  # the number of GetFiles
        self.last: int | None = None  # the index's last message: the reader stops there
        self.error: Exception | None = None  # why the reader stopped before it
        self.finished = False   # the index's files were read, and nothing more is due
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.writer = threading.Thread(target=self._write, daemon=True)
        self.reader.start()
        self.writer.start()

    def add(self, path: str, html: str) -> None:
        self.outbox.put((path, html))

    def finish(self) -> dict[str, bytes]:
        """Pagefind's files; the reader stops at their answer, or at the first failure
        (the writer is not waited for: it may be stuck on a Pagefind that reads no more,
        until stop() kills it)."""
        self.outbox.put(None)
        self.reader.join(TIMEOUT_SECONDS)
        if self.reader.is_alive():
            raise TimeoutError
        if isinstance(self.error, (EOFError, BrokenPipeError)):
            self.log.seek(0)
            said = self.log.read().decode("utf-8", "replace").strip().splitlines()
            raise RuntimeError(said[-1] if said else "it stopped unexpectedly") from self.error
        if self.error is not None:
            raise self.error
        assert self.files is not None
        files = self.awaited[self.files].result(0)["files"]
        self.finished = True
        return {str(file["path"]): base64.b64decode(file["content"]) for file in files}

    def stop(self) -> None:
        """Kill it (its work is done or failed) and close the pipes, whatever they hold."""
        self.stopped = True
        self.process.kill()
        self.outbox.put(None)
        for pipe in (self.process.stdin, self.process.stdout):
            try:
                if pipe is not None:
                    pipe.close()
            except OSError:  # unsent bytes to a service that is gone
                pass
        self.process.wait()
        self.log.close()

    def _write(self) -> None:
        stdin = self.process.stdin
        assert stdin is not None
        try:
            if self.warm_up:
                self.warm_up = False
                warm = self._ask(stdin, {"type": "NewIndex", "config": None})["index_id"]
                self._send(stdin, {"type": "AddFile", "index_id": warm,
                                   "file_path": "warm-up/index.html", "url": None,
                                   "file_contents": WARM_UP_PAGE})
                self._send(stdin, {"type": "DeleteIndex", "index_id": warm})
            index_id = self._ask(stdin, {"type": "NewIndex", "config": None})["index_id"]
            while (page := self._next(stdin)) is not None:
                path, html = page
                self._send(stdin, {"type": "AddFile", "index_id": index_id, "file_path": path,
                                   "url": None, "file_contents": indexed_part(html)},
                           flush=False)
            self._send(stdin, {"type": "GetFiles", "index_id": index_id}, files=True,
                       last=not self.keep)
            if self.keep:   # the next index starts with nothing of this one in memory
                self._send(stdin, {"type": "DeleteIndex", "index_id": index_id}, last=True)
        except Exception:  # the service died, answered badly or was stopped: the reader says why
            pass

    def _next(self, stdin: IO[bytes]) -> tuple[str, str] | None:
        """The next page, once Pagefind has been given all those sent so far (written
        together: one write for the pages that came while Pagefind was busy)."""
        try:
            return self.outbox.get_nowait()
        except queue.Empty:
            stdin.flush()
            return self.outbox.get()

    def _ask(self, stdin: IO[bytes], payload: dict[str, Any]) -> dict[str, Any]:
        return self._send(stdin, payload, awaited=True).result(TIMEOUT_SECONDS)

    def _send(self, stdin: IO[bytes], payload: dict[str, Any], flush: bool = True,
              awaited: bool = False, files: bool = False,
              last: bool = False) -> Future[dict[str, Any]]:
        future: Future[dict[str, Any]] = Future()
        with self.lock:
            if self.error is not None:
                raise self.error
            self.sent += 1
            number = self.sent
            if awaited or files or last:
                self.awaited[number] = future
            if files:
                self.files = number
            if last:
                self.last = number
        message = json.dumps({"message_id": number, "payload": payload}).encode("utf-8")
        stdin.write(base64.b64encode(message) + b",")
        if flush or last:
            stdin.flush()
        return future

    def _read(self) -> None:
        stdout = self.process.stdout
        assert stdout is not None
        buffer = b""   # (an index's answers end with its last message's: nothing is left over)
        try:
            while True:
                while b"," not in buffer:
                    chunk = stdout.read1(1 << 20)  # type: ignore[attr-defined]
                    if not chunk:
                        raise EOFError
                    buffer += chunk
                message, buffer = buffer.split(b",", 1)
                self.answered += 1
                number = self.answered
                answer = json.loads(base64.b64decode(message))
                payload: dict[str, Any] = answer["payload"]
                if payload.get("type") == "Error":
                    raise RuntimeError(payload.get("message") or "an error")
                if answer.get("message_id") != number:
                    raise RuntimeError(f"answer {answer.get('message_id')} came instead of "
                                       f"{number}")
                with self.lock:
                    future, last = self.awaited.get(number), self.last
                if future is not None:
                    future.set_result(payload)
                if number == last:
                    return
        except Exception as error:  # said by finish(); the writer, if waiting, stops
            with self.lock:
                self.error = error
                futures = [f for f in self.awaited.values() if not f.done()]
            for future in futures:
                future.set_exception(error)


def indexed_part(html: str) -> str:
    """The page as Pagefind reads it: everything up to <body>, then only the element with
    data-pagefind-body (Pagefind ignores the rest of a page that has one), or the whole
    page if some data-pagefind attribute is elsewhere. The same bundle, byte for byte,
    from a fifteenth of the HTML: Pagefind's CPU time at 2 x 1,000 goes from 5.0 to 2.3 s."""
    mark = html.find(" data-pagefind-body")
    body = html.find("<body")
    start = html.rfind("<", 0, mark) if mark >= 0 else -1
    tag = _TAG.match(html, start) if 0 <= body < start else None
    if tag is None:
        return html
    depth = 0
    for found in re.finditer(rf"<(/?){tag.group(1)}[\s>]", html[start:], re.IGNORECASE):
        depth += -1 if found.group(1) else 1
        if depth == 0:
            end = html.find(">", start + found.start()) + 1
            break
    else:
        return html
    kept = f"{html[:html.find('>', body) + 1]}{html[start:end]}</body></html>"
    return kept if kept.count("data-pagefind") == html.count("data-pagefind") else html


_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)")


def complete_bundle(made: Mapping[str, bytes]) -> dict[str, bytes]:
    """Pagefind's files as published: without UNUSED, pagefind-entry.json with sorted
    keys, and words.json and readings.json from the fragments."""
    files = {name: data for name, data in sorted(made.items()) if name not in UNUSED}
    files[ENTRY] = _sorted_entry(files[ENTRY])
    fragments = [(name.removeprefix("fragment/").split("_", 1)[0], _fragment_text(data))
                 for name, data in sorted(files.items())
                 if name.startswith("fragment/") and name.endswith(".pf_fragment")]
    files[VOCABULARY] = _vocabulary(fragments)
    texts: dict[str, list[str]] = {}
    for lang, text in fragments:
        texts.setdefault(lang, []).append(text.replace(WORD_SEPARATOR, ""))
    files[READINGS_FILE] = readings_file(texts)
    return files


def _sorted_entry(data: bytes) -> bytes:
    """Same languages, same bytes: pagefind.js looks languages up by key, order is free."""
    entry = json.loads(data.decode("utf-8"))
    return json.dumps(entry, ensure_ascii=False, sort_keys=True,
                      separators=(",", ":")).encode("utf-8")


def _vocabulary(fragments: list[tuple[str, str]]) -> bytes:
    """{language: sorted words} of every language whose pages Pagefind segmented."""
    words: dict[str, set[str]] = {}
    for lang, content in fragments:
        if WORD_SEPARATOR in content:
            found = words.setdefault(lang, set())
            found.update(w for w in re.split(rf"[\s{WORD_SEPARATOR}]+", content)
                         if any(c.isalnum() for c in w))
    return json.dumps({lang: sorted(found) for lang, found in words.items()},
                      ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _fragment_text(data: bytes) -> str:
    """A page's text as Pagefind stored it: gzip, a signature, then JSON."""
    data = gzip.decompress(data)
    return str(json.loads(data[data.index(b"{"):])["content"])


def check_counts(files: Mapping[str, bytes], pages: list[Page]) -> None:
    """Every entry page of every language is in its language's index, and nothing else."""
    expected = Counter(page.lang for page in pages if page.lang and page.is_entry)
    entry = json.loads(files[ENTRY].decode("utf-8"))
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


def _reason(error: Exception) -> str:
    if isinstance(error, TimeoutError):
        return f"it did not finish within {TIMEOUT_SECONDS} s"
    if isinstance(error, OSError) and error.filename:
        return f"{error.strerror}: {error.filename}"
    return str(error) or type(error).__name__


# The cache of bundles: a build whose pages are those of the last build reuses its bundle.

class _Key:
    """sha256 of what decides the bundle: Pagefind, this code, and the (path, html) pairs."""

    def __init__(self) -> None:
        self.hash = hashlib.sha256(CACHE_FORMAT)
        for part in _identity():
            self.hash.update(part.encode("utf-8") + b"\0")

    def add(self, path: str, html: str) -> None:
        data = html.encode("utf-8")
        self.hash.update(f"{path}\0{len(data)}\0".encode())
        self.hash.update(data)

    def hexdigest(self) -> str:
        return self.hash.hexdigest()


def bundle_key(pages: Iterable[tuple[str, str]]) -> str:
    """The cache key of the bundle of these (path, html) pages, in sorted order."""
    key = _Key()
    for path, html in pages:
        key.add(path, html)
    return key.hexdigest()


_IDENTITY: list[str] = []


def _identity() -> list[str]:
    """Pagefind's version (and its binary's size and time, if PAGEFIND_BINARY_PATH names
    one that exists: a missing one made nothing), the versions of the Japanese analyzer,
    and the text of the two modules that turn Pagefind's files into the bundle."""
    if not _IDENTITY:
        for dist in ("pagefind", "pagefind_bin_extended", "pagefind_bin", "sudachipy",
                     "sudachidict_core"):
            try:
                _IDENTITY.append(f"{dist}={metadata.version(dist)}")
            except metadata.PackageNotFoundError:
                _IDENTITY.append(f"{dist}=none")
        for module in (__file__, readings.__file__):
            _IDENTITY.append(hashlib.sha256(Path(module).read_bytes()).hexdigest())
    override = os.environ.get("PAGEFIND_BINARY_PATH")
    try:
        status = Path(override).stat() if override else None
    except OSError:
        status = None
    binary = f"{override}:{status.st_size}:{status.st_mtime_ns}" if status else "default"
    return [*_IDENTITY, binary]


def has_bundles(cache: Path | None) -> bool:
    """Whether the cache holds any bundle (one may be of the pages about to be made)."""
    return cache is not None and any(cache.glob("*.bundle"))


def load_cached_bundle(cache: Path, key: str) -> dict[str, bytes] | None:
    """The bundle stored under `key`, or None if there is none or it is damaged."""
    try:
        data = (cache / f"{key}.bundle").read_bytes()
        os.utime(cache / f"{key}.bundle")   # used: the last to be removed (store_bundle)
    except OSError:
        return None
    body, _, digest = data.rpartition(b"\nsha256 ")
    if not body.startswith(CACHE_FORMAT) or \
            hashlib.sha256(body).hexdigest().encode() != digest.rstrip(b"\n"):
        return None
    files, at = {}, len(CACHE_FORMAT)
    try:
        while at < len(body):
            end = body.index(b"\n", at)
            name, size = body[at:end].decode("utf-8").rsplit("\t", 1)
            files[name], at = body[end + 1:end + 1 + int(size)], end + 1 + int(size)
    except (ValueError, UnicodeDecodeError):
        return None
    return files if at == len(body) and ENTRY in files else None


KEPT_BUNDLES = 8   # a bundle of the real help center is about 300 kB


def _by_last_use(paths: Iterable[Path]) -> list[Path]:
    """The newest first; a file another build removed meanwhile is left out."""
    found = []
    for path in paths:
        try:
            found.append((path.stat().st_mtime_ns, path))
        except OSError:
            continue
    return [path for _mtime, path in sorted(found, reverse=True)]


def store_bundle(cache: Path, key: str, files: Mapping[str, bytes]) -> None:
    """Keep the bundle under `key`, with the KEPT_BUNDLES - 1 others last used (an editor
    going back to an earlier state, another branch): written whole, then renamed, so a
    reader finds a complete bundle or none. A cache that cannot be written is no reason
    to fail a build."""
    parts = [CACHE_FORMAT]
    for name, data in sorted(files.items()):
        parts += [f"{name}\t{len(data)}\n".encode(), data]
    body = b"".join(parts)
    temporary = None
    try:
        cache.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=cache, prefix=".", suffix=".part",
                                         delete=False) as file:
            temporary = Path(file.name)
            file.write(body + b"\nsha256 " + hashlib.sha256(body).hexdigest().encode() + b"\n")
        os.replace(temporary, cache / f"{key}.bundle")
        temporary = None
        for old in _by_last_use(cache.glob("*.bundle"))[KEPT_BUNDLES:]:
            old.unlink(missing_ok=True)
    except OSError:
        pass
    finally:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
