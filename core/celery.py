"""Celery, tenant-aware: a task runs in the schema it was queued from (tenant-schemas-celery
puts the schema in the message headers). Start a worker with

    celery -A core worker -B -l info

(-B runs the beat schedule in the same process; use a separate `celery -A core beat` in production).
"""

import os

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings")

app = CeleryApp("core")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["core.outbox"])
