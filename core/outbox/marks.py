"""Delivered events marked in batches, off the request: one UPDATE per tenant per batch.

A write delivers its events right after commit (core.outbox.services); the mark that says so
is queued here and a thread of the process writes the marks of every write of the last moment
together. A mark lost with a process that dies first only means the event goes out again: the
sweep sends rows older than OUTBOX_SWEEP_GRACE_SECONDS that nobody marked (at least once).
"""

from __future__ import annotations

import atexit
import logging
import os
import queue
import threading
import time
from collections import defaultdict

import psycopg2
from django.db import connections
from psycopg2 import sql

logger = logging.getLogger(__name__)

BATCH_SECONDS = 0.05  # how long a batch gathers marks once the first arrives
IDLE_CLOSE_SECONDS = 1.0  # the thread's connection is closed after this long without marks


class DeliveredMarks:
    def __init__(self) -> None:
        self._queue: queue.Queue[tuple[str, str]] = queue.Queue()
        self._lock = threading.Lock()
        self._pid: int | None = None

    def add(self, *, schema: str, evento_id: str) -> None:
        """`evento_id` (the event's uuid, not its row id): a schema dropped and made again
        numbers its rows from 1, and a late mark must not land on another event."""
        self._ensure_thread()
        self._queue.put((schema, evento_id))

    def flush(self, timeout: float = 5.0) -> None:
        """Wait (at most `timeout`) until the marks queued so far are written: the sweep, before
        it looks for unmarked rows, and the process's exit."""
        if self._pid != os.getpid():
            return
        deadline = time.monotonic() + timeout
        done = self._queue.all_tasks_done
        with done:
            while self._queue.unfinished_tasks:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return
                done.wait(remaining)

    def _ensure_thread(self) -> None:
        if self._pid == os.getpid():
            return
        with self._lock:
            if self._pid != os.getpid():  # first use in this process (or a forked child)
                self._queue = queue.Queue()
                self._db = None  # a parent's connection is the parent's
                self._pid = os.getpid()
                threading.Thread(target=self._run, name="outbox-marks", daemon=True).start()

    def _run(self) -> None:
        while True:
            try:
                first = self._queue.get(timeout=IDLE_CLOSE_SECONDS)
            except queue.Empty:
                self._close()  # idle: give the connection back
                continue
            batch = [first]
            try:
                threading.Event().wait(BATCH_SECONDS)
                while True:
                    try:
                        batch.append(self._queue.get_nowait())
                    except queue.Empty:
                        break
                self._write(batch)
            finally:
                for _ in batch:
                    self._queue.task_done()

    _db = None  # the thread's own connection (psycopg2, autocommit), named for pg_stat_activity

    def _connection(self):
        if self._db is None or self._db.closed:
            params = connections["default"].get_connection_params()
            name = params.get("application_name") or ""
            params["application_name"] = f"{name} outbox-marks".strip()
            self._db = psycopg2.connect(**params)
            self._db.autocommit = True
        return self._db

    def _close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def _write(self, marks: list[tuple[str, str]]) -> None:
        by_schema: dict[str, list[str]] = defaultdict(list)
        for schema, evento_id in marks:
            by_schema[schema].append(evento_id)
        for schema, ids in by_schema.items():
            table = sql.SQL("{}.outbox_evento").format(sql.Identifier(schema))
            try:
                with self._connection().cursor() as cursor:
                    cursor.execute(
                        sql.SQL(
                            "UPDATE {} SET entregado_en = now(), intentos = intentos + 1 "
                            "WHERE evento_id = ANY(%s::uuid[]) AND entregado_en IS NULL"
                        ).format(table),
                        [ids],
                    )
            except Exception:  # the sweep sends them again after its grace
                logger.exception("Could not mark %d delivered events of %s", len(ids), schema)
                self._close()


marks = DeliveredMarks()
atexit.register(marks.flush)
