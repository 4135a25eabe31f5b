"""OpenAPI: every tenant operation requires the X-Tenant-ID header (a security scheme, beside the
bearer token) and has a Spanish summary, and each operation lists the error statuses it really answers, with the `code` values of each.

An operation's errors are what its shape implies (a body can be malformed, a path id can be
unknown, a role can be refused, a write can meet the tenant's maintenance gate...) plus the
domain codes its view declares with `raises(...)`. The test client checks every error a test
receives against this, so the documentation cannot fall behind the API.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from enum import StrEnum
from typing import TypeVar

from drf_spectacular.drainage import get_override
from drf_spectacular.openapi import AutoSchema
from rest_framework.permissions import AllowAny, IsAuthenticated

from core.api.summaries import SUMMARIES
from core.error_codes import CoreErrorCode as C
from usuarios.error_codes import UsuarioErrorCode as U


class TenantScope:
    TENANT = "tenant"  # only inside a tenant: header required
    ANY = "any"  # tenant or public schema (e.g. the token endpoints): header optional
    PUBLIC = "public"  # platform API in the public schema: no header


# The X-Tenant-ID header's security scheme (declared in SPECTACULAR_SETTINGS' APPEND_COMPONENTS).
TENANT_SCHEME = "tenantHeader"


STATUS_DESCRIPTIONS = {
    400: "Datos no válidos o tenant mal indicado",
    401: "Sin token, o token de otro tenant, caducado o revocado",
    403: "Rol insuficiente o tenant desactivado",
    404: "No existe en este tenant",
    406: "Formato de respuesta no disponible (cabecera Accept)",
    409: "Conflicto con el estado actual",
    413: "Cuerpo demasiado grande",
    415: "Tipo de contenido no soportado",
    422: "Idempotency-Key reutilizada con otra petición",
    429: "Demasiadas peticiones",
    500: "Error interno",
    502: "Fallo de un servicio externo (almacenamiento de copias)",
    503: "Servicio no disponible (base de datos, almacenamiento o tenant en mantenimiento)",
    507: "El almacenamiento de copias rechaza un archivo de ese tamaño",
}

# The status each code is answered with (a few are answered with more than one).
CODE_STATUSES: dict[str, tuple[int, ...]] = {
    C.VALIDATION_ERROR: (400,),
    C.PARSE_ERROR: (400,),
    C.INVALID_CONTENT_LENGTH: (400,),
    C.INVALID_HOST: (400,),
    C.BAD_REQUEST: (400,),
    C.INVALID_TENANT: (400,),
    C.TENANT_REQUIRED: (400,),
    C.NOT_AUTHENTICATED: (401,),
    C.AUTHENTICATION_FAILED: (401,),
    C.TOKEN_NOT_VALID: (401,),
    C.TOKEN_EXPIRED: (401,),
    C.SESSION_REVOKED: (401,),
    U.INVALID_CREDENTIALS: (401,),
    U.USER_INACTIVE: (401,),
    U.USER_NOT_FOUND: (401,),
    C.PERMISSION_DENIED: (403,),
    C.TENANT_INACTIVE: (403,),
    C.CSRF_FAILED: (403,),
    C.NOT_FOUND: (404,),
    C.TENANT_NOT_FOUND: (404,),
    C.METHOD_NOT_ALLOWED: (405,),
    C.NOT_ACCEPTABLE: (406,),
    C.CONFLICT: (409,),
    C.INTEGRITY_ERROR: (409,),
    C.PAYLOAD_TOO_LARGE: (413,),
    C.UNSUPPORTED_MEDIA_TYPE: (415,),
    C.UNPROCESSABLE: (422,),
    C.THROTTLED: (429,),
    C.SERVER_ERROR: (500,),
    C.ERROR: (500,),
    C.UPSTREAM_FAILED: (502,),
    C.SERVICE_UNAVAILABLE: (503,),
    C.TENANT_MAINTENANCE: (503,),
    C.INSUFFICIENT_STORAGE: (507,),
}

WRITES = frozenset({"post", "put", "patch", "delete"})
F = TypeVar("F", bound=Callable)


def raises(*codes: StrEnum, status: int | tuple[int, ...] | None = None) -> Callable[[F], F]:
    """Document the domain codes a view method (or every method of a view class) can answer,
    under `status` (one or several), else under the status CODE_STATUSES gives them, else 409
    (a conflict with the current state, what most domain refusals are)."""
    statuses = (status,) if isinstance(status, int) else status

    def mark(target: F) -> F:
        declared = dict(getattr(target, "_raises", {}))
        for code in codes:
            declared[str(code)] = statuses or CODE_STATUSES.get(code, (409,))
        target._raises = declared  # type: ignore[attr-defined]
        return target

    return mark


def _extra_permissions(permissions: Iterable, method: str) -> bool:
    """Whether a permission beyond "authenticated" may refuse this method (403)."""
    for permission in permissions:
        if isinstance(permission, (AllowAny, IsAuthenticated)):
            continue
        if method in ("get", "head") and getattr(permission, "reads_for_everyone", False):
            continue
        return True
    return False


class TenantAwareAutoSchema(AutoSchema):
    def get_auth(self):
        """The tenant is a security scheme (`tenantHeader`, the X-Tenant-ID header), beside the
        bearer token: Swagger UI's Authorize then holds both once for every operation."""
        auth = super().get_auth() or [{}]
        scope = getattr(self.view, "tenant_scope", TenantScope.TENANT)
        if scope == TenantScope.PUBLIC:
            return auth
        with_tenant = [{**requirement, TENANT_SCHEME: []} for requirement in auth]
        if scope == TenantScope.TENANT:
            return with_tenant
        return [*with_tenant, *auth]  # either a tenant's or the platform's

    def get_summary(self):
        return super().get_summary() or SUMMARIES.get(self.get_operation_id())

    # Docstrings are notes in English for the code's readers, not the API's Spanish
    # documentation: only descriptions given with extend_schema(...) are published.
    def get_description(self):
        return ""

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        if not get_override(serializer, "description"):
            schema.pop("description", None)
        return schema

    def _map_response_type_hint(self, method):
        schema = super()._map_response_type_hint(method)
        schema.pop("description", None)
        return schema

    def _declared(self) -> dict[str, tuple[int, ...]]:
        action = getattr(self.view, "action", None) or self.method.lower()
        handler = getattr(self.view, action, None)
        return {**getattr(type(self.view), "_raises", {}), **getattr(handler, "_raises", {})}

    def operation_errors(self, operation: dict) -> dict[int, set[str]]:
        method = self.method.lower()
        scope = getattr(self.view, "tenant_scope", TenantScope.TENANT)
        # what any request can meet: a bad or unknown tenant, an Accept it cannot have, an outage
        codes: set[str] = {C.INVALID_TENANT, C.TENANT_NOT_FOUND, C.TENANT_INACTIVE, C.NOT_ACCEPTABLE}
        codes |= {C.SERVER_ERROR, C.SERVICE_UNAVAILABLE}
        if scope == TenantScope.TENANT:
            codes.add(C.TENANT_REQUIRED)
        permissions = self.view.get_permissions()
        if not any(isinstance(p, AllowAny) for p in permissions):
            codes |= {C.NOT_AUTHENTICATED, C.AUTHENTICATION_FAILED, C.TOKEN_NOT_VALID}
            codes |= {C.TOKEN_EXPIRED, C.SESSION_REVOKED}
            codes |= {U.USER_INACTIVE, U.USER_NOT_FOUND}
            if _extra_permissions(permissions, method):
                codes.add(C.PERMISSION_DENIED)
        parameters = operation.get("parameters", [])
        if any(p["in"] == "path" for p in parameters):
            codes.add(C.NOT_FOUND)
        if any(p["in"] == "query" for p in parameters):
            codes.add(C.VALIDATION_ERROR)
        if any(p["in"] == "query" and p["name"] == "page" for p in parameters):
            codes.add(C.NOT_FOUND)  # a page past the last
        if "requestBody" in operation or method in WRITES:
            codes |= {C.VALIDATION_ERROR, C.PARSE_ERROR, C.INVALID_CONTENT_LENGTH}
            codes |= {C.PAYLOAD_TOO_LARGE, C.UNSUPPORTED_MEDIA_TYPE}
        if method in WRITES:
            # a constraint the services did not expect is still a clean 409
            codes.add(C.INTEGRITY_ERROR)
            if scope != TenantScope.PUBLIC:
                codes.add(C.TENANT_MAINTENANCE)
        if self.view.get_throttles():
            codes.add(C.THROTTLED)
        statuses = {str(code): CODE_STATUSES[code] for code in codes}
        statuses.update(self._declared())
        by_status: dict[int, set[str]] = {}
        for code, answered in statuses.items():
            for status in answered:
                by_status.setdefault(status, set()).add(code)
        return by_status

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        responses = operation.setdefault("responses", {})
        for status, codes in sorted(self.operation_errors(operation).items()):
            responses.setdefault(
                str(status),
                {
                    "description": STATUS_DESCRIPTIONS[status],
                    "content": {"application/json": {"schema": error_schema(sorted(codes))}},
                },
            )
        return operation


def error_schema(codes: list[str]) -> dict:
    return {
        "allOf": [
            {"$ref": "#/components/schemas/Error"},
            {"type": "object", "properties": {"code": {"type": "string", "enum": codes}}},
        ]
    }
