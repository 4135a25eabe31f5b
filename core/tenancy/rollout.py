"""Bringing every tenant schema to the template's migration level, without visiting the others.

The template is migrated first (`migrate` does it); its level is the target. Each tenant's level
is recorded in the public schema (`MigracionTenant`), written in the transaction that migrates
the tenant, so one query finds the tenants that are behind: with nothing to apply, `migrate`
reads one table whatever the number of tenants.

A tenant is migrated in one transaction, holding its write gate (writes answer 503
`tenant_maintenance`, reads wait for the DDL's locks at most `lock_timeout`): killed at any
point, a tenant is either migrated and recorded or untouched, and a rerun picks up the tenants
still behind. A per-tenant lock and a second look at the level inside it mean two runs at once
never migrate a tenant twice. A tenant that fails is recorded as such, with its error, and the
others go on; the next run retries it.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.contrib.contenttypes.management import create_contenttypes
from django.core.management import call_command
from django.db import connections, migrations, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.models import F, Q
from django.db.models.signals import post_migrate
from django_tenants.utils import get_public_schema_name

from core.db import connection
from core.models import MigracionTenant, Tenant
from core.tenancy.levels import schema_level
from core.tenancy.maintenance import tenant_writes_paused
from core.tenancy.models import EstadoMigracion
from core.tenancy.services import tenant_migration_record

# the first key of the per-tenant migration locks (the second is the tenant's id)
_ROLLOUT_CLASS = 74_656_175
MIGRADO = "migrado"
AL_DIA = "al_dia"
FALLIDA = "fallida"


@dataclass(frozen=True)
class Outcome:
    schema: str
    result: str  # MIGRADO, AL_DIA or FALLIDA
    error: str = ""


def target_level() -> str:
    with connection.cursor() as cursor:
        return schema_level(cursor, settings.TENANT_BASE_SCHEMA)


def tenants_behind(*, target: str) -> list[str]:
    """Tenants not recorded at `target` (never migrated by this release, behind, or failed)."""
    return list(
        Tenant.objects.exclude(schema_name=get_public_schema_name())
        .exclude(Q(migracion__nivel=target) & Q(migracion__estado=EstadoMigracion.AL_DIA))
        .order_by("schema_name")
        .values_list("schema_name", flat=True)
    )


def tenants_record_levels() -> int:
    """Record every tenant at the level its schema is at now: after django-tenants' own command
    moved them (one app, forwards or backwards), the recorded levels say what they were before.
    One query per tenant: rare, and never on a request."""
    connection.set_schema_to_public()
    count = 0
    for tenant in Tenant.objects.exclude(schema_name=get_public_schema_name()).iterator():
        with connection.cursor() as cursor:
            level = schema_level(cursor, tenant.schema_name)
        tenant_migration_record(tenant=tenant, level=level)
        count += 1
    return count


# Operations that change no model's existence, name or options: after them the content types and
# permissions that post_migrate writes (about 40% of one tenant's migration) are what they were.
_MODEL_SET_UNCHANGED = (
    migrations.AddField,
    migrations.RemoveField,
    migrations.AlterField,
    migrations.RenameField,
    migrations.AddIndex,
    migrations.RemoveIndex,
    migrations.RenameIndex,
    migrations.AddConstraint,
    migrations.RemoveConstraint,
    migrations.AlterUniqueTogether,
    migrations.AlterIndexTogether,
    migrations.AlterModelTable,
    migrations.AlterModelTableComment,
    migrations.AlterModelManagers,
    migrations.RunSQL,
    migrations.RunPython,
)
_post_migrate_needed: dict[str, bool] = {}


def _operations(operations) -> Iterator:
    for operation in operations:
        if isinstance(operation, migrations.SeparateDatabaseAndState):
            yield from _operations(operation.state_operations)
        else:
            yield operation


def _needs_post_migrate(schema: str, level: str) -> bool:
    """Whether the plan from this level creates, removes or renames a model (the same for every
    tenant at the level, so worked out once per process)."""
    if level not in _post_migrate_needed:
        connection.set_schema(schema, include_public=False)
        try:
            executor = MigrationExecutor(connection)
            plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        finally:
            connection.set_schema_to_public()
        _post_migrate_needed[level] = any(
            not isinstance(op, _MODEL_SET_UNCHANGED)
            for migration, _ in plan
            for op in _operations(migration.operations)
        )
    return _post_migrate_needed[level]


@contextmanager
def _without_post_migrate(skip: bool) -> Iterator[None]:
    if not skip:
        yield
        return
    receivers = [
        (create_permissions, "django.contrib.auth.management.create_permissions"),
        (create_contenttypes, None),
    ]
    for receiver, uid in receivers:
        post_migrate.disconnect(receiver, dispatch_uid=uid)
    try:
        yield
    finally:
        for receiver, uid in receivers:
            post_migrate.connect(receiver, dispatch_uid=uid)


def _migrate_schema(schema: str, level: str) -> None:
    with _without_post_migrate(not _needs_post_migrate(schema, level)):
        call_command("migrate_schemas", tenant=True, schema_name=schema, interactive=False, verbosity=0)


def tenant_migrate(*, schema: str, target: str) -> str:
    """Migrate one tenant to the code's migrations, all or nothing. MIGRADO or AL_DIA."""
    connection.set_schema_to_public()
    with transaction.atomic():
        tenant = Tenant.objects.get(schema_name=schema)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_ROLLOUT_CLASS, tenant.pk])
        recorded = MigracionTenant.objects.filter(tenant=tenant).first()
        if recorded and recorded.nivel == target and recorded.estado == EstadoMigracion.AL_DIA:
            return AL_DIA  # another run got there first
        with connection.cursor() as cursor:
            before = schema_level(cursor, schema)
        if before != target:
            with tenant_writes_paused(tenant_id=tenant.pk, wait_seconds=settings.MIGRATE_TENANT_WAIT_SECONDS):
                with connection.cursor() as cursor:
                    # DDL waits this long at most behind a running query, then the tenant is retried
                    cursor.execute(
                        "SELECT set_config('lock_timeout', %s, true)", [settings.MIGRATE_LOCK_TIMEOUT]
                    )
                _migrate_schema(schema, before)
                connection.set_schema_to_public()
        with connection.cursor() as cursor:
            after = schema_level(cursor, schema)
        tenant_migration_record(tenant=tenant, level=after)
    return MIGRADO if before != after else AL_DIA


