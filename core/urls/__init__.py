"""URLs of a tenant's schema (chosen by the tenant middleware). The package holds them all: `public`
(the public schema's), `common` (both), `tenant_api` and `public_api` (the API of each)."""

from django.contrib import admin
from django.urls import path, re_path

from core.api.views import api_not_found
from core.urls.common import handler400, handler403, handler404, handler500  # noqa: F401
from core.urls.common import urlpatterns as common
from core.urls.tenant_api import urlpatterns as tenant_api

urlpatterns = [
    *common,
    *tenant_api,
    path("admin/", admin.site.urls),
    re_path(r"^api/", api_not_found),
]
