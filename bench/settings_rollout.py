"""The production settings with one more tenant app, whose migration plays the next release's
(a nullable column and an index on tickets_ticket): what `make bench-tenants` rolls out."""

from core.settings import *  # noqa: F403
from core.settings import SHARED_APPS, TENANT_APPS

TENANT_APPS = [*TENANT_APPS, "core.testing.rollout"]
INSTALLED_APPS = list(dict.fromkeys(SHARED_APPS + TENANT_APPS))
