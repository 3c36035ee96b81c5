"""Talking to Pagefind: a large index arrives whole, and a Pagefind that stops or fails
is a problem with a reason, never a traceback or a half-written index.

The build takes the index from Pagefind's service in memory instead of reading files the
service may still be writing (the empty pagefind-entry.json of issue 11).
"""

from __future__ import annotations

import random
import stat
from pathlib import Path

import pytest
from conftest import Site, snapshot

TWO_MIB = 2 * 1024 * 1024


def _add_long_entries(site: Site, count: int) -> None:
    """English entries of 5,000 different made-up words each: an index of several
    megabytes. (Their Japanese translations are short: Pagefind's Japanese segmenter
    takes half a minute over that much text, and the size is what is tested.)"""
    words = random.Random(11)
    for n in range(count):
        body = "\n\n".join(" ".join(f"w{words.randrange(10**7)}" for _ in range(50))
                            for _ in range(100))
        for lang, title, text in (("ja", f"質問{n}", "短いご案内です。"),
                                  ("en", f"Question {n}", body)):
            site.write(f"content/{lang}/long-{n:03d}.md",
                       f"---\ntitle: {title}\ncategory: orders\npolicy: payment\n"
                       f"order: {100 + n}\n---\n{text}\n")


def test_an_index_larger_than_two_megabytes_arrives_whole(site: Site) -> None:
    """Pagefind's own Python wrapper reads at most 2 MiB per answer."""
    _add_long_entries(site, 40)
    result = site.build()
    assert result.code == 0, result.stderr
    bundle = site.out / "pagefind"
    assert sum(p.stat().st_size for p in bundle.rglob("*") if p.is_file()) > TWO_MIB
    fragments = list((bundle / "fragment").glob("en_*.pf_fragment"))
    assert len(fragments) == len(list((site.root / "content" / "en").glob("*.md")))


def _fake_pagefind(tmp_path: Path, script: str) -> Path:
    program = tmp_path / "pagefind"
    program.write_text("#!/bin/sh\n" + script + "\n")
    program.chmod(program.stat().st_mode | stat.S_IXUSR)
    return program


@pytest.mark.parametrize(("script", "reason"), [
    ("exit 0", "it stopped unexpectedly"),
    ("echo 'error: the index is corrupt' >&2; exit 3", "error: the index is corrupt"),
    ("head -c 10 > /dev/null", "it stopped unexpectedly"),
    ("head -c 10 > /dev/null; printf 'bm90IGpzb24=,'; exec sleep 60", "Expecting value"),
], ids=["exits", "complains", "reads-then-ends", "answers-garbage"])
def test_a_pagefind_that_fails_leaves_the_last_site(site: Site, tmp_path: Path, monkeypatch,
                                                    script: str, reason: str) -> None:
    assert site.build().code == 0
    before = snapshot(site.out)
    site.replace("content/policies.yaml", "fee: 1000 ", "fee: 1100 ")
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(_fake_pagefind(tmp_path, script)))
    result = site.build()
    assert result.code == 1
    assert "Traceback" not in result.stderr
    [problem] = result.problems
    assert problem.startswith("(search index): Pagefind failed: ") and reason in problem, problem
    assert snapshot(site.out) == before
