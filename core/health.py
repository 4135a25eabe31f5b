"""GET /health: can this instance serve? No auth, no tenant needed.

Answered by a middleware placed before tenant resolution, so it still answers (503) when
PostgreSQL is down, whatever tenant header or host the probe sends.
"""

from django.conf import settings
from django.db import DatabaseError
from django.http import JsonResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.api.envelope import error_response
from core.db import connection
from core.error_codes import CoreErrorCode

HEALTH_PATHS = frozenset({"/health", "/health/"})


def _check_database() -> str:
    try:
        connection.set_schema_to_public()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except DatabaseError as exc:
        return f"error: {exc.__class__.__name__}"


def _check_redis() -> str:
    if not settings.REDIS_URL:
        return "disabled"
    try:
        from django_redis import get_redis_connection

        get_redis_connection("default").ping()
        return "ok"
    except Exception as exc:  # noqa: BLE001  any client failure means "not ok", whatever its type
        return f"error: {exc.__class__.__name__}"


def health_response(request):
    if request.method not in ("GET", "HEAD"):
        return error_response(
            status=405, code=CoreErrorCode.METHOD_NOT_ALLOWED, message=_("Método no permitido.")
        )
    services = {"database": _check_database(), "redis": _check_redis()}
    healthy = all(v in ("ok", "disabled") for v in services.values())
    body = {
        "status": "ok" if healthy else "degraded",
        "timestamp": timezone.now().isoformat(),
        "services": services,
    }
    return JsonResponse(body, status=503 if services["database"] != "ok" else 200)


class HealthMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path in HEALTH_PATHS:
            return health_response(request)
        return self.get_response(request)
