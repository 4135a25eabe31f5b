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


# What Django's own checks look for in MIDDLEWARE, which this project runs from
# BROWSER_MIDDLEWARE instead (see core.middleware.BrowserOnlyMiddleware).
BROWSER_NEEDS = {
    "admin.E408": "django.contrib.auth.middleware.AuthenticationMiddleware",
    "admin.E409": "django.contrib.messages.middleware.MessageMiddleware",
    "admin.E410": "django.contrib.sessions.middleware.SessionMiddleware",
    "security.W003": "django.middleware.csrf.CsrfViewMiddleware",
}


@register()
def browser_middleware_complete(app_configs, **kwargs):
    """The admin still gets sessions, CSRF, the session user and messages: Django's checks of
    them are silenced (they only read MIDDLEWARE), so this one reads where they are now."""
    if "core.middleware.BrowserOnlyMiddleware" not in settings.MIDDLEWARE:
        return []
    missing = [path for path in BROWSER_NEEDS.values() if path not in settings.BROWSER_MIDDLEWARE]
    return [
        Error(
            f"'{path}' debe estar en BROWSER_MIDDLEWARE: el admin lo necesita.",
            id="core.E002",
        )
        for path in missing
    ]
