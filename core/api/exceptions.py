"""Every error of the API leaves through here, in one envelope with a stable code."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError, InterfaceError, OperationalError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import set_rollback
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError

from core.api.envelope import error_body, error_response
from core.db import violated_constraint
from core.error_codes import CoreErrorCode
from core.errors import (
    ConflictError,
    DomainError,
    ForbiddenError,
    InsufficientStorageError,
    InvalidError,
    NotFoundError,
    UnauthenticatedError,
    UnavailableError,
    UnprocessableError,
    UpstreamError,
)
from core.tenancy.errors import TenantNotFound
from core.tenancy.vanished import tenant_vanished

logger = logging.getLogger(__name__)


# Each kind of domain error and its status: the one place where a service's refusal meets HTTP.
DOMAIN_STATUSES: tuple[tuple[type[DomainError], int], ...] = (
    (UnauthenticatedError, status.HTTP_401_UNAUTHORIZED),
    (NotFoundError, status.HTTP_404_NOT_FOUND),
    (ForbiddenError, status.HTTP_403_FORBIDDEN),
    (ConflictError, status.HTTP_409_CONFLICT),
    (InvalidError, status.HTTP_400_BAD_REQUEST),
    (UnprocessableError, status.HTTP_422_UNPROCESSABLE_ENTITY),
    (UnavailableError, status.HTTP_503_SERVICE_UNAVAILABLE),
    (UpstreamError, status.HTTP_502_BAD_GATEWAY),
    (InsufficientStorageError, status.HTTP_507_INSUFFICIENT_STORAGE),
)


def status_for(exc: DomainError) -> int:
    for kind, code in DOMAIN_STATUSES:
        if isinstance(exc, kind):
            return code
    return status.HTTP_400_BAD_REQUEST


class _Answer(exceptions.APIException):
    """A domain error (or another known failure) on its way out as a DRF exception."""

    def __init__(self, *, status_code: int, code: str, message, details: dict | None = None, wait=None):
        super().__init__(message, code)
        self.status_code = status_code
        self.error_code = code
        self.details = details or {}
        self.wait = wait


def _retry_after(exc: DomainError) -> int | None:
    """Seconds a client should wait before trying again, for the refusals that have one."""
    return settings.TENANT_MAINTENANCE_RETRY_AFTER if exc.code == CoreErrorCode.TENANT_MAINTENANCE else None


def _from_domain(exc: DomainError) -> _Answer:
    return _Answer(
        status_code=status_for(exc),
        code=exc.code,
        message=exc.message,
        details=exc.details,
        wait=_retry_after(exc),
    )


def domain_error_response(exc: DomainError) -> JsonResponse:
    """A domain error answered outside DRF (middleware, plain views), in the same envelope and
    with the same status and headers as from a view."""
    response = error_response(status=status_for(exc), code=exc.code, message=exc.message, details=exc.details)
    wait = _retry_after(exc)
    if wait:
        response["Retry-After"] = str(wait)
    return response


# DRF exception class -> (stable code, message used instead of DRF's detail or None to keep it)
_CODES: list[tuple[type, str]] = [
    (exceptions.ValidationError, CoreErrorCode.VALIDATION_ERROR),
    (exceptions.ParseError, CoreErrorCode.PARSE_ERROR),
    (exceptions.NotAuthenticated, CoreErrorCode.NOT_AUTHENTICATED),
    (InvalidToken, CoreErrorCode.TOKEN_NOT_VALID),
    (exceptions.AuthenticationFailed, CoreErrorCode.AUTHENTICATION_FAILED),
    (exceptions.PermissionDenied, CoreErrorCode.PERMISSION_DENIED),
    (exceptions.NotFound, CoreErrorCode.NOT_FOUND),
    (exceptions.MethodNotAllowed, CoreErrorCode.METHOD_NOT_ALLOWED),
    (exceptions.NotAcceptable, CoreErrorCode.NOT_ACCEPTABLE),
    (exceptions.UnsupportedMediaType, CoreErrorCode.UNSUPPORTED_MEDIA_TYPE),
    (exceptions.Throttled, CoreErrorCode.THROTTLED),
]


def _code_for(exc: exceptions.APIException) -> str:
    if isinstance(exc, _Answer):
        return exc.error_code
    if isinstance(exc, exceptions.AuthenticationFailed):
        # keep precise codes (user_inactive, token_not_valid, invalid_credentials...);
        # simplejwt puts its detail in a dict {"detail", "code", ...}
        detail = exc.detail
        code = detail.get("code") if isinstance(detail, dict) else exc.get_codes()
        if isinstance(code, str) and code != CoreErrorCode.AUTHENTICATION_FAILED:
            return code
    for cls, code in _CODES:
        if isinstance(exc, cls):
            return code
    return CoreErrorCode.ERROR


def _message_and_details(exc: exceptions.APIException) -> tuple[str, dict]:
    detail: Any
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail
        details = detail if isinstance(detail, dict) else {"non_field_errors": detail}
        return str(_("Los datos enviados no son válidos.")), details
    if isinstance(exc, exceptions.ParseError):
        return str(_("El cuerpo de la petición no es JSON válido.")), {"parser": str(exc.detail)}
    if isinstance(exc, exceptions.Throttled):
        return str(_("Demasiadas peticiones. Inténtalo más tarde.")), {"wait": getattr(exc, "wait", None)}
    if isinstance(exc, _Answer):
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
    if isinstance(exc, DomainError):
        return _from_domain(exc)
    if tenant_vanished(exc):
        return _from_domain(TenantNotFound())
    if isinstance(exc, TokenError):
        return InvalidToken(str(exc))
    if isinstance(exc, IntegrityError):
        # every constraint the product expects is recognised by its name in a service: one that
        # reaches this point is a bug to look at, though the client still gets a clean 409
        logger.error(
            "Unmapped integrity error (constraint %s) answered as 409: %s", violated_constraint(exc), exc
        )
        return _Answer(
            status_code=409,
            code=CoreErrorCode.INTEGRITY_ERROR,
            message=_("La operación viola una restricción de integridad de los datos."),
        )
    if isinstance(exc, DataError):
        # a value the database cannot hold (a number out of range...): the input's fault
        return exceptions.ValidationError({"non_field_errors": [_("Un valor está fuera de rango.")]})
    if isinstance(exc, (OperationalError, InterfaceError)):
        logger.error("Database unavailable: %s", exc)
        return _from_domain(UnavailableError())
    return None


def api_exception_handler(exc: Exception, context: dict) -> Response:
    api_exc = _normalise(exc)
    if api_exc is None:
        # An unexpected failure: logged with its traceback, answered without internals.
        logger.exception("Unhandled API error", exc_info=exc)
        set_rollback()
        body = error_body(
            status=500, code=CoreErrorCode.SERVER_ERROR, message=_("Error interno del servidor.")
        )
        return Response(body, status=500)

    set_rollback()
    message, details = _message_and_details(api_exc)
    body = error_body(status=api_exc.status_code, code=_code_for(api_exc), message=message, details=details)
    headers = {}
    if auth_header := getattr(api_exc, "auth_header", None):
        headers["WWW-Authenticate"] = auth_header
    elif api_exc.status_code == 401 and context.get("view") is not None:
        # a domain refusal of the caller's token: the view says how to authenticate, as DRF does
        header = context["view"].get_authenticate_header(context["request"])
        if header:
            headers["WWW-Authenticate"] = header
    if wait := getattr(api_exc, "wait", None):
        headers["Retry-After"] = str(int(wait))
    return Response(body, status=api_exc.status_code, headers=headers)
