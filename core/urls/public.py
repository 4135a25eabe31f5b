"""URLs of the public schema: the platform API and the operators' admin."""

from django.contrib import admin
from django.urls import path, re_path

from core.api.views import api_not_found, tenant_required
from core.urls.common import handler400, handler403, handler404, handler500  # noqa: F401
from core.urls.common import urlpatterns as common
from core.urls.public_api import urlpatterns as public_api

urlpatterns = [
    *common,
    *public_api,
    path("admin/", admin.site.urls),
    # Tenant operations asked for without a tenant: say so instead of a bare 404.
    re_path(r"^api/(auth/register|usuarios|tickets|productos|backups)(/|$)", tenant_required),
    re_path(r"^api/", api_not_found),
]
