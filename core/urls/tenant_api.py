"""The API of a tenant (its schema is the request's)."""

from django.urls import include, path

from usuarios.urls import tenant_auth_urlpatterns

urlpatterns = [
    path("api/auth/", include(tenant_auth_urlpatterns)),
    path("api/usuarios/", include("usuarios.urls")),
    path("api/tickets/", include("tickets.urls")),
    path("api/productos/", include("productos.urls")),
    path("api/backups/", include("backups.urls")),
]
