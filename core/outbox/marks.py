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

from django.db import connections

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
                self._pid = os.getpid()
                threading.Thread(target=self._run, name="outbox-marks", daemon=True).start()

    def _run(self) -> None:
        while True:
            try:
                first = self._queue.get(timeout=IDLE_CLOSE_SECONDS)
            except queue.Empty:
                connections["default"].close()  # idle: give the connection back
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

    @staticmethod
    def _write(marks: list[tuple[str, str]]) -> None:
        by_schema: dict[str, list[str]] = defaultdict(list)
        for schema, evento_id in marks:
            by_schema[schema].append(evento_id)
        connection = connections["default"]
        if connection.connection is None:
            connection.ensure_connection()
            with connection.cursor() as cursor:  # told apart from the request threads' ones
                cursor.execute("SET application_name = %s", [f"{_app_name(connection)}outbox-marks"])
        for schema, ids in by_schema.items():
            table = f"{connection.ops.quote_name(schema)}.outbox_evento"
            try:
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"UPDATE {table} SET entregado_en = now(), intentos = intentos + 1 "  # noqa: S608
                        "WHERE evento_id = ANY(%s::uuid[]) AND entregado_en IS NULL",
                        [ids],
                    )
            except Exception:  # the sweep sends them again after its grace
                logger.exception("Could not mark %d delivered events of %s", len(ids), schema)
                connection.close()


def _app_name(connection) -> str:
    name = connection.settings_dict.get("OPTIONS", {}).get("application_name") or ""
    return f"{name} " if name else ""


marks = DeliveredMarks()
atexit.register(marks.flush)
