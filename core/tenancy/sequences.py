"""Id sequences of a tenant's tables. Rows written with explicit ids (imports from another
system, restores) leave a sequence behind its table's highest id, and the next insert fails with
"duplicate key value violates unique constraint ..._pkey"."""

from collections.abc import Iterable

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.models.fields import AutoFieldMixin


def sequences_realign(*, app_labels: Iterable[str] | None = None) -> int:
    """Set every id sequence of the current schema's tables past their highest id.

    Three statements a table rather than Django's one `SELECT setval(pg_get_serial_sequence(..),
    max(id)) FROM table`: on Citus that statement goes to the worker holding the table, where the
    sequence's name does not resolve; here the sequence is found and set on the coordinator and
    only the max is read from the table."""
    models = [
        m for label in (app_labels or _tenant_app_labels()) for m in apps.get_app_config(label).get_models()
    ]
    quote = connection.ops.quote_name
    realigned = 0
    with connection.cursor() as cursor:
        for model in models:
            for field in model._meta.local_fields:
                if not isinstance(field, AutoFieldMixin):
                    continue
                table, column = model._meta.db_table, field.column
                cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [quote(table), column])
                sequence = cursor.fetchone()[0]
                if sequence is None:
                    continue
                cursor.execute(f"SELECT max({quote(column)}) FROM {quote(table)}")  # noqa: S608
                top = cursor.fetchone()[0]
                cursor.execute("SELECT setval(%s, %s, %s)", [sequence, top or 1, top is not None])
                realigned += 1
    return realigned


def _tenant_app_labels() -> list[str]:

    labels = []
    for name in settings.TENANT_APPS:
        config = next((c for c in apps.get_app_configs() if c.name == name), None)
        if config is not None and list(config.get_models()):
            labels.append(config.label)
    return labels
