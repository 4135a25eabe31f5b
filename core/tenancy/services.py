"""Creating and changing tenants (public schema only)."""

from __future__ import annotations

import ipaddress
import logging
import re
import socket

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.management import call_command
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _
from django_tenants.clone import CloneSchema
from django_tenants.utils import get_public_schema_name, schema_context, schema_exists

from core.citus import (
    citus_active,
    commits_asynchronously,
    schema_distribute,
    schema_move,
    schema_placements,
    sharding_off,
    worker_nodes,
)
from core.db import connection
from core.error_codes import CoreErrorCode
from core.errors import ConflictError, InvalidError
from core.invalidation import ALL, watcher
from core.models import Domain, MigracionTenant, Tenant
from core.tenancy.levels import schema_level
from core.tenancy.maintenance import tenant_writes_paused
from core.tenancy.models import EstadoMigracion
from core.tenancy.resolver import forget_tenants
from core.tenancy.template import create_from_template, template_definition_store
from core.versioned_cache import delete_matching
from usuarios.models import Rol, Usuario, UsuarioManager
from usuarios.services import usuario_create

logger = logging.getLogger(__name__)

SCHEMA_NAME = re.compile(r"^[a-z][a-z0-9_]{1,62}$")
DOMAIN_NAME = re.compile(
    r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$"
)
RESERVED_SCHEMAS = frozenset({"public", "information_schema", "default", "template", "tenant"})


def reserved_schema(name: str) -> bool:
    return name in RESERVED_SCHEMAS or name == settings.TENANT_BASE_SCHEMA or name.startswith("pg_")


def _validate_schema_name(schema_name: str) -> str:
    name = schema_name.strip().lower()
    if not SCHEMA_NAME.match(name):
        raise InvalidError(
            {"schema_name": [_("Usa de 2 a 63 letras minúsculas, dígitos o '_', empezando por una letra.")]}
        )
    if reserved_schema(name):
        raise InvalidError({"schema_name": [_("Ese nombre está reservado.")]})
    if Domain.objects.filter(domain=name).exists():
        # X-Tenant-ID takes either: a schema named like another tenant's domain would be ambiguous
        raise InvalidError({"schema_name": [_("Ese nombre ya es el dominio de otro tenant.")]})
    return name


def platform_hosts() -> set[str]:
    """The hosts that belong to the platform itself (its API and admin): never a tenant's domain."""
    hosts = settings.PLATFORM_HOSTS
    if hosts is None:
        hosts = [h for h in settings.ALLOWED_HOSTS if h != "*" and not h.startswith(".")]
    return {h.strip().lower().strip("[]") for h in hosts} | {"localhost"}


# A host whose last label is a number is an IPv4 address to browsers and resolvers (WHATWG URL),
# in any of its spellings: 2130706433, 0x7f.0.0.1, 127.1, 017700000001.
_NUMERIC_LABEL = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$")


def _is_ip_address(value: str) -> bool:
    bare = value.strip("[]")
    try:
        ipaddress.ip_address(bare)
        return True
    except ValueError:
        pass
    try:
        socket.inet_aton(bare)
        return True
    except OSError:
        pass
    return bool(_NUMERIC_LABEL.match(bare.rstrip(".").rsplit(".", 1)[-1]))


def domain_validate(dominio: str) -> str:
    """A tenant's domain, lower-cased; never a schema name (existing, reserved or the template's),
    localhost, an IP address or one of the platform's own hosts, so no domain can take over
    another tenant or the platform."""
    value = dominio.strip().lower()
    if _is_ip_address(value):
        raise InvalidError({"dominio": [_("Un dominio no puede ser una dirección IP.")]})
    if not DOMAIN_NAME.match(value):
        raise InvalidError({"dominio": [_("El dominio no es válido.")]})
    if value in platform_hosts():
        raise InvalidError({"dominio": [_("Ese dominio es de la plataforma.")]})
    if reserved_schema(value) or Tenant.objects.filter(schema_name=value).exists():
        raise InvalidError({"dominio": [_("Ese dominio es el nombre de un schema.")]})
    return value


