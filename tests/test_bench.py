"""bench/compare_hugo.py compares like with like: Hugo's corpus has as many pages per
language as our generated site, with bodies of about 200 words and working links."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from compare_hugo import make_hugo_site


@pytest.mark.parametrize("entries", [1, 7, 30, 120])
def test_the_hugo_corpus_has_the_asked_number_of_pages_per_language(
        tmp_path: Path, entries: int) -> None:
    make_hugo_site(tmp_path / "hugo", entries)
    content = tmp_path / "hugo" / "content"
    for lang in ("ja", "en"):
        pages = sorted(content.glob(f"*.{lang}.md"))
        assert len(pages) == entries
    # each question exists in both languages, as one Hugo page with two translations
    assert {p.name.split(".")[0] for p in content.glob("*.ja.md")} == \
        {p.name.split(".")[0] for p in content.glob("*.en.md")}


@pytest.mark.parametrize("entries", [3, 50])
def test_hugo_pages_have_about_200_words_and_link_to_a_page_that_exists(
        tmp_path: Path, entries: int) -> None:
    make_hugo_site(tmp_path / "hugo", entries)
    content = tmp_path / "hugo" / "content"
    for page in content.glob("*.en.md"):
        body = page.read_text(encoding="utf-8").split("---\n", 2)[2]
        assert 170 <= len(body.split()) <= 240, page.name
    for page in content.glob("*.md"):
        targets = re.findall(r"\]\(/(ja|en)/(q-\d{4})/\)", page.read_text(encoding="utf-8"))
        assert targets, page.name
        for lang, slug in targets:
            assert (content / f"{slug}.{lang}.md").is_file(), (page.name, slug)


def test_the_hugo_site_has_a_config_and_the_layouts_it_renders_with(tmp_path: Path) -> None:
    make_hugo_site(tmp_path / "hugo", 2)
    config = (tmp_path / "hugo" / "hugo.toml").read_text(encoding="utf-8")
    assert "[languages.ja]" in config and "[languages.en]" in config
    layouts = {p.name for p in (tmp_path / "hugo" / "layouts").iterdir()}
    assert {"baseof.html", "single.html", "list.html", "home.html"} <= layouts
