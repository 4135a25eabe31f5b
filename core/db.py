"""Recognising database errors by what PostgreSQL says, never by the wording of a message."""

from __future__ import annotations

import re
from typing import Any

from django.db import IntegrityError
from django.db import connection as _connection
from django_tenants.utils import get_public_schema_name, schema_context

# The default connection as django-tenants' backend makes it (schema_name, tenant, set_schema...),
# which Django's type stubs do not know of.
connection: Any = _connection


def public_schema() -> schema_context:
    """Where the shared tables (tenants, domains, agenda...) are read and written: a tenant's
    search_path is its own schema alone (core.db_backend), so code running in a tenant that
    needs them says so."""
    return schema_context(get_public_schema_name())


_NAMED = re.compile(r'constraint "([^"]+)"')
_SHARD_SUFFIX = re.compile(r"_\d+$")


def violated_constraint(exc: IntegrityError) -> str | None:
    """The name of the constraint an IntegrityError violated (psycopg2's diagnostics), if any.

    On Citus the error comes from the worker that holds the table and is relayed without its
    diagnostics: the name is then read from the message, less the shard id Citus appends."""
    diag = getattr(exc.__cause__, "diag", None)
    name = getattr(diag, "constraint_name", None)
    if name:
        return name
    message = str(exc)
    match = _NAMED.search(message)
    if match is None:
        return None
    return (
        _SHARD_SUFFIX.sub("", match.group(1)) if "while executing command on" in message else match.group(1)
    )
