"""Read-through cache entries that are never served stale, whatever Redis saw.

Each entry is stored with the version of its key that the reader knew *before* loading from the
database (`core.invalidation`); a write bumps that version in its own transaction. An entry
older than the version a process knows is a miss, so neither a write committing during a slow
read, nor a write made while Redis was unreachable, nor Redis coming back with old entries can
make a process serve old data. Keys go through the tenant-aware key function: entries are per
schema.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.core.cache import cache
from django.db import transaction

from core import cache_reads
from core.db import connection
from core.invalidation import watcher

# The keys a request said it will read (`expect`), and the raw entries fetched for them with the
# request's first cache read, by (schema, key); None outside a request (commands, tasks).
_scope: ContextVar[dict[tuple[str, str], Any] | None] = ContextVar("versioned_cache_scope", default=None)
_EXPECTED = object()  # a key expected and not fetched yet


@contextmanager
def request_scope() -> Iterator[None]:
    """One request's expectations (the tenant middleware opens it around each request)."""
    token = _scope.set({})
    try:
        yield
    finally:
        _scope.reset(token)


def expect(*keys: str) -> None:
    """Keys this request is about to read: they are fetched with its first cache read, so the
    user behind the token and the resource asked for cost one Redis round trip, not two."""
    scope = _scope.get()
    if scope is not None:
        schema = connection.schema_name
        for key in keys:
            scope.setdefault((schema, key), _EXPECTED)


def _get_many(keys: list[str]) -> dict[str, Any]:
    """cache.get_many, taking what the request fetched earlier for these keys and fetching the
    keys it still expects in the same round trip. Entries are kept by schema, as the cache's
    key function stores them."""
    scope = _scope.get()
    if not scope:
        return cache_reads.get_many(keys)
    schema = connection.schema_name
    found: dict[str, Any] = {}
    wanted: list[str] = []
    for key in keys:
        entry = scope.pop((schema, key), _EXPECTED)
        if entry is _EXPECTED:
            wanted.append(key)
        elif entry is not None:
            found[key] = entry  # taken once: a second read of the key asks the cache again
    if wanted:
        pending = [k for (s, k), v in scope.items() if s == schema and v is _EXPECTED]
        fetched = cache_reads.get_many(wanted + pending)
        for key in pending:
            scope[(schema, key)] = fetched.pop(key, None)
        found.update(fetched)
    return found


def cached(
    key: str, *, ttl: int, load: Callable[[], Any], accept: Callable[[Any], bool] | None = None
) -> Any:
    """The entry's data, or `load()` stored. `accept` refuses data of another shape (an older
    release's) as a miss."""
    known = watcher.version(connection.schema_name, key)
    if known is None:  # the versions cannot be known now: the database only
        return load()
    entry: Any = _get_many([key]).get(key)
    # an entry in another shape (an older release's) is a miss
    if watcher.fresh(entry, known) and (accept is None or accept(entry["data"])):
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
    found = _get_many([keys[i] for i in known]) if known else {}
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
