"""Every error code the API can answer, from each app's enum: the OpenAPI `code` enum and the
README's list are both checked against this."""

from backups.error_codes import BackupErrorCode
from core.error_codes import CoreErrorCode
from productos.error_codes import ProductoErrorCode
from tickets.error_codes import TicketErrorCode
from usuarios.error_codes import UsuarioErrorCode

ERROR_CODE_ENUMS = (CoreErrorCode, UsuarioErrorCode, TicketErrorCode, ProductoErrorCode, BackupErrorCode)


def all_error_codes() -> list[str]:
    return sorted({member.value for enum in ERROR_CODE_ENUMS for member in enum})


def add_error_component(result, generator, request, public):
    """The error envelope, once, for every operation to refer to; each narrows its `code` to the
    values it answers (core.api.schema)."""
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
    return result
