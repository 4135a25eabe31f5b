"""The test settings with one more tenant app, whose migration plays the next release's."""

from core.settings_test import *  # noqa: F403
from core.settings_test import SHARED_APPS, TENANT_APPS

TENANT_APPS = [*TENANT_APPS, "core.testing.rollout"]
INSTALLED_APPS = list(dict.fromkeys(SHARED_APPS + TENANT_APPS))
