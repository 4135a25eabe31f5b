"""Deleting a tenant: a final backup, the schema and name gone, its tokens dead for good, even on a
new tenant of the same name."""

import gzip
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django_tenants.utils import schema_exists

from core.models import Tenant, TenantEliminado
from core.testing.client import assert_error
from core.testing.factories import PASSWORD, create_test_tenant, tokens_for

TENANTS = "/api/tenants/"
ME = "/api/usuarios/me/"


@pytest.fixture
def doomed(backup_settings, make_actor):
    schema = f"del_{uuid.uuid4().hex[:10]}"
    create_test_tenant(schema)
    yield schema, make_actor(schema, "admin")
    if schema_exists(schema):
        Tenant.objects.filter(schema_name=schema).delete()


def test_operator_deletes_a_tenant_keeping_a_final_backup(api, operator, doomed, backup_settings):
    schema, admin = doomed
    assert (
        api.post(
            "/api/tickets/tickets/", tenant=schema, token=admin.token, json={"titulo": "Último"}
        ).status_code
        == 201
    )
    response = api.delete(f"{TENANTS}{schema}/", token=operator.token, json={"confirm": schema})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["schema_name"] == schema and body["backup_size"] > 0
    stored = Path(backup_settings.BACKUP_ROOT) / body["backup_path"]
    assert "Último".encode() in gzip.decompress(stored.read_bytes())
    assert not schema_exists(schema)
    assert not Tenant.objects.filter(schema_name=schema).exists()
    assert TenantEliminado.objects.filter(schema_name=schema, backup_path=body["backup_path"]).exists()
    assert_error(api.get(ME, tenant=schema, token=admin.token), 404, "tenant_not_found")
    assert_error(api.get(ME, tenant=f"{schema.replace('_', '-')}.localhost"), 404, "tenant_not_found")


def test_a_new_tenant_of_the_same_name_never_accepts_the_old_tokens(api, operator, doomed):
    schema, admin = doomed
    old = tokens_for(schema, admin.user)
    assert (
        api.delete(f"{TENANTS}{schema}/", token=operator.token, json={"confirm": schema}).status_code == 200
    )
    # the name is free: a new organisation takes it, and its first admin gets the same user id
    created = api.post(
        TENANTS,
        token=operator.token,
        json={
            "schema_name": schema,
            "nombre": "Otra",
            "admin": {"email": admin.email, "password": PASSWORD, "nombre": "Otra"},
        },
    )
    assert created.status_code == 201, created.text
    assert_error(api.get(ME, tenant=schema, token=old["access"]), 401, "token_not_valid")
    assert_error(api.post("/api/auth/token/refresh/", tenant=schema, json={"refresh": old["refresh"]}), 401)
    login = api.post("/api/auth/token/", tenant=schema, json={"email": admin.email, "password": PASSWORD})
    assert api.get(ME, tenant=schema, token=login.json()["access"]).json()["nombre"] == "Otra"


def test_deletion_needs_the_schema_name_as_confirmation(api, operator, doomed):
    schema, _admin = doomed
    body = assert_error(
        api.delete(f"{TENANTS}{schema}/", token=operator.token, json={}), 400, "validation_error"
    )
    assert "confirm" in body["details"]
    body = assert_error(
        api.delete(f"{TENANTS}{schema}/", token=operator.token, json={"confirm": "otro"}),
        400,
        "validation_error",
    )
    assert "confirm" in body["details"]
    assert schema_exists(schema)


def test_only_operators_delete_tenants(api, doomed, admin_a):
    schema, admin = doomed
    assert_error(api.delete(f"{TENANTS}{schema}/", json={"confirm": schema}), 401)
    # a tenant's admin, in the public schema or in their own tenant
    assert_error(api.delete(f"{TENANTS}{schema}/", token=admin.token, json={"confirm": schema}), 401)
    response = api.delete(f"{TENANTS}{schema}/", tenant=schema, token=admin.token, json={"confirm": schema})
    assert response.status_code == 404
    assert_error(api.delete(f"{TENANTS}no_existe/", token=admin_a.token, json={"confirm": "no_existe"}), 401)
    assert schema_exists(schema)


def test_unknown_tenant_is_404(api, operator):
    assert_error(
        api.delete(f"{TENANTS}no_existe_x/", token=operator.token, json={"confirm": "no_existe_x"}), 404
    )


def test_the_command_deletes_with_confirmation(doomed):
    schema, _admin = doomed
    with pytest.raises(CommandError):
        call_command("eliminar_tenant", schema=schema, confirm="otro")
    assert schema_exists(schema)
    call_command("eliminar_tenant", schema=schema, confirm=schema)
    assert not schema_exists(schema)
    assert TenantEliminado.objects.filter(schema_name=schema).exists()
