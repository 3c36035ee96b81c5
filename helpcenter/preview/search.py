"""The live preview's search index: Pagefind, run in the background after a good build.

The published build indexes its staging folder with Pagefind (search_index.py). The
preview lives in memory, so it hands the HTML of its last good build straight to the
same SearchIndexer (no folder is written) and serves the index from memory. Indexing
takes about a second on the real site, most of it Pagefind loading its Japanese
segmenter: it runs after the page has reloaded, in its own thread, so a search in the
preview is at most that much behind the text. A build whose indexed pages are unchanged
(an edit of a template part that the entries do not show, say) keeps the last index
without starting Pagefind.
"""

from __future__ import annotations

from helpcenter.render.pages import Page
from helpcenter.write.search_index import (
    BUNDLE,
    SearchIndexer,
    bundle_key,
    check_counts,
    pages_to_index,
)


class SearchIndex:
    def __init__(self) -> None:
        self._last: tuple[str, dict[str, bytes]] | None = None

    def refresh(self, files: dict[str, bytes], pages: list[Page]) -> dict[str, bytes]:
        """The index files (pagefind/…) for a site; raises BuildFailed if Pagefind fails."""
        languages = sorted({page.lang for page in pages if page.lang})
        indexed = [(path, files[path].decode("utf-8")) for path in pages_to_index(files, languages)]
        key = bundle_key(indexed)
        if self._last is not None and self._last[0] == key:
            bundle = self._last[1]
        else:
            with SearchIndexer() as indexer:
                indexer.start(warm_up="ja" in languages)
                for path, html in indexed:
                    indexer.add(path, html)
                bundle = indexer.finish()
        check_counts(bundle, pages)
        self._last = (key, bundle)
        return {f"{BUNDLE}/{name}": data for name, data in sorted(bundle.items())}

    def close(self) -> None:
        self._last = None
