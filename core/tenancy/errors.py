from django.utils.translation import gettext_lazy as _


class TenantError(Exception):
    """A request whose tenant cannot be served. Answered as a JSON error by the middleware."""

    status_code = 400
    code = "invalid_tenant"
    message = _("La cabecera X-Tenant-ID no es válida.")


class InvalidTenant(TenantError):
    pass


class TenantNotFound(TenantError):
    status_code = 404
    code = "tenant_not_found"
    message = _("El tenant indicado no existe.")


class TenantInactive(TenantError):
    status_code = 403
    code = "tenant_inactive"
    message = _("El tenant indicado está desactivado.")


class TenantRequired(TenantError):
    status_code = 400
    code = "tenant_required"
    message = _("Esta operación requiere un tenant: envía la cabecera X-Tenant-ID.")
