"""The live preview's search index: Pagefind, run in the background after a good build.

The published build indexes its staging folder with Pagefind (search_index.py). The
preview lives in memory, so it hands the HTML of its last good build straight to the
same SearchIndexer (no folder is written) and serves the index from memory. It runs
after the page has reloaded, in its own thread, so a search in the preview is at most
one index behind the text. One Pagefind is kept running between indexes
(PagefindService): loading its Japanese segmenter takes 0.8 s of CPU and most of its
300 MB, so the first index of the real site takes about a second and the next ones 0.1 s
(2 x 1,000 entries: 2.5 s, then 1.6 s). A build whose indexed pages are unchanged (an
edit of a template part that the entries do not show, say) keeps the last index without
asking Pagefind.
"""

from __future__ import annotations

from helpcenter.problems import BuildFailed
from helpcenter.render.pages import Page
from helpcenter.write.search_index import (
    BUNDLE,
    PagefindService,
    SearchIndexer,
    bundle_key,
    check_counts,
    pages_to_index,
)


class SearchIndex:
    def __init__(self) -> None:
        self._last: tuple[str, dict[str, bytes]] | None = None
        self._pagefind = PagefindService()

    def refresh(self, files: dict[str, bytes], pages: list[Page]) -> dict[str, bytes]:
        """The index files (pagefind/…) for a site; raises BuildFailed if Pagefind fails."""
        languages = sorted({page.lang for page in pages if page.lang})
        indexed = [(path, files[path].decode("utf-8")) for path in pages_to_index(files, languages)]
        key = bundle_key(indexed)
        if self._last is not None and self._last[0] == key:
            bundle = self._last[1]
        else:
            bundle = self._made(indexed, "ja" in languages)
        check_counts(bundle, pages)
        self._last = (key, bundle)
        return {f"{BUNDLE}/{name}": data for name, data in sorted(bundle.items())}

    def _made(self, indexed: list[tuple[str, str]], japanese: bool) -> dict[str, bytes]:
        """The bundle from the kept Pagefind; if that one fails (it ended since the last
        index, say), it is stopped, and a new one makes the bundle, or says what fails."""
        if self._pagefind.running():
            try:
                return self._index(indexed, japanese)
            except BuildFailed:
                pass   # (the indexer stopped it: the next one is new)
        return self._index(indexed, japanese)

    def _index(self, indexed: list[tuple[str, str]], japanese: bool) -> dict[str, bytes]:
        with SearchIndexer(service=self._pagefind) as indexer:
            indexer.start(warm_up=japanese)
            for path, html in indexed:
                indexer.add(path, html)
            return indexer.finish()

    def close(self) -> None:
        self._last = None
        self._pagefind.close()
