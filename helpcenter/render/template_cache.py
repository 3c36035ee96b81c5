"""Compiled Jinja templates, kept across builds in one process (the live preview).

Compiling templates is most of the time of a small rebuild: every build makes new
environments, which would compile every theme template and every entry body again.
Jinja's bytecode cache keys each template by its name and checks a hash of its source
before using the compiled code, so a template that changed is compiled again and one
that did not is not: the cache never serves the code of an older source. Compiled code
must then hold nothing computed from anything else while compiling: the answers'
environment does not fold filters on written-out values into it (markdown_body,
`content_environment`); the theme's filters depend on their arguments alone. One
instance serves the whole process, like `functools.lru_cache`; it holds code objects
only.

Used by passing `bytecode_cache=TEMPLATES` to the theme and content environments.
"""

from __future__ import annotations

from jinja2.bccache import Bucket, BytecodeCache


class MemoryBytecodeCache(BytecodeCache):
    def __init__(self, limit: int = 20_000) -> None:
        self._store: dict[str, bytes] = {}
        self._limit = limit

    def load_bytecode(self, bucket: Bucket) -> None:
        data = self._store.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: Bucket) -> None:
        if len(self._store) >= self._limit:
            self._store.clear()
        self._store[bucket.key] = bucket.bytecode_to_string()

    def clear(self) -> None:
        self._store.clear()


TEMPLATES = MemoryBytecodeCache()
