from django.urls import path
from rest_framework.routers import SimpleRouter

from usuarios import views

router = SimpleRouter()
router.register("usuarios", views.UsuarioViewSet, basename="usuario")

# The token endpoints exist in every schema (tenant users and platform operators).
auth_urlpatterns = [
    path("token/", views.TokenObtainView.as_view(), name="token"),
    path("token/refresh/", views.TokenRefreshView.as_view(), name="token-refresh"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("logout/todas/", views.LogoutEverywhereView.as_view(), name="logout-everywhere"),
]
tenant_auth_urlpatterns = [
    path("register/", views.RegisterView.as_view(), name="register"),
    *auth_urlpatterns,
]

me_urlpatterns = [path("me/", views.MeView.as_view(), name="me")]
urlpatterns = [*me_urlpatterns, *router.urls]
