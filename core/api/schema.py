"""OpenAPI: every tenant operation documents the X-Tenant-ID header and bearer auth."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter

from core.api.codes import all_error_codes


class TenantScope:
    TENANT = "tenant"  # only inside a tenant: header required
    ANY = "any"  # tenant or public schema (e.g. the token endpoints): header optional
    PUBLIC = "public"  # platform API in the public schema: no header


def tenant_header(required: bool) -> OpenApiParameter:
    return OpenApiParameter(
        name="X-Tenant-ID",
        type=str,
        location=OpenApiParameter.HEADER,
        required=required,
        description=(
            "Schema o dominio del tenant (alias: X-Tenant). Sin ella, el tenant se elige por el "
            "nombre de host, o el schema público."
        ),
    )


class TenantAwareAutoSchema(AutoSchema):
    def get_override_parameters(self):
        params = list(super().get_override_parameters())
        scope = getattr(self.view, "tenant_scope", TenantScope.TENANT)
        if scope != TenantScope.PUBLIC:
            params.append(tenant_header(required=scope == TenantScope.TENANT))
        return params


ERROR_STATUSES = {
    "400": "Datos no válidos o tenant mal indicado",
    "401": "Sin token, o token de otro tenant, caducado o revocado",
    "403": "Rol insuficiente o tenant desactivado",
    "404": "No existe en este tenant",
    "405": "Método no permitido",
    "409": "Conflicto con el estado actual",
    "413": "Cuerpo demasiado grande",
    "415": "Tipo de contenido no soportado",
    "422": "Idempotency-Key reutilizada con otra petición",
    "429": "Demasiadas peticiones",
    "500": "Error interno",
    "502": "Fallo de un servicio externo (almacenamiento de copias)",
    "503": "Servicio no disponible (base de datos o almacenamiento)",
    "507": "El almacenamiento de copias rechaza un archivo de ese tamaño",
}


def add_error_responses(result, generator, request, public):
    """Every operation can answer the API's error envelope: document it once, everywhere."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = {
        "type": "object",
        "required": ["error", "code", "details", "status_code"],
        "properties": {
            "error": {"type": "string"},
            # every code of every app's error_codes enum: clients can switch on them
            "code": {"type": "string", "enum": all_error_codes()},
            "details": {"type": "object", "additionalProperties": True},
            "status_code": {"type": "integer"},
        },
    }
    envelope = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for item in result.get("paths", {}).values():
        for method, operation in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                responses = operation.setdefault("responses", {})
                for status, description in ERROR_STATUSES.items():
                    responses.setdefault(status, {"description": description, "content": envelope})
    return result
