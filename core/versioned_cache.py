"""Read-through cache entries that a concurrent write can never leave stale.

Each entry is stored with the version token its reader saw *before* loading from the
database; a write replaces the token after commit. A reader that loaded old data while a write
was committing stores it under the old token, which no longer matches, so it is never served.
Keys go through the tenant-aware key function: entries are per schema.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.core.cache import cache


def _version_key(key: str) -> str:
    return f"{key}:version"


def cached(key: str, *, ttl: int, load: Callable[[], Any]) -> Any:
    found = cache.get_many([key, _version_key(key)])
    version = found.get(_version_key(key))
    entry = found.get(key)
    if entry is not None and entry.get("v") == version:
        return entry["data"]
    data = load()
    if data is not None:
        cache.set(key, {"v": version, "data": data}, ttl)
    return data


def cached_many(
    keys: dict[Any, str], *, ttl: int, load: Callable[[list[Any]], dict[Any, Any]]
) -> dict[Any, Any]:
    """Several entries in one round trip; `load` gets the ids that missed and returns their data."""
    wanted = list(keys.values()) + [_version_key(k) for k in keys.values()]
    found = cache.get_many(wanted)
    result, missing = {}, []
    for ident, key in keys.items():
        entry = found.get(key)
        if entry is not None and entry.get("v") == found.get(_version_key(key)):
            result[ident] = entry["data"]
        else:
            missing.append(ident)
    if missing:
        loaded = load(missing)
        cache.set_many(
            {keys[i]: {"v": found.get(_version_key(keys[i])), "data": d} for i, d in loaded.items()}, ttl
        )
        result.update(loaded)
    return result


def invalidate(key: str, *, ttl: int) -> None:
    """Call after the write has committed (transaction.on_commit)."""
    cache.set(_version_key(key), uuid.uuid4().hex, ttl * 4)
    cache.delete(key)


def delete_matching(cache, pattern: str) -> None:
    """Delete the keys matching `pattern` (django-redis); a local-memory cache has no patterns and
    is per process, so it is cleared."""
    if hasattr(cache, "delete_pattern"):
        cache.delete_pattern(pattern)
    else:
        cache.clear()
