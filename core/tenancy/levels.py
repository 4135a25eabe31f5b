"""A schema's migration level: a fingerprint of the migrations applied to it.

Two schemas at the same level were made by the same migrations, so they have the same tables,
columns, constraints and indexes (every name in them comes from the migrations, none from
PostgreSQL): the template's definition at that level is theirs too.
"""

from __future__ import annotations

import hashlib


def schema_level(cursor, schema: str) -> str:
    """Read from the schema's own `django_migrations` (a small table): O(that schema)."""
    # schema names are checked when tenants are made (lower-case letters, digits and "_")
    cursor.execute(f'SELECT app, name FROM "{schema}".django_migrations ORDER BY app, name')  # noqa: S608
    applied = "\n".join(f"{app}.{name}" for app, name in cursor.fetchall())
    return hashlib.sha256(applied.encode()).hexdigest()
