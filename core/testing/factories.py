"""Users and tokens for tests, made through the real services."""

from __future__ import annotations

import itertools
import uuid
from datetime import timedelta

from django_tenants.utils import schema_context
from rest_framework_simplejwt.tokens import AccessToken

from usuarios.auth.tokens import TENANT_CLAIM, token_pair_for
from usuarios.models import Rol, Usuario
from usuarios.services import usuario_create

PASSWORD = "Clave-De-Prueba-2026!"
_counter = itertools.count(1)


def unique_email(prefix: str = "user") -> str:
    return f"{prefix}{next(_counter)}-{uuid.uuid4().hex[:8]}@example.com"


def create_user(
    schema: str,
    *,
    rol: str = Rol.USUARIO,
    email: str | None = None,
    password: str = PASSWORD,
    activo: bool = True,
    nombre: str = "Nombre",
    apellido: str = "Apellido",
) -> Usuario:
    with schema_context(schema):
        return usuario_create(
            email=email or unique_email(rol),
            password=password,
            nombre=nombre,
            apellido=apellido,
            rol=rol,
            activo=activo,
        )


def tokens_for(schema: str, user: Usuario) -> dict[str, str]:
    with schema_context(schema):
        return token_pair_for(user=user)


def access_for(schema: str, user: Usuario) -> str:
    return tokens_for(schema, user)["access"]


def expired_access_for(schema: str, user: Usuario) -> str:
    token = AccessToken.for_user(user)
    token[TENANT_CLAIM] = schema
    token.set_exp(lifetime=-timedelta(minutes=1))
    return str(token)


def drop_test_tenants(schemas: list[str]) -> None:
    """Remove tenants a test made: their schemas and their rows (test teardown)."""
    from django.db import connection

    from core.models import Tenant

    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        for schema in schemas:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    Tenant.objects.filter(schema_name__in=schemas).delete()


def create_test_tenant(schema: str, *, activo: bool = True):
    from core.tenancy.services import tenant_create, tenant_update

    tenant = tenant_create(
        schema_name=schema,
        nombre=schema.capitalize(),
        dominio=f"{schema.replace('_', '-')}.localhost",
        admin={"email": f"admin@{schema.replace('_', '-')}.test", "password": PASSWORD, "nombre": "Admin"},
    )
    if not activo:
        tenant_update(tenant=tenant, activo=False)
    return tenant


class Actor:
    """A user of a schema with a valid access token."""

    def __init__(self, schema: str, rol: str, **kwargs) -> None:
        self.schema = schema
        self.user = create_user(schema, rol=rol, **kwargs)
        self.token = access_for(schema, self.user)

    def login_again(self) -> Actor:
        """A new token (after a restore, which ends every session of the tenant)."""
        with schema_context(self.schema):
            self.user = Usuario.objects.get(pk=self.user.pk)
        self.token = access_for(self.schema, self.user)
        return self

    @property
    def email(self) -> str:
        return self.user.email
