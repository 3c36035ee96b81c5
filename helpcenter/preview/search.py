"""The live preview's search index: Pagefind, run in the background after a good build.

The published build indexes its staging folder with Pagefind (search_index.py). The
preview lives in memory, so it keeps a private folder with the HTML of its last good
build (only changed files are written again), runs the same `index_site` on it, and
serves the index from memory. Indexing takes 1.5 s on the real site and 2.5 s on
2 x 1,000 entries: it runs after the page has reloaded, in its own thread, so a search
in the preview is at most that much behind the text.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from helpcenter.render.pages import Page
from helpcenter.write.search_index import BUNDLE, index_site


class SearchIndex:
    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="milamore-preview-search-"))
        self._written: dict[str, bytes] = {}

    def refresh(self, files: dict[str, bytes], pages: list[Page]) -> dict[str, bytes]:
        """The index files (pagefind/…) for a site; raises BuildFailed if Pagefind fails."""
        self._sync(files)
        shutil.rmtree(self.folder / BUNDLE, ignore_errors=True)
        index_site(self.folder, pages)
        return {f"{BUNDLE}/{path.relative_to(self.folder / BUNDLE).as_posix()}":
                path.read_bytes()
                for path in sorted((self.folder / BUNDLE).rglob("*")) if path.is_file()}

    def _sync(self, files: dict[str, bytes]) -> None:
        pages = {name: data for name, data in files.items() if name.endswith(".html")}
        for name in self._written.keys() - pages.keys():
            (self.folder / name).unlink(missing_ok=True)
        for name, data in pages.items():
            if self._written.get(name) != data:
                target = self.folder / name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
        self._written = pages

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
