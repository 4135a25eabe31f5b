"""Writes on users. Every function works in the schema the connection points at."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from core.db import violated_constraint
from core.errors import ConflictError, InvalidError
from core.versioned_cache import invalidate
from usuarios.error_codes import UsuarioErrorCode
from usuarios.models import Rol, Usuario, UsuarioManager
from usuarios.selectors import usuario_datos_key

EMAIL_TAKEN = _("Ya existe un usuario con este email.")


def _email_taken(email: str, *, exclude_id: int | None = None) -> bool:
    qs = Usuario.objects.filter(email=email)
    if exclude_id is not None:
        qs = qs.exclude(pk=exclude_id)
    return qs.exists()


def _save_unique(user: Usuario) -> None:
    """Save, turning a lost race on the unique email into the same 400 as the pre-check."""
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:
        if violated_constraint(exc) == "usuario_email_unico":
            raise InvalidError({"email": [EMAIL_TAKEN]}) from exc
        raise


def _check_password(password: str, user: Usuario) -> None:
    try:
        validate_password(password, user=user)
    except DjangoValidationError as exc:
        raise InvalidError({"password": exc.messages}) from exc


@transaction.atomic
def usuario_create(
    *,
    email: str,
    password: str,
    nombre: str,
    apellido: str = "",
    rol: str = Rol.USUARIO,
    activo: bool = True,
) -> Usuario:
    email = UsuarioManager.normalise_email(email)
    if _email_taken(email):
        raise InvalidError({"email": [EMAIL_TAKEN]})
    user = Usuario(email=email, nombre=nombre, apellido=apellido, rol=rol, activo=activo)
    _check_password(password, user)
    user.set_password(password)
    _save_unique(user)
    return user


def _forget_cached_datos(user: Usuario) -> None:
    invalidate(usuario_datos_key(user.pk))


def _is_last_active_admin(user: Usuario) -> bool:
    if not (user.rol == Rol.ADMIN and user.activo):
        return False
    # Lock the admins so two concurrent demotions cannot both pass this check.
    admins = list(
        Usuario.objects.select_for_update().filter(rol=Rol.ADMIN, activo=True).values_list("pk", flat=True)
    )
    return admins == [user.pk]


@transaction.atomic
def usuario_update(
    *,
    user: Usuario,
    actor: Usuario | None = None,
    email: str | None = None,
    nombre: str | None = None,
    apellido: str | None = None,
    rol: str | None = None,
    activo: bool | None = None,
    password: str | None = None,
) -> Usuario:
    # the caller's instance may be partial (authentication builds it from the cache): load the row
    # this writes, locked, so every field is saved as it is (fecha_actualizacion included)
    user = Usuario.objects.select_for_update().get(pk=user.pk)
    if activo is False and actor is not None and actor.pk == user.pk:
        raise ConflictError(
            _("No puedes desactivar tu propia cuenta."), code=UsuarioErrorCode.CANNOT_DEACTIVATE_SELF
        )
    demoted = rol is not None and rol != Rol.ADMIN
    if (demoted or activo is False) and _is_last_active_admin(user):
        raise ConflictError(
            _("El tenant debe conservar al menos un administrador activo."), code=UsuarioErrorCode.LAST_ADMIN
        )
    if email is not None:
        email = UsuarioManager.normalise_email(email)
        if _email_taken(email, exclude_id=user.pk):
            raise InvalidError({"email": [EMAIL_TAKEN]})
        user.email = email
    for field, value in (("nombre", nombre), ("apellido", apellido), ("rol", rol), ("activo", activo)):
        if value is not None:
            setattr(user, field, value)
    if password is not None:
        _check_password(password, user)
        user.set_password(password)
    _save_unique(user)
    _forget_cached_datos(user)
    if activo is False or password is not None:
        usuario_revoke_tokens(user=user)
    return user


@transaction.atomic
def usuario_deactivate(*, user: Usuario, actor: Usuario) -> Usuario:
    return usuario_update(user=user, actor=actor, activo=False)


@transaction.atomic
def usuario_revoke_tokens(*, user: Usuario) -> int:
    """End every session of the user: their session version moves, so every access and refresh
    token issued before stops working at once (in every process, see core.versioned_cache), and
    their refresh tokens are blacklisted too. Returns how many refresh tokens were open."""
    Usuario.objects.filter(pk=user.pk).update(sesion_version=F("sesion_version") + 1)
    user.sesion_version = Usuario.objects.filter(pk=user.pk).values_list("sesion_version", flat=True).get()
    _forget_cached_datos(user)
    outstanding = OutstandingToken.objects.filter(user=user, blacklistedtoken__isnull=True)
    tokens = [BlacklistedToken(token=t) for t in outstanding]
    BlacklistedToken.objects.bulk_create(tokens, ignore_conflicts=True)
    return len(tokens)
