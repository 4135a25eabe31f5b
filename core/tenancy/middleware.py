import logging

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.db import DatabaseError, connection
from django.http import UnreadablePostError
from django.urls import set_urlconf
from django.utils.translation import gettext_lazy as _
from django_tenants.utils import get_public_schema_name

from core.api.envelope import error_response
from core.api.exceptions import domain_error_response
from core.error_codes import CoreErrorCode
from core.errors import UnavailableError
from core.invalidation import watcher
from core.tenancy.errors import TENANT_ERRORS, TenantNotFound
from core.tenancy.maintenance import Gate, TenantMaintenance, write_enter, write_leave
from core.tenancy.resolver import resolve_tenant
from core.tenancy.vanished import tenant_vanished
from core.versioned_cache import request_scope

logger = logging.getLogger(__name__)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class TenantMiddleware:
    """Points the connection at the request's tenant schema, or answers a JSON error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Tenant metadata is in the public schema; never start from the previous request's.
        connection.set_schema_to_public()
        try:
            tenant = resolve_tenant(request)
        except TENANT_ERRORS as exc:
            return domain_error_response(exc)
        except DisallowedHost:
            return error_response(
                status=400,
                code=CoreErrorCode.INVALID_HOST,
                message=_("El host de la petición no está permitido."),
            )
        except DatabaseError:
            logger.exception("Tenant lookup failed")
            connection.close_if_unusable_or_obsolete()
            return domain_error_response(UnavailableError())

        request.tenant = tenant
        if tenant.schema_name == get_public_schema_name():
            connection.set_schema_to_public()
            request.urlconf = settings.PUBLIC_SCHEMA_URLCONF
        else:
            connection.set_tenant(tenant)
            request.urlconf = settings.ROOT_URLCONF
        set_urlconf(request.urlconf)
        try:
            with request_scope():
                return self.get_response(request)
        finally:
            gate = getattr(request, "_write_gate", None)
            if gate is not None:
                write_leave(tenant_id=gate)

    def process_view(self, request, view_func, view_args, view_kwargs):
        """A write in a tenant passes its write gate (see core.tenancy.maintenance), or is
        answered 503 `tenant_maintenance` while the tenant is being restored."""
        tenant = getattr(request, "tenant", None)
        if request.method in SAFE_METHODS or tenant is None or tenant.pk is None:
            return None
        # the maintenance operation itself: a DRF view class, or a plain view (the admin's restore)
        view = getattr(view_func, "cls", view_func)
        if getattr(view, "write_gate", True) is False:
            return None
        try:
            # the whole body first (bounded by RequestBodyLimitMiddleware): a client that sends
            # it slowly, or stops, must not hold the tenant's gate against a restore or deletion
            request.body  # noqa: B018
        except UnreadablePostError:
            return error_response(
                status=400,
                code=CoreErrorCode.PARSE_ERROR,
                message=_("El cuerpo de la petición no se pudo leer."),
            )
        try:
            return self._enter(request, tenant)
        except DatabaseError:
            logger.exception("Tenant write gate failed")
            connection.close_if_unusable_or_obsolete()
            return domain_error_response(UnavailableError())

    def _enter(self, request, tenant):
        gate = write_enter(tenant_id=tenant.pk, schema_name=tenant.schema_name)
        if gate is Gate.GONE:
            # the lookup was stale (deleted, perhaps re-created under the name): look again,
            # with this process's versions read at once, and enter the tenant found, if any
            watcher.refresh(force=True)
            try:
                found = resolve_tenant(request)
            except TENANT_ERRORS as exc:
                return domain_error_response(exc)
            if found.pk == tenant.pk:
                return domain_error_response(TenantNotFound())
            request.tenant = tenant = found
            connection.set_tenant(found)
            gate = write_enter(tenant_id=found.pk, schema_name=found.schema_name)
        if gate is Gate.PAUSED:
            return domain_error_response(TenantMaintenance())
        if gate is Gate.GONE:
            return domain_error_response(TenantNotFound())
        request._write_gate = tenant.pk
        return None

    def process_exception(self, request, exception):
        """A plain view (the admin) whose tenant was deleted while it ran: 404, not a 500."""
        if tenant_vanished(exception):
            return domain_error_response(TenantNotFound())
        return None
