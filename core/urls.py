"""URLs of a tenant's schema (chosen by the tenant middleware)."""

from django.contrib import admin
from django.urls import path, re_path

from core.api.views import api_not_found
from core.urls_common import urlpatterns as common
from core.urls_tenant_api import urlpatterns as tenant_api

handler400 = "core.api.views.bad_request"
handler403 = "core.api.views.permission_denied"
handler404 = "core.api.views.page_not_found"
handler500 = "core.api.views.server_error"

urlpatterns = [
    *common,
    *tenant_api,
    path("admin/", admin.site.urls),
    re_path(r"^api/", api_not_found),
]
