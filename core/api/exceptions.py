"""Every error of the API leaves through here, in one envelope with a stable code."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError, InterfaceError, OperationalError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import set_rollback
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError

from core.api.envelope import error_body
from core.tenancy.errors import TenantError

logger = logging.getLogger(__name__)


class ApiError(exceptions.APIException):
    """A domain error with its own status and stable code: raise a subclass from services."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "bad_request"
    default_detail = _("La petición no es válida.")

    def __init__(self, detail=None, code: str | None = None, details: dict | None = None):
        super().__init__(detail or self.default_detail, code or self.default_code)
        self.error_code = code or self.default_code
        self.details = details or {}


class Conflict(ApiError):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = _("La operación entra en conflicto con el estado actual.")


class ServiceUnavailable(ApiError):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "service_unavailable"
    default_detail = _("El servicio no está disponible en este momento. Inténtalo de nuevo.")


# DRF exception class -> (stable code, message used instead of DRF's detail or None to keep it)
_CODES: list[tuple[type, str]] = [
    (exceptions.ValidationError, "validation_error"),
    (exceptions.ParseError, "parse_error"),
    (exceptions.NotAuthenticated, "not_authenticated"),
    (InvalidToken, "token_not_valid"),
    (exceptions.AuthenticationFailed, "authentication_failed"),
    (exceptions.PermissionDenied, "permission_denied"),
    (exceptions.NotFound, "not_found"),
    (exceptions.MethodNotAllowed, "method_not_allowed"),
    (exceptions.NotAcceptable, "not_acceptable"),
    (exceptions.UnsupportedMediaType, "unsupported_media_type"),
    (exceptions.Throttled, "throttled"),
]


def _code_for(exc: exceptions.APIException) -> str:
    if isinstance(exc, ApiError):
        return exc.error_code
    if isinstance(exc, exceptions.AuthenticationFailed):
        # keep precise codes (user_inactive, token_not_valid, invalid_credentials...);
        # simplejwt puts its detail in a dict {"detail", "code", ...}
        detail = exc.detail
        code = detail.get("code") if isinstance(detail, dict) else exc.get_codes()
        if isinstance(code, str) and code != "authentication_failed":
            return code
    for cls, code in _CODES:
        if isinstance(exc, cls):
            return code
    return "error"


def _message_and_details(exc: exceptions.APIException) -> tuple[str, dict]:
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail
        details = detail if isinstance(detail, dict) else {"non_field_errors": detail}
        return str(_("Los datos enviados no son válidos.")), details
    if isinstance(exc, exceptions.ParseError):
        return str(_("El cuerpo de la petición no es JSON válido.")), {"parser": str(exc.detail)}
    if isinstance(exc, exceptions.Throttled):
        return str(_("Demasiadas peticiones. Inténtalo más tarde.")), {"wait": exc.wait}
    if isinstance(exc, ApiError):
        return str(exc.detail), exc.details
    detail = exc.detail
    if isinstance(detail, dict):
        # simplejwt puts {"detail", "code", "messages"} here
        message = detail.get("detail", "")
        return str(message), {k: v for k, v in detail.items() if k not in ("detail", "code")}
    if isinstance(detail, list):
        return " ".join(str(d) for d in detail), {}
    return str(detail), {}


def _normalise(exc: Exception) -> exceptions.APIException | None:
    """Turn non-DRF exceptions the API knows about into DRF ones."""
    if isinstance(exc, exceptions.APIException):
        return exc
    if isinstance(exc, Http404):
        return exceptions.NotFound(_("No encontrado."))
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied()
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(as_serializer_error(exc))
    if isinstance(exc, TenantError):
        error = ApiError(exc.message, code=exc.code)
        error.status_code = exc.status_code
        if exc.status_code == 503:
            error.wait = settings.TENANT_MAINTENANCE_RETRY_AFTER
        return error
    if isinstance(exc, TokenError):
        return InvalidToken(str(exc))
    if isinstance(exc, IntegrityError):
        logger.warning("Integrity error answered as 409: %s", exc)
        return Conflict(
            _("La operación viola una restricción de integridad de los datos."),
            code="integrity_error",
        )
    if isinstance(exc, DataError):
        # a value the database cannot hold (a number out of range...): the input's fault
        return exceptions.ValidationError({"non_field_errors": [_("Un valor está fuera de rango.")]})
    if isinstance(exc, (OperationalError, InterfaceError)):
        logger.error("Database unavailable: %s", exc)
        return ServiceUnavailable()
    return None


def api_exception_handler(exc: Exception, context: dict) -> Response:
    api_exc = _normalise(exc)
    if api_exc is None:
        # An unexpected failure: logged with its traceback, answered without internals.
        logger.exception("Unhandled API error", exc_info=exc)
        set_rollback()
        body = error_body(status=500, code="server_error", message=_("Error interno del servidor."))
        return Response(body, status=500)

    set_rollback()
    message, details = _message_and_details(api_exc)
    body = error_body(status=api_exc.status_code, code=_code_for(api_exc), message=message, details=details)
    headers = {}
    if getattr(api_exc, "auth_header", None):
        headers["WWW-Authenticate"] = api_exc.auth_header
    if getattr(api_exc, "wait", None):
        headers["Retry-After"] = str(int(api_exc.wait))
    return Response(body, status=api_exc.status_code, headers=headers)
