"""Routes served in every schema: the API docs. (/health is answered by a middleware.)"""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

# Errors outside DRF views, in the API's envelope under /api/ (both schemas' URLs take these).
handler400 = "core.api.views.bad_request"
handler403 = "core.api.views.permission_denied"
handler404 = "core.api.views.page_not_found"
handler500 = "core.api.views.server_error"

# One document for the whole API: the platform operations and the tenant operations.
SCHEMA_URLCONF = "core.urls.api_schema"
schema_view = SpectacularAPIView.as_view(urlconf=SCHEMA_URLCONF)

urlpatterns = [
    path("api/schema/", schema_view, name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
]
