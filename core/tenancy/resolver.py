"""Which tenant a request is for.

Order: the `X-Tenant-ID` (alias `X-Tenant`) header, a schema name or one of the tenant's
domains; else the hostname through the domain table; else the public schema. Bad input is an
error, never a silent fallback to another schema.

Lookups are cached in the process for TENANT_CACHE_SECONDS, so a warm request does no query to
find its tenant and a deactivation takes effect within that many seconds everywhere (at once in
the process that made the change).
"""

from __future__ import annotations

import re
import threading
import time

from django.conf import settings
from django.core.cache import caches
from django.db.models import Q
from django.http.request import split_domain_port
from django_tenants.utils import get_public_schema_name

from core.models import Domain, Tenant
from core.tenancy.errors import InvalidTenant, TenantInactive, TenantNotFound

HEADER_KEYS = ("HTTP_X_TENANT_ID", "HTTP_X_TENANT")
# A schema name or a DNS name, optionally with a port (ignored).
_IDENTIFIER = re.compile(r"^[a-z0-9_][a-z0-9_.-]{0,252}$")
_PORT = re.compile(r":\d{1,5}$")
_MAX_ENTRIES = 10_000
_SHARED_SECONDS = 60
_SHARED_FIELDS = ("id", "schema_name", "nombre", "activo")

_cache: dict[tuple[str, str], tuple[float, Tenant | None]] = {}
_lock = threading.Lock()

PUBLIC_TENANT = Tenant(schema_name=get_public_schema_name(), nombre="Plataforma", activo=True)


def forget_tenants() -> None:
    """Drop the cached lookups (after a tenant or domain changes): this process's at once, the
    shared ones everywhere; other processes' own entries expire within TENANT_CACHE_SECONDS."""
    with _lock:
        _cache.clear()
    from core.versioned_cache import delete_matching

    delete_matching(caches["global"], "tenant:*")


def _cached(kind: str, value: str, load) -> Tenant | None:
    """Process cache (TENANT_CACHE_SECONDS), then the shared cache (a minute, dropped whenever a
    tenant or domain changes), then the database."""
    key = (kind, value)
    now = time.monotonic()
    hit = _cache.get(key)
    if hit is not None and hit[0] > now:
        return hit[1]
    shared_key = f"tenant:{kind}:{value}"
    fields = caches["global"].get(shared_key)
    if fields:
        tenant = Tenant(**fields)
    else:
        tenant = load(value)
        if tenant is not None:
            caches["global"].set(shared_key, {f: getattr(tenant, f) for f in _SHARED_FIELDS}, _SHARED_SECONDS)
    with _lock:
        if len(_cache) >= _MAX_ENTRIES:
            _cache.clear()
        _cache[key] = (now + settings.TENANT_CACHE_SECONDS, tenant)
    return tenant


def _load_by_identifier(value: str) -> Tenant | None:
    public = get_public_schema_name()
    return (
        Tenant.objects.filter(Q(schema_name=value) | Q(domains__domain=value))
        .exclude(schema_name=public)
        .distinct()
        .first()
    )


def _load_by_hostname(hostname: str) -> Tenant | None:
    domain = Domain.objects.select_related("tenant").filter(domain=hostname).first()
    return domain.tenant if domain else None


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
    tenant = _cached("host", hostname.lower(), _load_by_hostname)
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
