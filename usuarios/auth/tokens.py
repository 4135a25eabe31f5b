"""JWTs bound to one tenant instance and one person.

Claims beside simplejwt's: `tenant` (the schema), `tenant_uid` and `tenant_ver` (the tenant's
identity, never reused, and its session version, which a restore bumps), `user_uid` and
`user_ver` (the person's identity, never handed to anyone else, and their session version, which a
password change, a deactivation or a logout everywhere bumps). A token whose claims differ from
what the tenant and the user are now is refused, access and refresh alike.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from rest_framework_simplejwt.exceptions import ExpiredTokenError, TokenBackendError, TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.state import token_backend
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

from core.db import connection, public_schema
from core.errors import SessionRevoked, TokenExpired, UnauthenticatedError
from core.models import Tenant
from core.tenancy.resolver import tenant_of_schema
from usuarios.models import Usuario

TENANT_CLAIM = "tenant"
TENANT_UID_CLAIM = "tenant_uid"
TENANT_VERSION_CLAIM = "tenant_ver"
USER_UID_CLAIM = "user_uid"
USER_VERSION_CLAIM = "user_ver"
WRONG_TENANT = _("El token no es válido para este tenant.")


def current_schema() -> str:
    return connection.schema_name


def _current_tenant() -> Tenant:
    tenant = tenant_of_schema(current_schema())
    if tenant is None:
        raise UnauthenticatedError(WRONG_TENANT)
    return tenant


def _tenant_now() -> Tenant | None:
    """The current tenant as the database has it now (the public stand-in as it is). What a
    token is stamped with, or a refresh checked against, never follows a cache that may be up to
    a second behind a restore."""
    tenant = _current_tenant()
    if tenant.pk is None:
        return tenant
    with public_schema():
        return Tenant.objects.filter(pk=tenant.pk).first()


def check_request_tenant_claims(token: Any) -> None:
    """`check_tenant_claims` against the request's tenant as this process knows it. A token
    stamped with a newer session version than this process has learned (issued by another one
    right after a restore) is checked against the database instead: a token works everywhere
    from the moment it is issued. Versions only grow, and only the server signs them."""
    tenant = tenant_of_schema(current_schema())
    version = token.get(TENANT_VERSION_CLAIM)
    if tenant is not None and isinstance(version, int) and version > tenant.sesion_version:
        tenant = _tenant_now()
    check_tenant_claims(token, tenant)


def check_tenant_claims(token: Any, tenant: Tenant | None) -> None:
    """The token was issued in this tenant instance, after its last restore."""
    if tenant is None or token.get(TENANT_CLAIM) != tenant.schema_name:
        raise UnauthenticatedError(WRONG_TENANT)
    if token.get(TENANT_UID_CLAIM) != str(tenant.uid):
        raise UnauthenticatedError(WRONG_TENANT)
    if token.get(TENANT_VERSION_CLAIM) != tenant.sesion_version:
        raise SessionRevoked()


def check_user_claims(token: Any, *, uid: Any, version: int) -> None:
    """The token is of this person, issued after their last password change or logout everywhere."""
    if token.get(USER_UID_CLAIM) != str(uid):
        raise UnauthenticatedError(_("El token no identifica a ningún usuario."))
    if token.get(USER_VERSION_CLAIM) != version:
        raise SessionRevoked()


def token_pair_for(*, user: Usuario) -> dict[str, str]:
    """Issue a refresh/access pair for a user of the current schema, stamped with the tenant's
    session version as the database has it."""
    tenant = _tenant_now()
    if tenant is None:
        raise UnauthenticatedError(WRONG_TENANT)
    refresh = RefreshToken.for_user(user)
    refresh[TENANT_CLAIM] = tenant.schema_name
    refresh[TENANT_UID_CLAIM] = str(tenant.uid)
    refresh[TENANT_VERSION_CLAIM] = tenant.sesion_version
    refresh[USER_UID_CLAIM] = str(user.uid)
    refresh[USER_VERSION_CLAIM] = user.sesion_version
    return {"access": str(refresh.access_token), "refresh": str(refresh)}


def _revoked(raw: str) -> bool:
    """A genuine refresh token (signed by us, unexpired) that is on the blacklist."""
    try:
        payload = token_backend.decode(raw, verify=True)  # type: ignore[arg-type]  # an encoded token, as it is at run time
    except TokenBackendError:
        return False
    return BlacklistedToken.objects.filter(token__jti=payload.get(api_settings.JTI_CLAIM)).exists()


def _parse_refresh(raw: str) -> RefreshToken:
    try:
        token = RefreshToken(raw)  # type: ignore[arg-type]  # simplejwt annotates the encoded token as Token
    except ExpiredTokenError as exc:
        raise TokenExpired() from exc
    except TokenError as exc:
        if _revoked(raw):
            raise SessionRevoked() from exc  # logged out, or already used once (rotated)
        raise UnauthenticatedError(str(exc)) from exc
    # the tenant from the database: a refresh is rare, and must never follow a stale cache
    check_tenant_claims(token, _tenant_now())
    return token


def _lock_outstanding(token: RefreshToken) -> OutstandingToken:
    """Lock the token's row so that one refresh token is used once, even under races."""
    # order_by(): the model's default ordering joins the nullable user, which FOR UPDATE refuses
    outstanding = OutstandingToken.objects.select_for_update().order_by().filter(jti=token["jti"]).first()
    if outstanding is None or BlacklistedToken.objects.filter(token=outstanding).exists():
        raise SessionRevoked()  # logged out, or already used once (rotated)
    return outstanding


def _active_user(token: RefreshToken) -> Usuario:
    user = Usuario.objects.filter(pk=token.get(api_settings.USER_ID_CLAIM)).first()
    if user is None or not user.activo:
        raise UnauthenticatedError(_("La cuenta no existe o está desactivada."))
    check_user_claims(token, uid=user.uid, version=user.sesion_version)
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
