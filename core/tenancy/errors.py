"""Why a request's tenant cannot be served (domain errors: the middleware gives them a status)."""

from django.utils.translation import gettext_lazy as _

from core.error_codes import CoreErrorCode
from core.errors import ForbiddenError, InvalidError, NotFoundError


class InvalidTenant(InvalidError):
    default_code = CoreErrorCode.INVALID_TENANT
    default_message = _("La cabecera X-Tenant-ID no es válida.")


class TenantNotFound(NotFoundError):
    default_code = CoreErrorCode.TENANT_NOT_FOUND
    default_message = _("El tenant indicado no existe.")


class TenantInactive(ForbiddenError):
    default_code = CoreErrorCode.TENANT_INACTIVE
    default_message = _("El tenant indicado está desactivado.")


class TenantRequired(InvalidError):
    default_code = CoreErrorCode.TENANT_REQUIRED
    default_message = _("Esta operación requiere un tenant: envía la cabecera X-Tenant-ID.")


TENANT_ERRORS = (InvalidTenant, TenantNotFound, TenantInactive, TenantRequired)
