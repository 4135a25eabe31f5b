"""Id sequences of a tenant's tables. Rows written with explicit ids (imports from another
system, restores) leave a sequence behind its table's highest id, and the next insert fails with
"duplicate key value violates unique constraint ..._pkey"."""

from collections.abc import Iterable

from django.apps import apps
from django.conf import settings
from django.core.management.color import no_style
from django.db import connection


def sequences_realign(*, app_labels: Iterable[str] | None = None) -> int:
    """Set every id sequence of the current schema's tables past their highest id."""
    models = [
        m for label in (app_labels or _tenant_app_labels()) for m in apps.get_app_config(label).get_models()
    ]
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
    return len(statements)


def _tenant_app_labels() -> list[str]:

    labels = []
    for name in settings.TENANT_APPS:
        config = next((c for c in apps.get_app_configs() if c.name == name), None)
        if config is not None and list(config.get_models()):
            labels.append(config.label)
    return labels
