"""Read-through cache entries that are never served stale, whatever Redis saw.

Each entry is stored with the version of its key that the reader knew *before* loading from the
database (`core.invalidation`); a write bumps that version in its own transaction. An entry
older than the version a process knows is a miss, so neither a write committing during a slow
read, nor a write made while Redis was unreachable, nor Redis coming back with old entries can
make a process serve old data. Keys go through the tenant-aware key function: entries are per
schema.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import transaction

from core.db import connection
from core.invalidation import watcher


def cached(key: str, *, ttl: int, load: Callable[[], Any]) -> Any:
    known = watcher.version(connection.schema_name, key)
    if known is None:  # the versions cannot be known now: the database only
        return load()
    entry = cache.get(key)
    if watcher.fresh(entry, known):  # an entry in another shape (an older release's) is a miss
        return entry["data"]
    data = load()
    if data is not None:
        cache.set(key, {**watcher.stamp(known), "data": data}, ttl)
    return data


def cached_many(
    keys: dict[Any, str], *, ttl: int, load: Callable[[list[Any]], dict[Any, Any]]
) -> dict[Any, Any]:
    """Several entries in one round trip; `load` gets the ids that missed and returns their data."""
    schema = connection.schema_name
    known: dict[Any, int] = {}
    for ident, key in keys.items():
        version = watcher.version(schema, key)
        if version is not None:  # untrusted keys are loaded and not stored
            known[ident] = version
    found = cache.get_many([keys[i] for i in known]) if known else {}
    result: dict[Any, Any] = {}
    missing: list[Any] = []
    for ident, key in keys.items():
        entry: Any = found.get(key)
        if ident in known and watcher.fresh(entry, known[ident]):
            result[ident] = entry["data"]
        else:
            missing.append(ident)
    if missing:
        loaded = load(missing)
        fill = {keys[i]: {**watcher.stamp(known[i]), "data": d} for i, d in loaded.items() if i in known}
        if fill:
            cache.set_many(fill, ttl)
        result.update(loaded)
    return result


def invalidate(key: str) -> None:
    """Call inside the write's transaction: the new version commits (or not) with it. The entry
    is also deleted from the cache after commit, which only saves a reader the stale check."""
    watcher.bump(connection.schema_name, key)
    transaction.on_commit(lambda: cache.delete(key))


def delete_matching(cache, pattern: str) -> None:
    """Delete the keys matching `pattern` (django-redis); a local-memory cache has no patterns and
    is per process, so it is cleared."""
    if hasattr(cache, "delete_pattern"):
        cache.delete_pattern(pattern)
    else:
        cache.clear()
