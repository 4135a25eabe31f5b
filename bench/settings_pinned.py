"""Production settings with TenantMiddleware replaced by a pinned schema (bench baseline)."""

from core.settings import *  # noqa: F403
from core.settings import MIDDLEWARE

MIDDLEWARE = [
    "bench.pinned.PinnedSchemaMiddleware" if m == "core.tenancy.middleware.TenantMiddleware" else m
    for m in MIDDLEWARE
]
