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
