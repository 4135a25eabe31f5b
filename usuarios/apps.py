from django.apps import AppConfig


class UsuariosConfig(AppConfig):
    name = "usuarios"
    verbose_name = "Usuarios"

    def ready(self):
        from usuarios.auth import schema  # noqa: F401 - registers the OpenAPI auth extension
