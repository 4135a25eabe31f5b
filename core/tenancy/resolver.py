"""Which tenant a request is for.

Order: the `X-Tenant-ID` (alias `X-Tenant`) header, a schema name or one of the tenant's
domains; else the hostname through the domain table; else the public schema. Bad input is an
error, never a silent fallback to another schema.

Lookups are cached in the process, so a warm request does no query and no round trip to find its
tenant. A change made through the product (API, admin, commands) bumps a shared generation
number in Redis; each process reads it at most once a second and drops its entries when it moved,
so a deactivation takes effect everywhere within about a second (at once in the process that
made it). Without Redis, or while it is down, entries live TENANT_CACHE_SECONDS instead.
"""

from __future__ import annotations

import re
import threading
import time
import uuid

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
_SHARED_FIELDS = ("id", "schema_name", "nombre", "activo")
_GENERATION_KEY = "tenant:generation"
# How often a process asks whether tenants changed, and the longest it keeps an entry when it
# can ask (a change made outside the product, by hand in SQL, is seen within that time).
_GENERATION_EVERY = 1.0
_KNOWN_GENERATION_SECONDS = 60.0
_SHARED_SECONDS = 300

_cache: dict[tuple[str, str], tuple[float, Tenant | None]] = {}
_lock = threading.Lock()
# the generation this process's entries belong to (None: unknown) and when it was last read
_seen = {"generation": None, "read_at": float("-inf")}

PUBLIC_TENANT = Tenant(schema_name=get_public_schema_name(), nombre="Plataforma", activo=True)


def forget_tenants() -> None:
    """Drop the cached lookups (after a tenant or domain changes): this process's at once, every
    other process's within about a second."""
    if settings.REDIS_URL:
        caches["global"].set(_GENERATION_KEY, uuid.uuid4().hex, None)
    with _lock:
        _cache.clear()
        _seen["read_at"] = float("-inf")


def _generation(now: float) -> str | None:
    """The shared generation, read at most once a second; entries of an older one are dropped.
    None when it cannot be known (no Redis, or Redis down)."""
    if now - _seen["read_at"] < _GENERATION_EVERY:
        return _seen["generation"]
    # "0": never bumped yet; None: Redis did not answer (django-redis ignores the error)
    generation = caches["global"].get(_GENERATION_KEY, "0") if settings.REDIS_URL else None
    with _lock:
        if generation is None or generation != _seen["generation"]:
            _cache.clear()
        _seen.update(generation=generation, read_at=now)
    return generation


def _cached(kind: str, value: str, load) -> Tenant | None:
    """Process cache, then the shared cache, then the database. Shared entries carry the
    generation their reader saw before loading, so one loaded while a change was committing is
    never served after it."""
    key = (kind, value)
    now = time.monotonic()
    generation = _generation(now)
    hit = _cache.get(key)
    if hit is not None and hit[0] > now:
        return hit[1]
    shared_key = f"tenant:{kind}:{value}"
    shared = caches["global"].get(shared_key) if generation is not None else None
    # .get: an entry written in another shape (by an older release during a deploy) is a miss
    if shared and shared.get("generation") == generation:
        tenant = Tenant(**shared["fields"])
    else:
        tenant = load(value)
        if tenant is not None and generation is not None:
            fields = {f: getattr(tenant, f) for f in _SHARED_FIELDS}
            caches["global"].set(shared_key, {"generation": generation, "fields": fields}, _SHARED_SECONDS)
    ttl = settings.TENANT_CACHE_SECONDS if generation is None else _KNOWN_GENERATION_SECONDS
    with _lock:
        if len(_cache) >= _MAX_ENTRIES:
            _cache.clear()
        _cache[key] = (now + ttl, tenant)
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
