"""A tenant request whose schema went away under it: the deletion committed while it ran.

A tenant's search_path is its own schema alone (core.db_backend), so such a request fails on a
missing table instead of reaching the public schema's. That failure is the tenant being gone,
answered 404 `tenant_not_found` like a request that arrives after it; any other missing table is
a bug and stays a 500.
"""

from __future__ import annotations

from django.db import ProgrammingError
from django_tenants.utils import get_public_schema_name

from core.db import connection
from core.models import Tenant
from core.tenancy.resolver import tenant_gone

# undefined_table (a table or sequence), invalid_schema_name
_MISSING = frozenset({"42P01", "3F000"})


def tenant_vanished(exc: BaseException) -> bool:
    """Whether `exc` is a table of the connection's tenant missing because the tenant is gone."""
    if not isinstance(exc, ProgrammingError) or getattr(exc.__cause__, "pgcode", None) not in _MISSING:
        return False
    tenant = getattr(connection, "tenant", None)
    if not isinstance(tenant, Tenant) or tenant.pk is None or tenant.schema_name == get_public_schema_name():
        return False
    if connection.in_atomic_block:
        return False  # an aborted transaction answers nothing; not reached by the API's views
    return tenant_gone(tenant)
