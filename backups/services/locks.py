"""One backup at a time per tenant: the process working on one holds a PostgreSQL advisory lock,
so an `en_progreso` record left behind by a killed process is recognised (lock free) and failed."""

from __future__ import annotations

import time
import zlib
from contextlib import contextmanager, suppress
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

from backups.models import BackupRecord, EstadoBackup


def lock_id(schema: str) -> int:
    return zlib.crc32(f"backup:{schema}".encode())


@contextmanager
def working_lock(schema: str, *, wait: float = 0.0):
    """Hold the tenant's backup advisory lock (session level) while working. `wait`: how long to
    keep trying, since a racing request's stale-record check holds it for an instant too."""
    deadline = time.monotonic() + wait
    with connection.cursor() as cursor:
        while True:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [lock_id(schema)])
            acquired = cursor.fetchone()[0]
            if acquired or time.monotonic() >= deadline:
                break
            time.sleep(0.05)
    try:
        yield acquired
    finally:
        if acquired:
            with suppress(Exception), connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [lock_id(schema)])


def mark_stale_records(schema: str) -> None:
    """`en_progreso` records nobody is working on (the lock is free) are failures."""
    limit = timezone.now() - timedelta(seconds=settings.BACKUP_STALE_SECONDS)
    with working_lock(schema) as free:
        if free:
            BackupRecord.objects.filter(estado=EstadoBackup.EN_PROGRESO, created_at__lt=limit).update(
                estado=EstadoBackup.FALLIDO,
                error="Interrumpido: el proceso que lo hacía terminó.",
                completed_at=timezone.now(),
            )
