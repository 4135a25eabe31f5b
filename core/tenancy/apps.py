from django.apps import AppConfig


class TenancyConfig(AppConfig):
    """Tenancy as an app of its own for Django to find its commands and admin here. It has no
    models of its own: the tenant models belong to `core` (their tables and migrations)."""

    name = "core.tenancy"
    label = "tenancy"
    verbose_name = "Tenancy"
