"""tenant_create: all or nothing, fast, and the `crear_tenant` command."""

import uuid

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django_tenants.utils import schema_context, schema_exists

import core.tenancy.services
from core.models import Domain, Tenant
from core.tenancy.services import tenant_create
from core.testing.factories import PASSWORD
from usuarios.models import Usuario


def _admin(schema):
    return {"email": f"admin-{schema.replace('_', '-')}@example.com", "password": PASSWORD, "nombre": "Admin"}


def _drop(schema):
    connection.set_schema_to_public()
    Tenant.objects.filter(schema_name=schema).delete()
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def test_a_failure_after_the_schema_is_made_leaves_no_trace(monkeypatch):
    schema = f"falla_{uuid.uuid4().hex[:8]}"

    def broken(**kwargs):
        raise RuntimeError("disk full while creating the admin")

    monkeypatch.setattr(core.tenancy.services, "usuario_create", broken)
    with pytest.raises(RuntimeError):
        tenant_create(
            schema_name=schema, nombre="X", dominio=f"{schema.replace('_', '-')}.test", admin=_admin(schema)
        )
    assert not Tenant.objects.filter(schema_name=schema).exists()
    assert not Domain.objects.filter(domain__startswith=schema.replace("_", "-")).exists()
    assert not schema_exists(schema)


def test_new_tenant_is_cloned_fully_migrated_and_empty():
    schema = f"nuevo_{uuid.uuid4().hex[:8]}"
    try:
        tenant_create(schema_name=schema, nombre="Nuevo", admin=_admin(schema))
        with schema_context(schema):
            assert list(Usuario.objects.values_list("email", "rol")) == [
                (f"admin-{schema.replace('_', '-')}@example.com", "admin")
            ]
        # cloned from the template that `migrate` keeps: its migration rows, timestamps included
        with connection.cursor() as cursor:
            cursor.execute(
                f'SELECT app, name, applied FROM "{schema}".django_migrations EXCEPT '
                f'SELECT app, name, applied FROM "{settings.TENANT_BASE_SCHEMA}".django_migrations'
            )
            assert cursor.fetchall() == []
            cursor.execute(f'SELECT count(*) FROM "{schema}".django_migrations')
            assert cursor.fetchone()[0] > 10
    finally:
        _drop(schema)


def test_crear_tenant_command(capsys):
    schema = f"cmd_{uuid.uuid4().hex[:8]}"
    try:
        call_command(
            "crear_tenant",
            "--schema",
            schema,
            "--nombre",
            "Cmd",
            "--admin-email",
            "a@cmd.test",
            "--admin-password",
            PASSWORD,
        )
        assert f"Tenant '{schema}' creado" in capsys.readouterr().out
        with pytest.raises(CommandError, match="Ya existe"):
            call_command(
                "crear_tenant",
                "--schema",
                schema,
                "--nombre",
                "Cmd",
                "--admin-email",
                "a@cmd.test",
                "--admin-password",
                PASSWORD,
            )
        with pytest.raises(CommandError, match="password"):
            call_command(
                "crear_tenant",
                "--schema",
                f"{schema}x",
                "--nombre",
                "Cmd",
                "--admin-email",
                "a@cmd.test",
                "--admin-password",
                "123",
            )
    finally:
        _drop(schema)


@pytest.mark.redis
def test_a_schema_name_made_again_never_serves_the_old_tenants_cache(api):
    from core.testing.factories import access_for

    schema = f"reuso_{uuid.uuid4().hex[:8]}"
    try:
        tenant_create(schema_name=schema, nombre="Uno", admin=_admin(schema))
        with schema_context(schema):
            first = Usuario.objects.get()
        assert api.get("/api/usuarios/me/", tenant=schema, token=access_for(schema, first)).status_code == 200
        _drop(schema)

        other = {"email": "otra-persona@example.com", "password": PASSWORD, "nombre": "Otra"}
        tenant_create(schema_name=schema, nombre="Dos", admin=other)
        with schema_context(schema):
            second = Usuario.objects.get()
        assert second.pk == first.pk  # same id, different person
        me = api.get("/api/usuarios/me/", tenant=schema, token=access_for(schema, second)).json()
        assert me["email"] == "otra-persona@example.com"
    finally:
        _drop(schema)


