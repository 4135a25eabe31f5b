"""Which tenant a request is for.

Order: the `X-Tenant-ID` (alias `X-Tenant`) header, a schema name or one of the tenant's
domains; else the hostname through the domain table; else the public schema. Bad input is an
error, never a silent fallback to another schema.

Lookups are cached in the process, so a warm request does no query and no round trip to find its
tenant. A change made through the product (API, admin, commands) bumps the "tenants" version in
the database in its own transaction (`core.invalidation`); each process learns it within about
a second (at once in the process that made it) and drops its entries, whether or not Redis was
reachable. Shared entries in Redis carry the version their reader knew, so an older one is never
served. While the versions cannot be read, nothing cached is used.
"""

from __future__ import annotations

import re
import threading
import time
import uuid

from django.core.cache import caches
from django.db.models import Q
from django.http.request import split_domain_port
from django_tenants.utils import get_public_schema_name

from core.db import public_schema
from core.invalidation import watcher
from core.models import Domain, Tenant
from core.process_caches import register
from core.tenancy.errors import InvalidTenant, TenantInactive, TenantNotFound

HEADER_KEYS = ("HTTP_X_TENANT_ID", "HTTP_X_TENANT")
# A schema name or a DNS name, optionally with a port (ignored).
_IDENTIFIER = re.compile(r"^[a-z0-9_][a-z0-9_.-]{0,252}$")
_PORT = re.compile(r":\d{1,5}$")
_MAX_ENTRIES = 10_000
_SHARED_FIELDS = ("id", "schema_name", "nombre", "activo", "uid", "sesion_version")
VERSION_KEY = ("public", "tenants")
# The longest a process keeps an entry (a change made outside the product, by hand in SQL, is
# seen within that time).
_PROCESS_SECONDS = 60.0
_SHARED_SECONDS = 300


class _TenantLookups:
    """This process's lookups, all of one tenants version (entries live _PROCESS_SECONDS at most)."""

    name = "tenancy.lookups"

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.clear()

    def clear(self) -> None:
        self.entries: dict[tuple[str, str], tuple[float, Tenant | None]] = {}
        self.version: int | None = None


lookups = register(_TenantLookups())

# The platform's own identity in its operators' tokens (the public schema has no tenant row).
PUBLIC_TENANT = Tenant(
    schema_name=get_public_schema_name(),
    nombre="Plataforma",
    activo=True,
    uid=uuid.UUID(int=0),
    sesion_version=1,
)


def forget_tenants() -> None:
    """Call inside the transaction that changes a tenant or a domain: every process drops its
    lookups once it commits (this one at once, the others within about a second)."""
    watcher.bump(*VERSION_KEY)


def _in_public(load, value: str) -> Tenant | None:
    """The tenant tables are in the public schema, which a tenant's search_path leaves out."""
    with public_schema():
        return load(value)


def _cached(kind: str, value: str, load, *, remember_missing: bool = False) -> Tenant | None:
    """Process cache, then the shared cache, then the database. A name that finds no tenant is
    looked up again next time (`remember_missing`: kept in the process like any entry)."""
    key = (kind, value)
    now = time.monotonic()
    version = watcher.version(*VERSION_KEY)
    if version is None:
        return _in_public(load, value)
    with lookups.lock:
        if lookups.version != version:
            lookups.entries.clear()
            lookups.version = version
        hit = lookups.entries.get(key)
    if hit is not None and hit[0] > now:
        return hit[1]
    shared_key = f"tenant:{kind}:{value}"
    shared = caches["global"].get(shared_key)
    # .get: an entry written in another shape (by an older release during a deploy) is a miss
    tenant: Tenant | None
    if watcher.fresh(shared, version) and isinstance(shared.get("fields"), dict):
        tenant = Tenant(**shared["fields"])
    else:
        tenant = _in_public(load, value)
        if tenant is not None:
            fields = {f: getattr(tenant, f) for f in _SHARED_FIELDS}
            caches["global"].set(shared_key, {**watcher.stamp(version), "fields": fields}, _SHARED_SECONDS)
    if tenant is None and not remember_missing:
        # a tenant created under this name is served from its first request (else an old
        # tenant's token would get 404 there, not 401, until the version poll)
        return None
    with lookups.lock:
        if lookups.version == version:
            if len(lookups.entries) >= _MAX_ENTRIES:
                lookups.entries.clear()
            lookups.entries[key] = (now + _PROCESS_SECONDS, tenant)
    return tenant


def _load_by_identifier(value: str) -> Tenant | None:
    """An exact schema name wins over a domain of another tenant."""
    public = get_public_schema_name()
    matches = list(
        Tenant.objects.filter(Q(schema_name=value) | Q(domains__domain=value))
        .exclude(schema_name=public)
        .distinct()[:2]
    )
    return next((t for t in matches if t.schema_name == value), matches[0] if matches else None)


def _load_by_hostname(hostname: str) -> Tenant | None:
    domain = Domain.objects.select_related("tenant").filter(domain=hostname).first()
    return domain.tenant if domain else None


def tenant_gone(tenant: Tenant) -> bool:
    """Whether this tenant instance (not only its name) no longer exists, asked of the database.
    A process that finds one reads the cache versions at once, instead of within the second,
    so that its next lookup of the name is not the stale one."""
    with public_schema():
        gone = not Tenant.objects.filter(pk=tenant.pk, schema_name=tenant.schema_name).exists()
    if gone:
        watcher.refresh(force=True)
    return gone


def tenant_of_schema(schema: str) -> Tenant | None:
    """The tenant that owns this schema now (active or not), from the same caches."""
    if schema == get_public_schema_name():
        return PUBLIC_TENANT
    return _cached("schema", schema, lambda value: Tenant.objects.filter(schema_name=value).first())


def normalise_identifier(raw: str) -> str:
    value = _PORT.sub("", raw.strip().lower())
    if not _IDENTIFIER.match(value):
        raise InvalidTenant()
    # Reserved names (public, information_schema, pg_*) are well-formed but never tenants:
    # the lookup excludes public and creation refuses the others, so they end as 404.
    return value


def _checked(tenant: Tenant | None) -> Tenant:
    if tenant is None:
        raise TenantNotFound()
    if not tenant.activo:
        raise TenantInactive()
    return tenant


def tenant_for_identifier(raw: str) -> Tenant:
    value = normalise_identifier(raw)
    return _checked(_cached("id", value, _load_by_identifier))


def tenant_for_hostname(hostname: str) -> Tenant:
    """The tenant owning this hostname, or the public stand-in when none does."""
    # the platform's own hosts find no tenant on every request: that answer is remembered (a
    # domain given to a tenant is known within the version poll, about a second)
    tenant = _cached("host", hostname.lower(), _load_by_hostname, remember_missing=True)
    if tenant is None or tenant.schema_name == get_public_schema_name():
        return PUBLIC_TENANT
    return _checked(tenant)


def header_value(request) -> str | None:
    for key in HEADER_KEYS:
        if key in request.META:
            return request.META[key]
    return None


def resolve_tenant(request) -> Tenant:
    raw = header_value(request)
    if raw is not None:
        return tenant_for_identifier(raw)
    hostname, _port = split_domain_port(request.get_host())
    return tenant_for_hostname(hostname)
