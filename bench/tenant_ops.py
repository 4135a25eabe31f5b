"""Operations the tenants-at-scale bench times inside one database, run as
`python -m bench.tenant_ops <op> [n]` with that database's environment; prints one JSON line.

build <start> <count>: bulk tenants (the template's stored definition replayed, as tenant_create
does, without hashing a password per tenant); seed: the `bench` tenant with some data; backup,
restore, create: the median seconds of the real operations; tokens <count>: minted tokens.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
import uuid

PASSWORD = "Bench-Clave-Segura-2026"
PREFIX = "esc_"


def _setup() -> None:
    import django

    django.setup()


def build(start: int, count: int) -> dict:
    from django.conf import settings
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django_tenants.utils import schema_context

    from core.models import MigracionTenant, Tenant
    from core.schema_copy import execute_dump
    from core.tenancy.models import EstadoMigracion
    from core.tenancy.template import rename_schema, template_definition
    from usuarios.models import Rol, Usuario

    base = settings.TENANT_BASE_SCHEMA
    definition = template_definition(base)
    sql = definition.antes + definition.datos + definition.despues
    hashed = make_password(PASSWORD)
    existing = set(
        Tenant.objects.filter(schema_name__startswith=PREFIX).values_list("schema_name", flat=True)
    )
    started = time.perf_counter()
    made = 0
    # a few tenants per transaction: each locks about 140 new relations until it commits
    for first in range(start, start + count, 5):
        if (first - start) % 100 == 0:
            # a backend that made hundreds of schemas carries all their relations in its caches,
            # and every DDL gets slower for it (the connection policy, applied to the builder)
            connection.close()
        with transaction.atomic():
            for i in range(first, min(first + 5, start + count)):
                schema = f"{PREFIX}{i:05d}"
                if schema in existing:
                    continue
                connection.set_schema_to_public()
                with connection.cursor() as cursor:
                    execute_dump(cursor, [rename_schema(sql, base, schema).encode()])
                    cursor.execute("SELECT set_config('search_path', 'public', false)")
                connection.set_schema_to_public()
                tenant = Tenant.objects.create(schema_name=schema, nombre=schema)
                MigracionTenant.objects.create(
                    tenant=tenant, nivel=definition.nivel, estado=EstadoMigracion.AL_DIA
                )
                with schema_context(schema):
                    Usuario.objects.create(email=f"a@{i}.test", password=hashed, nombre="A", rol=Rol.ADMIN)
                made += 1
    return {"made": made, "seconds": time.perf_counter() - started}


def seed() -> dict:
    from decimal import Decimal

    from django_tenants.utils import schema_context

    from core.models import Tenant
    from core.tenancy.services import tenant_create
    from productos.services import catalogo
    from tickets.services import interaccion_create, ticket_create
    from usuarios.models import Usuario

    if Tenant.objects.filter(schema_name="bench").exists():
        return {"ok": True}  # seeded by an earlier run on this database: the same data
    tenant_create(
        schema_name="bench",
        nombre="Bench",
        admin={"email": "admin@bench.test", "password": PASSWORD, "nombre": "Admin"},
    )
    with schema_context("bench"):
        admin = Usuario.objects.get(email="admin@bench.test")
        categoria = catalogo.categoria_create(nombre=f"Cat {uuid.uuid4().hex[:6]}")
        for n in range(100):
            catalogo.producto_create(
                sku=f"B-{uuid.uuid4().hex[:8]}",
                nombre=f"Producto {n}",
                precio=Decimal("9.5"),
                categoria=categoria,
            )
        for n in range(200):
            ticket = ticket_create(actor=admin, titulo=f"Ticket {n}", descripcion="x" * 200)
            interaccion_create(actor=admin, ticket_id=ticket.pk, tipo="comentario", contenido="respuesta")
    return {"ok": True}


def _timed(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def backup(repeat: int) -> dict:
    from django_tenants.utils import schema_context

    from backups import services

    def once():
        record, _ = services.backup_create(allow_async=False)
        services.backup_delete(record_id=record.pk)

    with schema_context("bench"):
        once()  # warm: the template's definition read once per process
        return {"seconds": _timed(once, repeat)}


def restore(repeat: int) -> dict:
    from django_tenants.utils import schema_context

    from backups import services
    from usuarios.models import Usuario

    with schema_context("bench"):
        actor = Usuario.objects.get(email="admin@bench.test")
        record, _ = services.backup_create(allow_async=False)

        def once():
            services.backup_restore(record_id=record.pk, actor=actor, confirm="bench")

        return {"seconds": _timed(once, repeat)}


def create(repeat: int) -> dict:
    from core.tenancy.services import tenant_create

    def once():
        schema = f"nuevo_{uuid.uuid4().hex[:10]}"
        tenant_create(
            schema_name=schema,
            nombre=schema,
            admin={"email": "a@nuevo.test", "password": PASSWORD, "nombre": "A"},
        )

    once()
    return {"seconds": _timed(once, repeat)}


def tokens(count: int) -> dict:
    from bench.harness import minted_token

    return {
        "tokens": {f"{PREFIX}{i:05d}": minted_token(f"{PREFIX}{i:05d}", f"a@{i}.test") for i in range(count)}
    }


def sweeps() -> dict:
    """One run of each periodic sweep with nothing to do, as the beat runs them."""
    from backups.tasks import backups_programados
    from core.outbox.services import eventos_entregar_todos

    return {
        "outbox": _timed(eventos_entregar_todos, 3),
        "backups": _timed(backups_programados, 3),
    }


def main() -> None:
    _setup()
    op, *args = sys.argv[1:]
    numbers = [int(a) for a in args]
    handlers = {
        "build": build,
        "seed": seed,
        "backup": backup,
        "restore": restore,
        "create": create,
        "tokens": tokens,
        "sweeps": sweeps,
    }
    print("BENCH_JSON " + json.dumps(handlers[op](*numbers)))


if __name__ == "__main__":
    main()
