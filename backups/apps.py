from django.apps import AppConfig


class BackupsConfig(AppConfig):
    name = "backups"
    verbose_name = "Copias de seguridad"

    def ready(self) -> None:
        from backups import checks  # noqa: F401  registers the storage check
