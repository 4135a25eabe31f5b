"""Production settings without a cache (bench baseline for the cached paths)."""

from core.settings import *  # noqa: F403
from core.settings import CACHES

CACHES = {**CACHES, "default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
