"""Bare Django for the ladder of limits: no middleware, two views (JSON, and one SELECT 1)."""

from core.settings import *  # noqa: F403

MIDDLEWARE = []
ROOT_URLCONF = "bench.urls_ladder"
