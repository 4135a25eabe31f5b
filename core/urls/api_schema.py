"""The whole API in one URLconf, for its OpenAPI document: the platform operations and the tenant
operations (served from two URLconfs, one per kind of schema). `make openapi` writes it from here."""

from core.urls.public_api import urlpatterns as public_api
from core.urls.tenant_api import urlpatterns as tenant_api

urlpatterns = [*public_api, *tenant_api]
