"""Routes served in every schema: the API docs. (/health is answered by a middleware.)"""

from django.urls import path, re_path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from core.api.views import api_index

# Errors outside DRF views, in the API's envelope under /api/ (both schemas' URLs take these).
handler400 = "core.api.views.bad_request"
handler403 = "core.api.views.permission_denied"
handler404 = "core.api.views.page_not_found"
handler500 = "core.api.views.server_error"

# One document for the whole API: the platform operations and the tenant operations.
SCHEMA_URLCONF = "core.urls.api_schema"
schema_view = SpectacularAPIView.as_view(urlconf=SCHEMA_URLCONF)

urlpatterns = [
    # the address a browser opens first (and the admin's "View site"): the API's documentation
    path("", RedirectView.as_view(url="/api/docs/", permanent=False)),
    path("api/", api_index, name="api-index"),
    # the docs without their slash (typed by hand) lead to them
    re_path(
        r"^api/(?P<page>docs|redoc|schema)$", RedirectView.as_view(url="/api/%(page)s/", permanent=False)
    ),
    path("api/schema/", schema_view, name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
]
