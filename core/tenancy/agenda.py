"""The tenants a sweep has to look at, from `AgendaTenant`, in bounded batches."""

from __future__ import annotations

from datetime import datetime

from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django_tenants.utils import get_public_schema_name

from core.db import public_schema
from core.models import AgendaTenant, Tenant

_TABLE = AgendaTenant._meta.db_table


def agenda_mark_sql(*, schema: str, tarea: str) -> tuple[str, list[str]]:
    """The statement of `agenda_mark`, for a caller that sends it with its own (one round trip)."""
    return (
        f"INSERT INTO public.{_TABLE} (schema_name, tarea, revisar_en) VALUES (%s, %s, now()) "  # noqa: S608
        "ON CONFLICT (schema_name, tarea) DO NOTHING",
        [schema, tarea],
    )


def agenda_mark(*, schema: str, tarea: str) -> None:
    """Look at `schema` for `tarea` at the next sweep, in the caller's transaction. An existing
    mark is kept as it is (no row lock: concurrent writes of one tenant never wait on it)."""
    with connection.cursor() as cursor:
        cursor.execute(*agenda_mark_sql(schema=schema, tarea=tarea))


def agenda_set(*, schema: str, tarea: str, at: datetime) -> None:
    """Look at `schema` for `tarea` at `at`, whatever was set before."""
    with public_schema():
        AgendaTenant.objects.update_or_create(schema_name=schema, tarea=tarea, defaults={"revisar_en": at})


def agenda_due(*, tarea: str, limit: int, include_unlisted: bool, active_only: bool = True) -> list[str]:
    """Up to `limit` schemas due for `tarea`, oldest first; with `include_unlisted`, tenants
    without a row for it too (looked at once, then they get one)."""
    now = timezone.now()
    tenants = Tenant.objects.exclude(schema_name=get_public_schema_name())
    if active_only:
        tenants = tenants.filter(activo=True)
    rows = AgendaTenant.objects.filter(tarea=tarea, schema_name=OuterRef("schema_name"))
    due = Q(Exists(rows.filter(revisar_en__lte=now)))
    if include_unlisted:
        due |= ~Q(Exists(rows))
    with public_schema():
        return list(tenants.filter(due).order_by("schema_name").values_list("schema_name", flat=True)[:limit])


def agenda_forget(*, schema: str, tarea: str) -> None:
    with public_schema():
        AgendaTenant.objects.filter(schema_name=schema, tarea=tarea).delete()
