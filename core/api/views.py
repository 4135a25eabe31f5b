"""Plain Django views that must still answer in the API's JSON envelope.

`handler404`/`handler500`/... use them for paths under /api/ (and /health); the admin keeps
Django's own HTML pages.
"""

from django.http import JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views import csrf, defaults
from django.views.decorators.csrf import csrf_exempt
from django_tenants.utils import get_public_schema_name

from core.api.envelope import error_response
from core.api.exceptions import domain_error_response
from core.error_codes import CoreErrorCode
from core.tenancy.errors import TenantRequired


def _is_api(request) -> bool:
    return request.path.startswith(("/api/", "/health"))


@csrf_exempt
def api_not_found(request, *args, **kwargs):
    return error_response(status=404, code=CoreErrorCode.NOT_FOUND, message=_("Recurso no encontrado."))


@csrf_exempt
def tenant_required(request, *args, **kwargs):
    return domain_error_response(TenantRequired())


def page_not_found(request, exception=None):
    if _is_api(request):
        return api_not_found(request)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _is_api(request):
        return error_response(
            status=500, code=CoreErrorCode.SERVER_ERROR, message=_("Error interno del servidor.")
        )
    return defaults.server_error(request)


def bad_request(request, exception=None):
    if _is_api(request):
        return error_response(
            status=400, code=CoreErrorCode.BAD_REQUEST, message=_("La petición no es válida.")
        )
    return defaults.bad_request(request, exception)


def permission_denied(request, exception=None):
    if _is_api(request):
        return error_response(
            status=403, code=CoreErrorCode.PERMISSION_DENIED, message=_("No tienes permiso.")
        )
    return defaults.permission_denied(request, exception)


def csrf_failure(request, reason=""):
    if _is_api(request):
        return error_response(
            status=403, code=CoreErrorCode.CSRF_FAILED, message=_("Falta el token CSRF o no es válido.")
        )
    return csrf.csrf_failure(request, reason)


_DOCS = {"swagger": "/api/docs/", "redoc": "/api/redoc/", "openapi": "/api/schema/"}
# What each kind of schema serves under /api/ (paths, relative to the host the client used)
_AUTH = {"login": "/api/auth/token/", "refresh": "/api/auth/token/refresh/", "logout": "/api/auth/logout/"}
_PLATFORM_AREAS = {**_AUTH, "me": "/api/usuarios/me/", "tenants": "/api/tenants/"}
_TENANT_AREAS = {
    **_AUTH,
    "register": "/api/auth/register/",
    "me": "/api/usuarios/me/",
    "usuarios": "/api/usuarios/usuarios/",
    "tickets": "/api/tickets/tickets/",
    "categorias": "/api/productos/categorias/",
    "productos": "/api/productos/productos/",
    "pedidos": "/api/productos/pedidos/",
    "backups": "/api/backups/history/",
}


@csrf_exempt
def api_index(request):
    """`GET /api/`: where the areas of the API are and where its documentation is, for whoever
    opens the address `make run` prints."""
    if request.method not in ("GET", "HEAD"):
        return error_response(
            status=405, code=CoreErrorCode.METHOD_NOT_ALLOWED, message=_("Método no permitido.")
        )
    tenant = getattr(request, "tenant", None)
    public = tenant is None or tenant.schema_name == get_public_schema_name()
    return JsonResponse(
        {
            "api": "Plataforma SaaS multi-tenant",
            "tenant": None if public else tenant.schema_name,
            "areas": _PLATFORM_AREAS if public else _TENANT_AREAS,
            "docs": _DOCS,
            "tenant_header": "X-Tenant-ID",
        },
        json_dumps_params={"ensure_ascii": False},
    )
