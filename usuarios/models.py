import uuid

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.postgres.functions import RandomUUID
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class Rol(models.TextChoices):
    ADMIN = "admin", _("Administrador")
    SOPORTE = "soporte", _("Soporte")
    USUARIO = "usuario", _("Usuario")


STAFF_ROLES = frozenset({Rol.ADMIN, Rol.SOPORTE})
# In the admin panel, soporte works the desk and the shop; the rest is for admins.
SOPORTE_ADMIN_APPS = frozenset({"tickets", "productos"})


class UsuarioManager(BaseUserManager):
    use_in_migrations = True

    @staticmethod
    def normalise_email(email: str) -> str:
        return (email or "").strip().lower()

    def get_by_natural_key(self, username):
        return self.get(email=self.normalise_email(username))

    def create_user(self, email, password=None, **fields):
        # Used by Django's own tooling (createsuperuser); the API goes through services.
        user = self.model(email=self.normalise_email(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **fields):
        fields.setdefault("rol", Rol.ADMIN)
        return self.create_user(email, password, **fields)


class Usuario(AbstractBaseUser):
    """A user of one schema: a tenant's user, or a platform operator in the public schema."""

    # Unique and stored lower-case (a CHECK constraint): uniqueness is case-insensitive.
    email = models.EmailField(_("email"), max_length=254)
    nombre = models.CharField(_("nombre"), max_length=100)
    apellido = models.CharField(_("apellido"), max_length=100, blank=True)
    rol = models.CharField(_("rol"), max_length=20, choices=Rol.choices, default=Rol.USUARIO)
    activo = models.BooleanField(_("activo"), default=True)
    fecha_creacion = models.DateTimeField(_("fecha de creación"), auto_now_add=True)
    fecha_actualizacion = models.DateTimeField(_("fecha de actualización"), auto_now=True)
    # The person's identity in tokens: ids can be handed out again (after a restore rolls the
    # sequence back), this never is.
    uid = models.UUIDField(_("identificador"), default=uuid.uuid4, db_default=RandomUUID(), editable=False)
    # Bumped by a password change, a deactivation or a logout everywhere: tokens carry the
    # version they were issued under and stop working when it moves.
    sesion_version = models.PositiveIntegerField(
        _("versión de sesiones"), default=1, db_default=1, editable=False
    )

    objects = UsuarioManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["nombre"]

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(email=Lower("email")), name="usuario_email_minusculas"),
            models.UniqueConstraint(fields=["email"], name="usuario_email_unico"),
            models.UniqueConstraint(fields=["uid"], name="usuario_uid_unico"),
        ]
        indexes = [models.Index(fields=["rol", "activo"])]
        verbose_name = _("usuario")
        verbose_name_plural = _("usuarios")

    def __str__(self) -> str:
        return self.email

    # Django's auth, admin and simplejwt read these names.
    @property
    def is_active(self) -> bool:  # type: ignore[override]  # a field in AbstractBaseUser: here it reads `activo`
        return self.activo

    @property
    def is_staff(self) -> bool:
        return self.activo and self.rol in STAFF_ROLES

    @property
    def is_superuser(self) -> bool:
        return self.activo and self.rol == Rol.ADMIN

    @property
    def es_staff(self) -> bool:
        return self.rol in STAFF_ROLES

    def get_full_name(self) -> str:
        return f"{self.nombre} {self.apellido}".strip()

    def get_short_name(self) -> str:
        return self.nombre

    def has_perm(self, perm: str, obj=None) -> bool:
        if not self.activo:
            return False
        if self.rol == Rol.ADMIN:
            return True
        return self.rol == Rol.SOPORTE and perm.split(".", 1)[0] in SOPORTE_ADMIN_APPS

    def has_perms(self, perm_list, obj=None) -> bool:
        return all(self.has_perm(p, obj) for p in perm_list)

    def has_module_perms(self, app_label: str) -> bool:
        if not self.activo:
            return False
        return self.rol == Rol.ADMIN or (self.rol == Rol.SOPORTE and app_label in SOPORTE_ADMIN_APPS)
