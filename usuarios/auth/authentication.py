from datetime import UTC, datetime

from django.utils.translation import gettext_lazy as _
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import (
    AuthenticationFailed,
    ExpiredTokenError,
    InvalidToken,
    TokenError,
)
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import AccessToken

from core.errors import TokenExpired, UnauthenticatedError
from usuarios.auth.tokens import check_request_tenant_claims, check_user_claims
from usuarios.error_codes import UsuarioErrorCode
from usuarios.selectors import usuario_autenticado


def _refused(exc: UnauthenticatedError) -> InvalidToken:
    """DRF's form of a refused token, keeping its precise code (token_expired, session_revoked,
    token_not_valid)."""
    return InvalidToken(exc.message, code=exc.code)


class TenantJWTAuthentication(JWTAuthentication):
    """simplejwt, plus: the token must be of the request's tenant instance (not only its schema
    name) and of the user as they are now (identity and session version), and the user comes
    from the tenant's cache of user details (never stale: see core.versioned_cache).

    User ids repeat across schemas and can be handed out again after a restore, so the token's
    `user_uid` must match too.
    """

    _verified: dict[bytes, object] = {}
    _MAX_VERIFIED = 10_000

    def get_validated_token(self, raw_token):
        # Verifying a signature is pure work on the same bytes: remember the tokens this process
        # has verified (bounded), and check what changes with time, the expiry, against now
        # (simplejwt's check_exp() would compare with when the token object was built).
        token = self._verified.get(raw_token)
        if token is None:
            token = self._verify(raw_token)
            if len(self._verified) >= self._MAX_VERIFIED:
                self._verified.clear()
            self._verified[raw_token] = token
        else:
            try:
                token.check_exp(current_time=datetime.now(UTC))
            except TokenError as exc:
                self._verified.pop(raw_token, None)
                raise _refused(TokenExpired()) from exc
        try:
            check_request_tenant_claims(token)
        except UnauthenticatedError as exc:
            raise _refused(exc) from exc
        return token

    def _verify(self, raw_token):
        """simplejwt's own check, telling an expired token (the client refreshes it) from one that
        is not valid at all."""
        try:
            return AccessToken(raw_token)
        except ExpiredTokenError as exc:
            raise _refused(TokenExpired()) from exc
        except TokenError:
            return super().get_validated_token(raw_token)  # raises simplejwt's own answer

    def get_user(self, validated_token):
        try:
            user_id = int(validated_token[api_settings.USER_ID_CLAIM])
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidToken(_("El token no identifica a ningún usuario.")) from exc
        user = usuario_autenticado(user_id=user_id)
        if user is None:
            raise AuthenticationFailed(_("Usuario no encontrado."), code=UsuarioErrorCode.USER_NOT_FOUND)
        if not user.activo:
            raise AuthenticationFailed(_("El usuario está desactivado."), code=UsuarioErrorCode.USER_INACTIVE)
        try:
            check_user_claims(validated_token, uid=user.uid, version=user.sesion_version)
        except UnauthenticatedError as exc:
            raise _refused(exc) from exc
        return user
