from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from django_tenants.utils import get_public_schema_name
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.rendered import RenderedJSON, RenderMemo, render_json
from core.api.schema import TenantScope, raises
from core.error_codes import CoreErrorCode as C
from core.errors import UnauthenticatedError
from usuarios import selectors, services
from usuarios.auth.throttles import LoginAddressThrottle, LoginThrottle, RegisterThrottle
from usuarios.auth.tokens import token_pair_for, token_refresh, token_revoke
from usuarios.error_codes import UsuarioErrorCode
from usuarios.filters import UsuarioFilter
from usuarios.models import Rol
from usuarios.permissions import IsTenantAdmin
from usuarios.serializers import (
    LoginResponseSerializer,
    LoginSerializer,
    LogoutEverywhereSerializer,
    MeUpdateSerializer,
    RefreshSerializer,
    RegisterSerializer,
    TokenPairSerializer,
    UsuarioCreateSerializer,
    UsuarioSerializer,
    UsuarioUpdateSerializer,
)


class PublicAuthView(APIView):
    """An endpoint that takes no bearer token, but whose failures are still 401 + Bearer."""

    authentication_classes = []
    permission_classes = [AllowAny]

    def get_authenticate_header(self, request):
        return 'Bearer realm="api"'


class RegisterView(PublicAuthView):
    throttle_classes = [RegisterThrottle]

    @extend_schema(request=RegisterSerializer, responses={201: UsuarioSerializer})
    def post(self, request):
        data = RegisterSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.usuario_create(**data.validated_data, rol=Rol.USUARIO)
        return Response(UsuarioSerializer(user).data, status=status.HTTP_201_CREATED)


class TokenObtainView(PublicAuthView):
    throttle_classes = [LoginAddressThrottle, LoginThrottle]
    tenant_scope = TenantScope.ANY

    @extend_schema(request=LoginSerializer, responses={200: LoginResponseSerializer})
    @raises(UsuarioErrorCode.INVALID_CREDENTIALS)
    def post(self, request):
        data = LoginSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(
            request, email=data.validated_data["email"], password=data.validated_data["password"]
        )
        if user is None:
            # Same answer for an unknown email, a wrong password and an inactive account. Without a
            # tenant only the platform's operators can log in: the likeliest mistake is a tenant
            # user who left out the header, so the answer says so, whatever the email is.
            if request.tenant.schema_name == get_public_schema_name():
                raise UnauthenticatedError(
                    _(
                        "Email o contraseña incorrectos. Sin la cabecera X-Tenant-ID solo entran los "
                        "operadores de la plataforma: los usuarios de un tenant la envían con su tenant."
                    ),
                    code=UsuarioErrorCode.INVALID_CREDENTIALS,
                    details={"tenant_header": "X-Tenant-ID"},
                )
            raise AuthenticationFailed(
                _("Email o contraseña incorrectos."), code=UsuarioErrorCode.INVALID_CREDENTIALS
            )
        body = {**token_pair_for(user=user), "user": UsuarioSerializer(user).data}
        return Response(body)


class TokenRefreshView(PublicAuthView):
    tenant_scope = TenantScope.ANY

    @extend_schema(request=RefreshSerializer, responses={200: TokenPairSerializer})
    @raises(
        C.TOKEN_NOT_VALID,
        C.TOKEN_EXPIRED,
        C.SESSION_REVOKED,
        UsuarioErrorCode.USER_INACTIVE,
        UsuarioErrorCode.USER_NOT_FOUND,
    )
    def post(self, request):
        data = RefreshSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(token_refresh(raw_refresh=data.validated_data["refresh"]))


class LogoutView(PublicAuthView):
    tenant_scope = TenantScope.ANY

    @extend_schema(request=RefreshSerializer, responses={204: None})
    @raises(C.TOKEN_NOT_VALID, C.TOKEN_EXPIRED, C.SESSION_REVOKED)
    def post(self, request):
        data = RefreshSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        token_revoke(raw_refresh=data.validated_data["refresh"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutEverywhereView(APIView):
    """Ends every session of the caller: all their access and refresh tokens stop working."""

    permission_classes = [IsAuthenticated]
    tenant_scope = TenantScope.ANY

    @extend_schema(
        request=None,
        responses={200: LogoutEverywhereSerializer},
        description="Cierra todas las sesiones de quien llama: todos sus tokens de acceso y de refresco dejan de valer.",
    )
    def post(self, request):
        ended = services.usuario_revoke_tokens(user=request.user)
        return Response({"sesiones_cerradas": ended})


# /me is read on every page of the SPA: its body, by the values it shows
_me_bodies = RenderMemo(lambda user: render_json(UsuarioSerializer(user).data))


class MeView(APIView):
    permission_classes = [IsAuthenticated]
    tenant_scope = TenantScope.ANY

    @extend_schema(responses={200: UsuarioSerializer})
    def get(self, request):
        user = request.user
        return RenderedJSON(
            _me_bodies.body(tuple(getattr(user, f) for f in UsuarioSerializer.Meta.fields), user)
        )

    @extend_schema(request=MeUpdateSerializer, responses={200: UsuarioSerializer})
    def patch(self, request):
        data = MeUpdateSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        user = services.usuario_update(user=request.user, **data.validated_data)
        return Response(UsuarioSerializer(user).data)


@extend_schema(responses={200: UsuarioSerializer})
class UsuarioViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The tenant's users, for its admins. DELETE deactivates (the row is kept)."""

    permission_classes = [IsTenantAdmin]
    serializer_class = UsuarioSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    filterset_class = UsuarioFilter
    search_fields = ["email", "nombre", "apellido"]
    ordering_fields = ["id", "email", "nombre", "apellido", "fecha_creacion"]
    ordering = ["id"]

    def get_queryset(self):
        return selectors.usuario_list()

    @extend_schema(request=UsuarioCreateSerializer, responses={201: UsuarioSerializer})
    def create(self, request):
        data = UsuarioCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.usuario_create(**data.validated_data)
        return Response(UsuarioSerializer(user).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=UsuarioUpdateSerializer, responses={200: UsuarioSerializer})
    @raises(UsuarioErrorCode.LAST_ADMIN, UsuarioErrorCode.CANNOT_DEACTIVATE_SELF)
    def partial_update(self, request, pk=None):
        data = UsuarioUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.usuario_update(user=self.get_object(), actor=request.user, **data.validated_data)
        return Response(UsuarioSerializer(user).data)

    @extend_schema(responses={204: None}, description="Desactiva al usuario (su registro se conserva).")
    @raises(UsuarioErrorCode.LAST_ADMIN, UsuarioErrorCode.CANNOT_DEACTIVATE_SELF)
    def destroy(self, request, pk=None):
        services.usuario_deactivate(user=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