def _validate_admin(admin: dict) -> None:
    """The first admin as the API checks a user: a valid email and a password the validators
    accept (the command and the API share this)."""
    email = str(admin.get("email") or "").strip()
    try:
        if len(email) > 254:
            raise DjangoValidationError(_("El email no puede tener más de 254 caracteres."))
        validate_email(email)
    except DjangoValidationError as exc:
        raise InvalidError({"admin": {"email": exc.messages}}) from exc
    candidate = Usuario(
        email=UsuarioManager.normalise_email(admin["email"]),
        nombre=admin.get("nombre", ""),
        apellido=admin.get("apellido", ""),
    )
    try:
        validate_password(admin["password"], user=candidate)
    except DjangoValidationError as exc:
        raise InvalidError({"admin": {"password": exc.messages}}) from exc


def tenant_template_sync(
    *, verbosity: int = 0, app_label: str | None = None, migration_name: str | None = None
) -> None:
    """Create and migrate the template schema that new tenants are cloned from: to the latest
    migrations, or, as `migrate <app_label> [<migration_name>]` does, that app to that one
    (backwards too), so that tenants created afterwards are made as the others are now."""
    base = settings.TENANT_BASE_SCHEMA
    connection.set_schema_to_public()
    if not schema_exists(base):
        with transaction.atomic(), connection.cursor() as cursor:
            # on Citus the template stays a local schema of the coordinator: its migrations may
            # do what Citus refuses on distributed tables
            sharding_off(cursor)
            cursor.execute(f'CREATE SCHEMA "{base}"')
    target = [label for label in (app_label, migration_name) if label]
    call_command(
        "migrate_schemas", *target, tenant=True, schema_name=base, interactive=False, verbosity=verbosity
    )
    connection.set_schema_to_public()
    # dumped once per migration level, here, so that no request runs pg_dump
    template_definition_store(base)


_CONSTRAINTS = """
    SELECT c.relname, con.contype, pg_get_constraintdef(con.oid), con.conname
    FROM pg_constraint con
    JOIN pg_class c ON c.oid = con.conrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = %s
"""


def _constraint_names(cursor, schema: str) -> dict[tuple, str]:
    cursor.execute(_CONSTRAINTS, [schema])
    return {(table, kind, definition): name for table, kind, definition, name in cursor.fetchall()}


def align_constraint_names(base: str, schema: str) -> None:
    """Give the clone's constraints the template's names.

    django-tenants' clone recreates multi-column unique constraints under names PostgreSQL
    makes up (`<table>_<cols>_key`), so a later migration that alters or drops them by name,
    and code that recognises them, would fail on cloned tenants only.
    """
    with connection.cursor() as cursor:
        wanted = _constraint_names(cursor, base)
        for key, name in _constraint_names(cursor, schema).items():
            target = wanted.get(key)
            if target and target != name:
                cursor.execute(f'ALTER TABLE "{schema}"."{key[0]}" RENAME CONSTRAINT "{name}" TO "{target}"')


def _create_schema(schema_name: str) -> str:
    """Copy the migrated template (its stored definition replayed under the new name;
    django-tenants' clone when no pg_dump could ever dump it), or migrate from scratch when there
    is no template. Returns the new schema's migration level."""
    base = settings.TENANT_BASE_SCHEMA
    level = None
    with connection.cursor() as cursor:
        # on Citus the schema is built locally (Citus refuses adding identity columns to
        # distributed tables), then distributed whole to a worker
        on_citus = sharding_off(cursor)
    if schema_exists(base):
        level = create_from_template(base, schema_name)
        if level is None:
            if on_citus:
                raise ConflictError(
                    _(
                        "Sin pg_dump no se pueden crear tenants en Citus: clone_schema() deja el schema a medias."
                    ),
                    code=CoreErrorCode.TENANT_CLONE_UNSUPPORTED,
                )
            CloneSchema().clone_schema(base, schema_name, "DATA")
            align_constraint_names(base, schema_name)
    else:
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE SCHEMA "{schema_name}"')
        call_command("migrate_schemas", tenant=True, schema_name=schema_name, interactive=False, verbosity=0)
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        if on_citus:
            schema_distribute(cursor, schema_name)
        if level is None:
            level = schema_level(cursor, schema_name)
    return level


def tenant_migration_record(*, tenant: Tenant, level: str) -> None:
    """The tenant is at `level` (in the transaction that put it there)."""
    MigracionTenant.objects.update_or_create(
        tenant=tenant, defaults={"nivel": level, "estado": EstadoMigracion.AL_DIA, "error": "", "intentos": 0}
    )


