from django.utils.translation import gettext_lazy as _
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed, InvalidToken, TokenError
from rest_framework_simplejwt.settings import api_settings

from usuarios.auth.tokens import TENANT_CLAIM, WRONG_TENANT, current_schema
from usuarios.selectors import usuario_autenticado


class TenantJWTAuthentication(JWTAuthentication):
    """simplejwt, plus: the token's tenant must be the request's tenant, and the user comes
    from the tenant's cache of user details (invalidated whenever the user changes).

    User ids repeat across schemas, so without the tenant check a token of user 1 in tenant A
    would authenticate as user 1 of tenant B.
    """

    _verified: dict[bytes, object] = {}
    _MAX_VERIFIED = 10_000

    def get_validated_token(self, raw_token):
        # Verifying a signature is pure work on the same bytes: remember the tokens this process
        # has verified (bounded), and only re-check what can change, the expiry.
        token = self._verified.get(raw_token)
        if token is None:
            token = super().get_validated_token(raw_token)
            if len(self._verified) >= self._MAX_VERIFIED:
                self._verified.clear()
            self._verified[raw_token] = token
        else:
            try:
                token.check_exp()
            except TokenError as exc:
                self._verified.pop(raw_token, None)
                raise InvalidToken(str(exc)) from exc
        if token.get(TENANT_CLAIM) != current_schema():
            raise InvalidToken(WRONG_TENANT)
        return token

    def get_user(self, validated_token):
        try:
            user_id = int(validated_token[api_settings.USER_ID_CLAIM])
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidToken(_("El token no identifica a ningún usuario.")) from exc
        user = usuario_autenticado(user_id=user_id)
        if user is None:
            raise AuthenticationFailed(_("Usuario no encontrado."), code="user_not_found")
        if not user.activo:
            raise AuthenticationFailed(_("El usuario está desactivado."), code="user_inactive")
        return user
