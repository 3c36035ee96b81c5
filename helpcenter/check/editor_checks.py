"""Checks that warn editors without stopping the build.

A stale translation or a fee typed into an answer is worth fixing, but it is no reason
to refuse to publish the rest of the site: these come back as warnings (Problem with
`warning=True`). `python build.py check --strict` fails on them, for CI.
"""

from __future__ import annotations

from collections.abc import Mapping

from babel.support import Translations

from helpcenter.check.literals import hardcoded_values
from helpcenter.commands.new import unfinished_entries
from helpcenter.load.config import SiteConfig
from helpcenter.load.content import Entry
from helpcenter.load.policy import PolicyData
from helpcenter.load.translation_status import stale_warnings
from helpcenter.problems import Problem


def editor_warnings(config: SiteConfig, policies: PolicyData, entries: list[Entry],
                    translations: Mapping[str, Translations],
                    stale: frozenset[tuple[str, str]]) -> list[Problem]:
    """`stale`: the translations behind their source (Sources.stale)."""
    return sorted(stale_warnings(config, entries, stale)
                  + hardcoded_values(config, policies, entries, translations)
                  + unfinished_entries(entries, translations))
