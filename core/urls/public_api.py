"""The platform API, in the public schema."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from core.tenancy.views import TenantViewSet
from usuarios.urls import auth_urlpatterns, me_urlpatterns

router = SimpleRouter()
router.register("tenants", TenantViewSet, basename="tenant")

urlpatterns = [
    path("api/auth/", include(auth_urlpatterns)),
    path("api/usuarios/", include(me_urlpatterns)),
    path("api/", include(router.urls)),
]
