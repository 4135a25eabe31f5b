"""JWTs bound to the schema they were issued in (claim `tenant`)."""

from __future__ import annotations

from django.db import connection, transaction
from django.utils.translation import gettext_lazy as _
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

from usuarios.models import Usuario

TENANT_CLAIM = "tenant"
WRONG_TENANT = _("El token no es válido para este tenant.")


def current_schema() -> str:
    return connection.schema_name


def token_pair_for(*, user: Usuario) -> dict[str, str]:
    """Issue a refresh/access pair for a user of the current schema."""
    refresh = RefreshToken.for_user(user)
    refresh[TENANT_CLAIM] = current_schema()
    return {"access": str(refresh.access_token), "refresh": str(refresh)}


def _parse_refresh(raw: str) -> RefreshToken:
    try:
        token = RefreshToken(raw)
    except TokenError as exc:
        raise InvalidToken(str(exc)) from exc
    if token.get(TENANT_CLAIM) != current_schema():
        raise InvalidToken(WRONG_TENANT)
    return token


def _lock_outstanding(token: RefreshToken) -> OutstandingToken:
    """Lock the token's row so that one refresh token is used once, even under races."""
    # order_by(): the model's default ordering joins the nullable user, which FOR UPDATE refuses
    outstanding = OutstandingToken.objects.select_for_update().order_by().filter(jti=token["jti"]).first()
    if outstanding is None or BlacklistedToken.objects.filter(token=outstanding).exists():
        raise InvalidToken(_("El token ya no es válido."))
    return outstanding


def _active_user(token: RefreshToken) -> Usuario:
    user = Usuario.objects.filter(pk=token.get(api_settings.USER_ID_CLAIM)).first()
    if user is None or not user.activo:
        raise InvalidToken(_("La cuenta no existe o está desactivada."))
    return user


@transaction.atomic
def token_refresh(*, raw_refresh: str) -> dict[str, str]:
    """Rotate: a new pair for the same user and tenant; the old refresh is blacklisted."""
    token = _parse_refresh(raw_refresh)
    outstanding = _lock_outstanding(token)
    _active_user(token)
    BlacklistedToken.objects.create(token=outstanding)
    token.set_jti()
    token.set_exp()
    token.set_iat()
    token.outstand()
    return {"access": str(token.access_token), "refresh": str(token)}


@transaction.atomic
def token_revoke(*, raw_refresh: str) -> None:
    token = _parse_refresh(raw_refresh)
    outstanding = _lock_outstanding(token)
    BlacklistedToken.objects.create(token=outstanding)
