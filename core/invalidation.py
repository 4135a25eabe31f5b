"""Cache versions whose source of truth is the database.

A write that makes cached data stale calls `bump(schema, clave)` inside its own transaction: the
row of that key in `public.core_cacheversion` gets a new version from one sequence, and commits
or rolls back with the write. Every process learns the versions by polling that table about once
a second (`VersionWatcher.refresh`, from the tenant middleware), and at once for its own writes.
Cache entries carry the version their reader knew before loading; an entry older than the
version now known is never served. Redis only makes reads fast: a change made while Redis was
unreachable still reaches every process, and a stale entry still in Redis when it comes back is
refused.

Polling reads the rows written by transactions not yet visible at the previous poll (an xid8
column and the snapshot's xmin), so a transaction that commits late is never missed. A process
that cannot reach the database for TRUST_SECONDS stops trusting any cache until it can again.
"""

from __future__ import annotations

import logging
import threading
import time

import psycopg2
from django.db import DatabaseError

from core.db import connection
from core.process_caches import register

logger = logging.getLogger(__name__)

ALL = "*"  # the key that covers every entry of a schema (a restore, a re-created tenant)
MARK = "/* cache-versions */"  # starts every statement below (tests that count SQL leave them out)

_BUMP = """/* cache-versions */
    INSERT INTO public.core_cacheversion (schema_name, clave, version, updated_at, xid)
    VALUES (%s, %s, nextval('public.core_cacheversion_seq'), now(), pg_current_xact_id())
    ON CONFLICT ON CONSTRAINT cacheversion_clave_unica DO UPDATE
        SET version = EXCLUDED.version, updated_at = now(), xid = pg_current_xact_id()
    RETURNING version
"""
# one statement, so the rows and the next xmin come from the same snapshot
_POLL_SINCE = """/* cache-versions */
    SELECT NULL, NULL, NULL, pg_snapshot_xmin(pg_current_snapshot())::text
    UNION ALL
    SELECT schema_name, clave, version, NULL FROM public.core_cacheversion WHERE xid >= %s::xid8
"""
_POLL_ALL = """/* cache-versions */
    SELECT NULL, NULL, NULL, pg_snapshot_xmin(pg_current_snapshot())::text
    UNION ALL
    SELECT schema_name, clave, version, NULL FROM public.core_cacheversion
    WHERE updated_at > now() - make_interval(secs => %s) OR schema_name = ''
"""
_PRUNE = """/* cache-versions */ DELETE FROM public.core_cacheversion
    WHERE updated_at < now() - make_interval(secs => %s) AND schema_name <> ''"""
# The row ('', 'epoch') holds a random number drawn when the database was made: entries written
# for another database (a test database made again, a staging copy sharing a Redis) are refused.
EPOCH_KEY = ("", "epoch")


class VersionWatcher:
    """This process's knowledge of the versions. One per process (`watcher`)."""

    name = "invalidation.versions"

    POLL_SECONDS = 1.0
    TRUST_SECONDS = 5.0
    # Longer than any cache entry lives (an hour at most): a pruned row's change is older than
    # every entry still cached.
    RETENTION_SECONDS = 2 * 3600
    PRUNE_EVERY = 600.0

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.clear()

    def clear(self) -> None:
        """Forget everything (tests; a process that must re-read from scratch)."""
        self._versions: dict[tuple[str, str], tuple[int, float]] = {}
        self.epoch: int | None = None
        self._xmin: str | None = None
        self._polled_at = float("-inf")
        self._trusted_until = float("-inf")
        self._pruned_at = time.monotonic()

    # --- reading --------------------------------------------------------------------------------
    def version(self, schema: str, clave: str) -> int | None:
        """The newest version known for this key (0: never changed); None when the versions
        cannot be known now, and no cache may be trusted."""
        self.refresh()
        if time.monotonic() >= self._trusted_until or self.epoch is None:
            return None
        versions = self._versions
        own = versions.get((schema, clave), (0, 0.0))[0]
        return max(own, versions.get((schema, ALL), (0, 0.0))[0])

    def refresh(self, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._polled_at < self.POLL_SECONDS:
            return
        if not self._lock.acquire(blocking=force):
            return  # another thread is polling: use what is known
        try:
            if force or now - self._polled_at >= self.POLL_SECONDS:
                self._poll(now)
        finally:
            self._lock.release()

    def _poll(self, now: float) -> None:
        if connection.in_atomic_block:
            return  # never inside someone's transaction: the next request start polls
        self._polled_at = now
        try:
            connection.ensure_connection()
            # the driver's own cursor: fully qualified names, so no search_path to set (and the
            # request's statements stay what they are); autocommit, as Django's connection is
            with connection.connection.cursor() as cursor:
                if self._xmin is None:
                    cursor.execute(_POLL_ALL, [self.RETENTION_SECONDS])
                else:
                    cursor.execute(_POLL_SINCE, [self._xmin])
                rows = cursor.fetchall()
                if now - self._pruned_at > self.PRUNE_EVERY:
                    self._pruned_at = now
                    cursor.execute(_PRUNE, [self.RETENTION_SECONDS])
        except (DatabaseError, psycopg2.Error) as exc:
            logger.warning("Cache versions could not be read: %s", exc)
            return
        for schema, clave, version, xmin in rows:
            if xmin is not None:
                self._xmin = xmin
            elif (schema, clave) == EPOCH_KEY:
                self.epoch = int(version)
            else:
                self._learn(schema, clave, int(version), now)
        if len(self._versions) > 200_000:
            limit = now - self.RETENTION_SECONDS
            self._versions = {k: v for k, v in self._versions.items() if v[1] > limit}
        self._trusted_until = now + self.TRUST_SECONDS

    def _learn(self, schema: str, clave: str, version: int, now: float) -> None:
        key = (schema, clave)
        if version > self._versions.get(key, (0, 0.0))[0]:
            self._versions[key] = (version, now)

    # --- writing --------------------------------------------------------------------------------
    def bump(self, schema: str, clave: str, *, cursor=None) -> int | None:
        """Give the key a new version in the current transaction, known to this process as soon
        as that commits; on the project's connection the statement rides with the transaction's
        last round trip before COMMIT. With `cursor` (a raw connection's), in its transaction,
        and its version is returned."""
        if cursor is not None:
            cursor.execute(_BUMP, [schema, clave])
            return int(cursor.fetchone()[0])
        connection.before_commit(
            _BUMP, [schema, clave], then=lambda row: self.learn(schema, clave, int(row[0]))
        )
        return None

    def stamp(self, version: int) -> dict:
        """What an entry loaded at this version carries."""
        return {"e": self.epoch, "v": version}

    def fresh(self, entry, known: int) -> bool:
        """An entry (a dict with its stamp) of this database, at least as new as `known`."""
        return (
            isinstance(entry, dict)
            and entry.get("e") == self.epoch
            and isinstance(entry.get("v"), int)
            and entry["v"] >= known
        )

    def learn(self, schema: str, clave: str, version: int) -> None:
        """A version this process wrote itself (or knows of otherwise), known at once."""
        with self._lock:
            self._learn(schema, clave, version, time.monotonic())


watcher = register(VersionWatcher())
