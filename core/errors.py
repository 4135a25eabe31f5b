"""Domain errors: what a service says when a business rule refuses, with no knowledge of HTTP.

A service raises one of the kinds below with a stable code (an enum member of its app's
`error_codes`), a message for people and optional details. Commands and tasks catch them as they
are; the API's exception handler (`core.api.exceptions`) is the one place that gives each kind
its HTTP status.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    default_code: str = "error"
    default_message: Any = _("La operación no se pudo completar.")

    def __init__(
        self, message: Any = None, *, code: StrEnum | str | None = None, details: dict | None = None
    ):
        self.message = message if message is not None else self.default_message
        self.code = str(code or self.default_code)
        self.details = details or {}
        super().__init__(str(self.message))


class NotFoundError(DomainError):
    default_code = "not_found"
    default_message = _("No encontrado.")


class UnauthenticatedError(DomainError):
    """Who is asking cannot be told: a token that is not (or no longer) valid."""

    default_code = "token_not_valid"
    default_message = _("El token no es válido.")


class TokenExpired(UnauthenticatedError):
    """A token that was valid and has expired: a client refreshes it."""

    default_code = "token_expired"
    default_message = _("El token ha expirado.")


class SessionRevoked(UnauthenticatedError):
    """A token of a session that was ended: a client logs in again."""

    default_code = "session_revoked"
    default_message = _("La sesión ha terminado: inicia sesión de nuevo.")


class ForbiddenError(DomainError):
    default_code = "permission_denied"
    default_message = _("No tienes permiso para realizar esta acción.")


class ConflictError(DomainError):
    default_code = "conflict"
    default_message = _("La operación entra en conflicto con el estado actual.")


class InvalidError(DomainError):
    """Bad input: `details` maps each field to its messages, as a validation error does."""

    default_code = "validation_error"
    default_message = _("Los datos enviados no son válidos.")

    def __init__(
        self, details: dict | None = None, *, message: Any = None, code: StrEnum | str | None = None
    ):
        super().__init__(message, code=code, details=details)


class UnprocessableError(DomainError):
    """Well-formed, but refused as a whole (an idempotency key reused with another request)."""

    default_code = "unprocessable"


class UnavailableError(DomainError):
    default_code = "service_unavailable"
    default_message = _("El servicio no está disponible en este momento. Inténtalo de nuevo.")


class InsufficientStorageError(DomainError):
    """A service this one stores into refuses the object for its size."""

    default_code = "insufficient_storage"


class UpstreamError(DomainError):
    """A service this one depends on failed (pg_dump, the backup storage)."""

    default_code = "upstream_failed"
