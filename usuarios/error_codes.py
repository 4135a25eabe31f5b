"""Error codes of users and authentication. API contract: values never change."""

from enum import StrEnum


class UsuarioErrorCode(StrEnum):
    INVALID_CREDENTIALS = "invalid_credentials"
    USER_INACTIVE = "user_inactive"
    USER_NOT_FOUND = "user_not_found"
    LAST_ADMIN = "last_admin"
    CANNOT_DEACTIVATE_SELF = "cannot_deactivate_self"
