"""Guarantees about time, judged by when each step happened, never by a fixed budget that a
loaded machine can eat (CI on two busy cores takes seconds for what takes milliseconds alone)."""

from __future__ import annotations

import time
from collections.abc import Callable

from core.invalidation import VersionWatcher

# A process reads the cache versions at the start of a request whose process last read them longer
# ago than this; the slack covers the read itself.
POLL_SECONDS = VersionWatcher.POLL_SECONDS
_SLACK = 0.25


def seen_within_a_poll(changed: float, check: Callable[[], bool], *, timeout: float = 60.0) -> float:
    """Ask `check` (one request to another process) until it sees a change committed before
    `changed` (a time.monotonic()); how long after the change it was seen. Every request *sent*
    a poll interval after the change must see it, however slowly the machine answers."""
    while True:
        sent = time.monotonic()
        if check():
            return sent - changed
        late = sent - changed
        assert late < POLL_SECONDS + _SLACK, f"a request sent {late:.2f} s after the change did not see it"
        assert time.monotonic() - changed < timeout, "no answer in time"
        time.sleep(0.05)