@transaction.atomic
def tenant_create(*, schema_name: str, nombre: str, dominio: str | None = None, admin: dict) -> Tenant:
    """A new tenant with its schema, optional domain and first admin, all or nothing.

    PostgreSQL DDL is transactional, so a failure at any step leaves no schema, row or user.
    """
    connection.set_schema_to_public()
    name = _validate_schema_name(schema_name)
    domain = domain_validate(dominio) if dominio else None
    _validate_admin(admin)

    if Tenant.objects.filter(schema_name=name).exists() or schema_exists(name):
        raise ConflictError(_("Ya existe un tenant con ese schema."), code=CoreErrorCode.TENANT_EXISTS)
    if domain and Domain.objects.filter(domain=domain).exists():
        raise ConflictError(_("Ese dominio ya está en uso."), code=CoreErrorCode.DOMAIN_EXISTS)

    try:
        with transaction.atomic():
            tenant = Tenant.objects.create(schema_name=name, nombre=nombre)
            if domain:
                Domain.objects.create(domain=domain, tenant=tenant, is_primary=True)
    except IntegrityError as exc:
        # A concurrent create of the same schema or domain got there first.
        raise ConflictError(
            _("Ya existe un tenant con ese schema o dominio."), code=CoreErrorCode.TENANT_EXISTS
        ) from exc

    tenant_migration_record(tenant=tenant, level=_create_schema(name))
    with schema_context(name):
        usuario_create(
            email=admin["email"],
            password=admin["password"],
            nombre=admin.get("nombre", ""),
            apellido=admin.get("apellido", ""),
            rol=Rol.ADMIN,
        )
    forget_tenants()
    # a schema name can come back (a tenant deleted and made again): old entries are refused
    watcher.bump(name, ALL)
    transaction.on_commit(lambda: tenant_cache_clear(schema_name=name))
    return tenant


def tenant_cache_clear(*, schema_name: str) -> None:
    """Drop every cache entry of this schema from the cache (after commit). What makes old
    entries unusable is the schema's version (`watcher.bump(schema, ALL)`): this only frees the
    memory, and may fail silently while Redis is down."""
    with schema_context(schema_name):
        delete_matching(cache, "*")  # the key function scopes the pattern to this schema


@transaction.atomic
def tenant_update(*, tenant: Tenant, nombre: str | None = None, activo: bool | None = None) -> Tenant:
    if tenant.schema_name == get_public_schema_name():
        raise ConflictError(_("El schema público no se puede modificar."), code=CoreErrorCode.PUBLIC_SCHEMA)
    if nombre is not None:
        tenant.nombre = nombre
    if activo is not None:
        tenant.activo = activo
    tenant.save(update_fields=["nombre", "activo"])
    forget_tenants()
    return tenant


def tenant_move(*, tenant: Tenant, nodo: str) -> str:
    """Move the tenant's schema to another worker of the Citus cluster, online. Returns where
    it is now. Not in a transaction: Citus copies the schema with logical replication."""
    with connection.cursor() as cursor:
        if not citus_active(cursor):
            raise ConflictError(
                _("Mover un tenant necesita Citus (schema-based sharding); esta base de datos no lo tiene."),
                code=CoreErrorCode.CITUS_REQUIRED,
            )
        nodes = worker_nodes(cursor)
        if nodo not in nodes:
            raise InvalidError({"nodo": [_("No es un nodo del cluster: %(n)s.") % {"n": ", ".join(nodes)}]})
        where = schema_placements(cursor, [tenant.schema_name]).get(tenant.schema_name)
    if where != nodo:
        host, _sep, port = nodo.rpartition(":")
        with connection.cursor() as cursor:
            online = where is not None and not commits_asynchronously(cursor, where)
        if online:
            with connection.cursor() as cursor:
                schema_move(cursor, tenant.schema_name, host, int(port))
        else:
            # a worker that acknowledges commits before writing them could lose a write in the
            # switch (core.citus.commits_asynchronously): its writes wait out the move instead
            # (503 tenant_maintenance with Retry-After; reads go on)
            logger.warning(
                "Moving tenant %s with its writes paused: %s commits with synchronous_commit = off",
                tenant.schema_name,
                where,
            )
            with tenant_writes_paused(tenant_id=tenant.pk), connection.cursor() as cursor:
                schema_move(cursor, tenant.schema_name, host, int(port))
    return nodo
