from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UsuariosConfig(AppConfig):
    name = "usuarios"
    verbose_name = _("Usuarios")

    def ready(self):
        from usuarios.auth import schema  # noqa: F401 - registers the OpenAPI auth extension
