"""What each page is made from, and whether that has changed.

While a page is rendered, it records the named inputs it used (`Input` keys, below).
Each input has a digest computed from the loaded sources; a page remembers the digests
its inputs had when it was made (`Page.inputs`). A later render — the live preview's
next rebuild, or a build with the persistent cache — uses a page again, without
rendering it, when every one of its inputs has the same digest now. So an edited
answer re-renders its own page (and its translations, for the language switcher), a
new title re-renders the pages that list it, a fee re-renders the pages whose text
names that fee, and a template the pages that use it.

The inputs:

    ("entry", lang, slug)           the whole entry file, parsed
    ("listing", lang, slug)         what a list shows of it: title, description, order…
    ("listed", lang, slug, …)       the listings of the entries a page lists, in order
    ("exists", lang, slug)          whether that entry exists (links, language switcher)
    ("members", lang, kind, id)     which entries are in a category or about a policy,
                                    with their order (related and sibling lists)
    ("listings", lang)              every entry's listing (the home page)
    ("bodies", lang)                every entry of the language (a body that includes one)
    ("policy", lang, "a.b.c")       one policy value, localized; "" is all of them
    ("calculator", lang)            the calculator's data, texts and destination lists
    ("template", name)              a theme template and every template it includes
    ("language", lang)              site.yaml, the catalog, the asset names, script texts
    ("updated", path)               the date of the entry's last commit
    ("stale", lang, slug)           whether the translation is behind its source

A digest is a BLAKE2 hash of the value's `repr`: values are plain data (str, int, dict,
list, tuple, dataclasses of them), whose repr is the same in every process.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from jinja2 import Environment, meta, nodes

from helpcenter.load.content import Entry
from helpcenter.load.sources import Sources
from helpcenter.render.pages import Input

MISSING = "-"
ANY_TEMPLATE = "*"
# Among a body's policy reads: it includes or imports another entry's body, whose own
# placeholders read any policy value: the page then depends on every entry and value.
OTHER_ENTRIES = "<other entries>"


def digest_of(value: object) -> str:
    if value is None or isinstance(value, (bool, int)):  # small: itself
        return repr(value)
    return hashlib.blake2b(repr(value).encode("utf-8"), digest_size=16).hexdigest()


def _entry_digest(entry: Entry, kind: str) -> str:
    """The digest of an entry ("entry") or of its listing ("listing"), kept with it."""
    found = entry.derived.get(kind)
    if found is None:
        found = entry.derived[kind] = digest_of(entry if kind == "entry" else listing(entry))
    return found


def _listing_digest(entry: Entry | None) -> str:
    return MISSING if entry is None else _entry_digest(entry, "listing")


def listing(entry: Entry) -> tuple[object, ...]:
    return (entry.title, entry.description, entry.category, entry.policies, entry.order)


def _member(entry: Entry) -> tuple[object, ...]:
    """What a category's or a policy's list of entries holds of one ("members")."""
    return (entry.order, entry.slug, entry.category, entry.policies)


class Digests:
    """The digest of every input, from one `Sources`, each worked out once when asked."""

    def __init__(self, sources: Sources, localized: Mapping[str, Mapping[str, Any]],
                 asset_names: Mapping[str, str], earlier: Digests | None = None) -> None:
        """`earlier`: the digests of an earlier render (the live preview's last one), whose
        digests are kept for the kinds of input that cannot have changed since."""
        self.sources, self.localized, self.asset_names = sources, localized, asset_names
        self.entries = {(e.lang, e.slug): e for e in sources.entries}
        self.known: dict[Input, str] = {}
        if earlier is not None:
            self.known = self._still_true(earlier)
            for (lang, slug), entry in self.entries.items():   # kept with each entry
                self.known[("entry", lang, slug)] = _entry_digest(entry, "entry")
                self.known[("listing", lang, slug)] = _entry_digest(entry, "listing")
        self._members: dict[tuple[str, str, str], list[tuple[object, ...]]] | None = None
        self.calculators: dict[str, Mapping[str, Any]] = {}  # lang -> the calculator's context

    def _still_true(self, earlier: Digests) -> dict[Input, str]:
        """The digests of `earlier` that are true now: those of the kinds of input made
        from the same loaded objects (the preview loads again only what changed), and
        the lists of entries whose listings are the same."""
        now, then = self.sources, earlier.sources
        same = set()
        settings = now.config is then.config and now.script_messages is then.script_messages
        if settings and now.policies is then.policies and now.translations is then.translations:
            same |= {"policy", "calculator"}
        if settings and now.catalog_digests is then.catalog_digests \
                and self.asset_names == earlier.asset_names:
            same.add("language")
        if now.theme is then.theme:
            same.add("template")
        if now.updated is then.updated:
            same.add("updated")
        if now.stale == then.stale:
            same.add("stale")
        if self.entries.keys() == earlier.entries.keys():
            same.add("exists")
        changed = {key for key in self.entries.keys() | earlier.entries.keys()
                   if _listing_digest(self.entries.get(key))
                   != _listing_digest(earlier.entries.get(key))}
        if not changed:
            same |= {"members", "listings"}
        elif all(key in self.entries and key in earlier.entries
                 and _member(self.entries[key]) == _member(earlier.entries[key])
                 for key in changed):   # a new title or description: the same members
            same.add("members")
        slugs: dict[str, set[str]] = {}   # the changed listings' slugs, by language
        for lang, slug in changed:
            slugs.setdefault(lang, set()).add(slug)
        return {key: found for key, found in earlier.known.items()
                if key[0] in same or (key[0] == "listed" and (
                    key[1] not in slugs or slugs[key[1]].isdisjoint(key[2:])))}

    def of(self, key: Input) -> str:
        found = self.known.get(key)
        if found is None:
            found = self.known[key] = self._digest(key)
        return found

    def _digest(self, key: Input) -> str:
        if key[0] in ("entry", "listing"):
            entry = self.entries.get((key[1], key[2]))
            return _entry_digest(entry, key[0]) if entry is not None else MISSING
        if key[0] == "listed":   # several entries' listings at once: ("listed", lang, a, b…)
            return digest_of([self.of(("listing", key[1], slug)) for slug in key[2:]])
        return digest_of(self._value(key))

    def unchanged(self, inputs: Mapping[Input, str]) -> bool:
        """Whether a page made from `inputs` would be made the same now."""
        if not inputs:
            return False
        known = self.known
        if inputs.items() <= known.items():  # every digest known and the same (in C)
            return True
        for key in set(inputs).difference(known):   # work out the ones not known yet
            self.of(key)                            # (a set's difference with a dict
        return inputs.items() <= known.items()     # looks up only the set's keys)

    def record(self, keys: Iterable[Input]) -> dict[Input, str]:
        return {key: self.of(key) for key in keys}

    def _value(self, key: Input) -> object:
        """The value behind an input other than an entry, a listing or "listed" (those are
        digested in `_digest`)."""
        kind, *rest = key
        if kind == "exists":
            return (rest[0], rest[1]) in self.entries
        if kind == "members":
            return self._all_members().get((rest[0], rest[1], rest[2]), [])
        if kind == "bodies":
            return sorted((e.slug, _entry_digest(e, "entry"))
                          for e in self.sources.entries if e.lang == rest[0])
        if kind == "listings":
            return sorted((e.slug, listing(e)) for e in self.sources.entries if e.lang == rest[0])
        if kind == "policy":
            return _follow(self.localized.get(rest[0], {}), rest[1])
        if kind == "calculator":
            return sorted(self.calculators.get(rest[0], {}).items())
        if kind == "template":
            return self._template_closure(rest[0])
        if kind == "language":
            return self._language(rest[0])
        if kind == "updated":
            return self.sources.updated.get(rest[0])
        if kind == "stale":
            return (rest[0], rest[1]) in self.sources.stale
        raise KeyError(key)

    def _all_members(self) -> dict[tuple[str, str, str], list[tuple[object, ...]]]:
        if self._members is None:
            found: dict[tuple[str, str, str], list[tuple[object, ...]]] = {}
            for e in sorted(self.sources.entries, key=lambda e: (e.lang, e.order, e.slug)):
                member = _member(e)
                found.setdefault((e.lang, "category", e.category), []).append(member)
                for policy_id in sorted(set(e.policies)):
                    found.setdefault((e.lang, "policy", policy_id), []).append(member)
            self._members = found
        return self._members

    def _language(self, lang: str) -> object:
        sources = self.sources
        # Where the project is does not change a page (paths in pages are relative).
        config = dataclasses.replace(sources.config, root=Path(), output=Path())
        return (config, sources.catalog_digests.get(lang), sorted(self.asset_names.items()),
                sources.script_messages)

    def _template_closure(self, name: str) -> object:
        templates = self.sources.theme.templates
        seen: dict[str, str] = {}
        todo = [name]
        while todo:
            current = todo.pop()
            if current in seen or current not in templates:
                continue
            seen[current] = templates[current]
            found = _referenced_templates(templates[current])
            if ANY_TEMPLATE in found:  # a name worked out while rendering: it may be any
                return sorted(templates.items())
            todo += found
        return sorted(seen.items())


@functools.lru_cache(maxsize=256)
def _referenced_templates(source: str) -> list[str]:
    """The templates a template's source extends, includes or imports; ANY_TEMPLATE for a
    name that is worked out while rendering."""
    try:
        found = meta.find_referenced_templates(_THEME_SYNTAX.parse(source))
    except Exception:  # one that cannot be read here: it may use any template
        return [ANY_TEMPLATE]
    return [ANY_TEMPLATE if name is None else name for name in found]


# The theme's template syntax (render/site.py: theme_environment), to read what a template
# uses; nothing is rendered with it.
_THEME_SYNTAX = Environment(extensions=["jinja2.ext.i18n"], trim_blocks=True,
                            lstrip_blocks=True)


def _follow(data: Mapping[str, Any], path: str) -> object:
    value: Any = data
    for part in path.split(".") if path else ():
        if isinstance(value, Mapping) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return MISSING
    return value


def policy_paths(tree: nodes.Template, name: str = "policy") -> set[str]:
    """The policy values a body's placeholders read, as dotted paths, found in its syntax
    tree: `policy.shipping.domestic.fee` -> "shipping.domestic.fee". A placeholder that
    reaches into policy in a way that cannot be read from the tree (`policy[x]`, or
    `policy` on its own) gives the longest fixed path before it: everything under it.
    A body that includes or imports another (entries are templates to each other) reads
    OTHER_ENTRIES."""
    inner: set[int] = set()
    chains: list[nodes.Getattr | nodes.Getitem] = []
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        assert isinstance(node, (nodes.Getattr, nodes.Getitem))
        inner.add(id(node.node))
        chains.append(node)
    paths: set[str] = set()
    for node in chains:
        if id(node) in inner:
            continue
        parts = _chain(node, name)
        if parts is not None:
            paths.add(".".join(parts))
    for found in tree.find_all(nodes.Name):
        if found.name == name and id(found) not in inner:
            paths.add("")
    if any(True for _ in tree.find_all((nodes.Include, nodes.Import, nodes.FromImport,
                                         nodes.Extends))):
        paths.add(OTHER_ENTRIES)
    return paths


def _chain(node: nodes.Getattr | nodes.Getitem, name: str) -> list[str] | None:
    """The fixed parts of `policy.a.b[0]`: ["a", "b", "0"]; a part that is not a constant
    ends the path there; None when the chain does not start at `name`."""
    parts: list[str] = []
    current: nodes.Node = node
    while isinstance(current, (nodes.Getattr, nodes.Getitem)):
        if isinstance(current, nodes.Getattr):
            parts.insert(0, current.attr)
        elif isinstance(current.arg, nodes.Const) and isinstance(current.arg.value, (str, int)):
            parts.insert(0, str(current.arg.value))
        else:
            parts = []  # a computed key: everything under what comes before it
        current = current.node
    if not isinstance(current, nodes.Name) or current.name != name:
        return None
    return parts


class PolicyReads:
    """What a theme template reads of the policy data and of the calculator, recorded
    while it renders: the template sees `RecordingDict`s in place of the policy's
    mappings. Reading a mapping's item records nothing yet; reading a value that is not a
    mapping records its path, and any other use of a mapping (iterating it, `get`,
    `items`, passing it to a function that does so) records the whole mapping."""

    def __init__(self) -> None:
        self.paths: set[str] = set()
        self.calculator = False

    def policy(self, data: Mapping[str, Any]) -> RecordingDict:
        return RecordingDict(data, "", self)

    def keys(self, lang: str) -> list[Input]:
        keys: list[Input] = [("policy", lang, path) for path in sorted(self.paths)]
        return keys + ([("calculator", lang)] if self.calculator else [])


class RecordingDict(dict[str, Any]):
    def __init__(self, data: Mapping[str, Any], path: str, reads: PolicyReads) -> None:
        super().__init__(data)
        self._path, self._reads = path, reads

    def _whole(self) -> None:
        self._reads.paths.add(self._path)

    def __getitem__(self, key: str) -> Any:
        path = f"{self._path}.{key}" if self._path else str(key)
        try:
            value = super().__getitem__(key)
        except KeyError:  # `… is defined`: the page depends on its absence
            self._reads.paths.add(path)
            raise
        if isinstance(value, Mapping):
            return RecordingDict(value, path, self._reads)
        self._reads.paths.add(path)
        return value

    def get(self, key: str, default: Any = None) -> Any:
        self._whole()
        return super().get(key, default)

    def __contains__(self, key: object) -> bool:
        self._whole()
        return super().__contains__(key)

    def __iter__(self) -> Any:
        self._whole()
        return super().__iter__()

    def __len__(self) -> int:
        self._whole()
        return super().__len__()

    def keys(self) -> Any:
        self._whole()
        return super().keys()

    def values(self) -> Any:
        self._whole()
        return super().values()

    def items(self) -> Any:
        self._whole()
        return super().items()

    def __repr__(self) -> str:
        self._whole()
        return super().__repr__()


class CalculatorReads(dict[str, Any]):
    """The calculator's data, data blocks and texts for a page: any use is recorded."""

    def __init__(self, data: Mapping[str, Any], reads: PolicyReads) -> None:
        super().__init__(data)
        self._reads = reads

    def __getitem__(self, key: str) -> Any:
        self._reads.calculator = True
        return super().__getitem__(key)
