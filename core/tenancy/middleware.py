import logging

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.db import DatabaseError, connection
from django.urls import set_urlconf
from django.utils.translation import gettext_lazy as _
from django_tenants.utils import get_public_schema_name

from core.api.envelope import error_response
from core.tenancy.errors import TenantError
from core.tenancy.resolver import resolve_tenant

logger = logging.getLogger(__name__)


class TenantMiddleware:
    """Points the connection at the request's tenant schema, or answers a JSON error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Tenant metadata is in the public schema; never start from the previous request's.
        connection.set_schema_to_public()
        try:
            tenant = resolve_tenant(request)
        except TenantError as exc:
            return error_response(status=exc.status_code, code=exc.code, message=exc.message)
        except DisallowedHost:
            return error_response(
                status=400, code="invalid_host", message=_("El host de la petición no está permitido.")
            )
        except DatabaseError:
            logger.exception("Tenant lookup failed")
            connection.close_if_unusable_or_obsolete()
            return error_response(
                status=503,
                code="service_unavailable",
                message=_("El servicio no está disponible en este momento. Inténtalo de nuevo."),
            )

        request.tenant = tenant
        if tenant.schema_name == get_public_schema_name():
            connection.set_schema_to_public()
            request.urlconf = settings.PUBLIC_SCHEMA_URLCONF
        else:
            connection.set_tenant(tenant)
            request.urlconf = settings.ROOT_URLCONF
        set_urlconf(request.urlconf)
        return self.get_response(request)