def tenant_migration_failed(*, schema: str, error: str) -> None:
    connection.set_schema_to_public()
    tenant = Tenant.objects.filter(schema_name=schema).first()
    if tenant is None:  # deleted meanwhile
        return
    with transaction.atomic():
        record, created = MigracionTenant.objects.get_or_create(
            tenant=tenant,
            defaults={"nivel": "", "estado": EstadoMigracion.FALLIDA, "error": error, "intentos": 1},
        )
        if not created:
            MigracionTenant.objects.filter(pk=record.pk).update(
                estado=EstadoMigracion.FALLIDA, error=error, intentos=F("intentos") + 1
            )


def _migrate_or_record(schema: str, target: str) -> Outcome:
    try:
        return Outcome(schema, tenant_migrate(schema=schema, target=target))
    except Exception as exc:  # noqa: BLE001  one tenant's failure must not stop the others
        error = f"{type(exc).__name__}: {exc}".strip()[:2000]
        try:
            tenant_migration_failed(schema=schema, error=error)
        except Exception:  # noqa: BLE001  the database itself is failing: still report it
            connection.close()
        return Outcome(schema, FALLIDA, error)
    finally:
        # the connection policy, as after a request: a backend that touched hundreds of schemas
        # carries their relations in its caches and every DDL gets slower for it
        connection.close_if_unusable_or_obsolete()


# --- the pool -----------------------------------------------------------------------------------
_target = ""


def _die_with_parent() -> None:
    """A worker of a killed run stops with it (Linux), rather than go on alone."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _child_init(target: str) -> None:
    global _target
    _die_with_parent()
    _target = target


def _child_work(schema: str) -> Outcome:
    return _migrate_or_record(schema, _target)


def tenants_migrate(
    *, schemas: list[str], target: str, workers: int, progress: Callable[[Outcome], None] | None = None
) -> list[Outcome]:
    """Migrate these tenants with at most `workers` processes at a time."""
    outcomes: list[Outcome] = []
    results: Iterator[Outcome]
    if workers <= 1 or len(schemas) <= 1:
        results = (_migrate_or_record(schema, target) for schema in schemas)
        for outcome in results:
            outcomes.append(outcome)
            if progress:
                progress(outcome)
        return outcomes
    connections.close_all()  # no socket is shared with the children
    context = multiprocessing.get_context("fork")
    with context.Pool(min(workers, len(schemas)), initializer=_child_init, initargs=(target,)) as pool:
        for outcome in pool.imap_unordered(_child_work, schemas, chunksize=1):
            outcomes.append(outcome)
            if progress:
                progress(outcome)
    return outcomes


def migration_status() -> dict[str, object]:
    """How the tenants stand against the template: counts and the tenants not at its level."""
    target = target_level()
    total = Tenant.objects.exclude(schema_name=get_public_schema_name()).count()
    behind = tenants_behind(target=target)
    failed = dict(
        MigracionTenant.objects.filter(estado=EstadoMigracion.FALLIDA).values_list(
            "tenant__schema_name", "error"
        )
    )
    return {
        "nivel": target,
        "tenants": total,
        "al_dia": total - len(behind),
        "pendientes": [s for s in behind if s not in failed],
        "fallidos": failed,
    }
