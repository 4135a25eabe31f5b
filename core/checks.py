"""System checks for what the settings must keep true."""

from django.conf import settings
from django.core.checks import Error, register


@register()
def migrate_is_ours(app_configs, **kwargs):
    """`migrate` must be core's (django-tenants' plus the template step): Django gives a command
    name to the first app that has it, so `core` must come before `django_tenants`."""
    apps = list(settings.INSTALLED_APPS)
    if "core" in apps and "django_tenants" in apps and apps.index("core") > apps.index("django_tenants"):
        return [
            Error(
                "'core' debe ir antes que 'django_tenants' en INSTALLED_APPS: si no, `migrate` es el de "
                "django-tenants y la plantilla de tenants deja de migrarse.",
                id="core.E001",
            )
        ]
    return []
