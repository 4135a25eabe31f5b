"""A tenant's write gate: writes pass while nobody holds the tenant for maintenance.

Each write request holds a shared PostgreSQL advisory lock on its tenant for as long as it runs;
maintenance (a restore, a deletion) takes the same lock exclusively, so it starts only once the
writes in flight have finished, and every write that arrives meanwhile is refused at once with
503 `tenant_maintenance` (PostgreSQL refuses a shared request behind a queued exclusive one).
No write is acknowledged and then lost with the data a restore replaces. Reads never wait.

The lock lives in the database session, so a process killed mid-request frees it with its
connection, and it works the same across any number of processes and servers.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import DatabaseError, OperationalError
from django.utils.translation import gettext_lazy as _

from core.db import connection
from core.error_codes import CoreErrorCode
from core.errors import ConflictError, UnavailableError

# The first key of the two-key advisory locks: this product's tenant gates (the second is the
# tenant's id), apart from every single-key lock such as the backups'.
_GATE_CLASS = 74_656_174


class TenantMaintenance(UnavailableError):
    default_code = CoreErrorCode.TENANT_MAINTENANCE
    default_message = _(
        "El tenant está en mantenimiento (una restauración, una migración o su eliminación). Inténtalo en unos segundos."
    )


class MaintenanceBusy(ConflictError):
    default_code = CoreErrorCode.TENANT_BUSY
    default_message = _("El tenant tiene escrituras en curso que no terminaron a tiempo. Inténtalo de nuevo.")


class Gate(enum.Enum):
    OPEN = "open"  # joined: the caller must write_leave()
    PAUSED = "paused"  # under maintenance
    GONE = "gone"  # this tenant instance no longer exists (deleted, perhaps re-created)


def write_enter(*, tenant_id: int, schema_name: str) -> Gate:
    """Join the tenant's writers. Usually the request's first statement: it doubles as the
    connection's health check (core.db_backend).

    The request's tenant came from a lookup cache that may be up to a second behind a deletion
    or a re-creation under the same name; under the shared lock, which a deletion needs
    exclusively, the tenant row seen in the same round trip stays as it is until the writes end."""
    row = connection.first_statement(
        "SELECT pg_try_advisory_lock_shared(%s, %s), "
        "EXISTS (SELECT 1 FROM public.core_tenant WHERE id = %s AND schema_name = %s)",
        [_GATE_CLASS, tenant_id, tenant_id, schema_name],
    )
    if not row[0]:
        return Gate.PAUSED
    if not row[1]:
        write_leave(tenant_id=tenant_id)
        return Gate.GONE
    return Gate.OPEN


def write_leave(*, tenant_id: int) -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock_shared(%s, %s)", [_GATE_CLASS, tenant_id])
    except DatabaseError:
        # a session we cannot clean must not keep the lock: closing it frees everything it held
        connection.close()


@contextmanager
def tenant_writes_paused(*, tenant_id: int, wait_seconds: float | None = None) -> Iterator[None]:
    """Hold the tenant exclusively: wait for the writes in flight, refuse new ones until done."""
    wait = settings.TENANT_MAINTENANCE_WAIT_SECONDS if wait_seconds is None else wait_seconds
    with connection.cursor() as cursor:
        try:
            cursor.execute("SELECT set_config('lock_timeout', %s, false)", [f"{int(wait * 1000)}ms"])
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", [_GATE_CLASS, tenant_id])
        except OperationalError as exc:
            if getattr(exc.__cause__, "pgcode", None) == "55P03":  # lock_not_available
                raise MaintenanceBusy() from exc
            raise
        finally:
            cursor.execute("SELECT set_config('lock_timeout', '0', false)")
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [_GATE_CLASS, tenant_id])
        except DatabaseError:
            connection.close()