def test_a_cloned_tenant_has_the_templates_constraint_and_index_names():
    schema = f"nombres_{uuid.uuid4().hex[:8]}"
    query = (
        "SELECT 'c:' || conname FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace "
        "WHERE n.nspname = %s UNION ALL SELECT 'i:' || indexname FROM pg_indexes WHERE schemaname = %s"
    )
    try:
        tenant_create(schema_name=schema, nombre="Nombres", admin=_admin(schema))
        with connection.cursor() as cursor:
            names = {}
            for s in (settings.TENANT_BASE_SCHEMA, schema):
                cursor.execute(query, [s, s])
                names[s] = sorted(r[0] for r in cursor.fetchall())
        assert names[schema] == names[settings.TENANT_BASE_SCHEMA]
        assert "c:pedido_idempotency_unico" in names[schema]
    finally:
        _drop(schema)


def _crear(schema: str, *extra: str) -> None:
    call_command("crear_tenant", "--schema", schema, "--nombre", "Cmd", *extra)


def test_crear_tenant_checks_the_email_as_the_api_does_and_says_so_plainly():
    schema = f"cmd_{uuid.uuid4().hex[:8]}"
    with pytest.raises(CommandError) as refused:
        _crear(schema, "--admin-email", "notanemail", "--admin-password", PASSWORD)
    message = str(refused.value)
    assert "admin.email:" in message and "ErrorDetail" not in message and "{" not in message
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [schema])
        assert cursor.fetchone() is None  # nothing half made


def test_crear_tenant_reads_the_password_from_the_environment(monkeypatch, capsys):
    schema = f"cmd_{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("ADMIN_PASSWORD", PASSWORD)
    try:
        _crear(schema, "--admin-email", "env@cmd.test")
        assert f"Tenant '{schema}' creado" in capsys.readouterr().out
    finally:
        _drop(schema)
    monkeypatch.delenv("ADMIN_PASSWORD")
    with pytest.raises(CommandError, match="ADMIN_PASSWORD"):  # no terminal to ask in
        _crear(f"{schema}x", "--admin-email", "env@cmd.test")


def test_crear_tenant_asks_for_the_password_twice_in_a_terminal():
    import os
    import pty
    import select
    import sys

    from core.local_services import BASE_DIR
    from core.testing.processes import session_database_url

    schema = f"cmd_{uuid.uuid4().hex[:8]}"
    env = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    env.update({"ENV_FILE": os.devnull, "DATABASE_URL": session_database_url(), "REDIS_URL": "off"})
    env.update({"DEBUG": "true", "SECRET_KEY": "solo-para-esta-prueba"})
    pid, fd = pty.fork()
    if pid == 0:  # the child: manage.py on a terminal of its own
        os.chdir(BASE_DIR)
        os.execve(
            sys.executable,
            [
                sys.executable,
                "manage.py",
                "crear_tenant",
                "--schema",
                schema,
                "--nombre",
                "Tty",
                "--admin-email",
                "tty@cmd.test",
            ],  # fmt: skip
            env,
        )
    output = b""

    def read_until(text: bytes, seconds: float = 60) -> None:
        nonlocal output
        while text not in output:
            ready, _, _ = select.select([fd], [], [], seconds)
            assert ready, output
            output += os.read(fd, 1024)

    try:
        read_until("Contraseña del administrador".encode())
        os.write(fd, f"{PASSWORD}\n".encode())
        read_until("Repítela".encode())
        os.write(fd, f"{PASSWORD}\n".encode())
        read_until(b"creado")
        assert PASSWORD.encode() not in output  # never echoed
    finally:
        os.waitpid(pid, 0)
        _drop(schema)
