"""The caches that live in a process's memory, each a named object with its own lifetime.

Every one registers here, so nothing is cached out of sight, and `clear_all()` (what tests and a
process that must start over call) forgets them all at once.
"""

from __future__ import annotations

from typing import Protocol, TypeVar


class ProcessCache(Protocol):
    name: str

    def clear(self) -> None: ...


_registered: dict[str, ProcessCache] = {}
C = TypeVar("C", bound=ProcessCache)


def register(cache: C) -> C:
    _registered[cache.name] = cache
    return cache


def registered() -> dict[str, ProcessCache]:
    return dict(_registered)


def clear_all() -> None:
    for cache in _registered.values():
        cache.clear()
