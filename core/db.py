"""Recognising database errors by what PostgreSQL says, never by the wording of a message."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError
from django.db import connection as _connection

# The default connection as django-tenants' backend makes it (schema_name, tenant, set_schema...),
# which Django's type stubs do not know of.
connection: Any = _connection


def violated_constraint(exc: IntegrityError) -> str | None:
    """The name of the constraint an IntegrityError violated (psycopg2's diagnostics), if any."""
    diag = getattr(exc.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None)
