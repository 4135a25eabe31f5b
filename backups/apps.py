from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackupsConfig(AppConfig):
    name = "backups"
    verbose_name = _("Copias de seguridad")

    def ready(self) -> None:
        from backups import checks  # noqa: F401  registers the storage check
