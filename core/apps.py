from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Plataforma")

    def ready(self) -> None:
        from core import checks  # noqa: F401  (registers the system checks)
        from core.search import register

        register()
        _skip_closing_caches_per_request()


# Backends whose close() does nothing under their settings: django-redis keeps its pool open
# unless told to close it (CLOSE_CONNECTION), a local-memory cache has nothing to close.
_LOCAL = "django.core.cache.backends.locmem.LocMemCache"
_REDIS = "django_redis.cache.RedisCache"


def _skip_closing_caches_per_request() -> None:
    """Django closes every cache at the end of every request; with only backends for which
    that does nothing, the call is dropped (it was a few percent of a cached read)."""
    from django.conf import settings
    from django.core.cache import close_caches
    from django.core.signals import request_finished

    default_close = getattr(settings, "DJANGO_REDIS_CLOSE_CONNECTION", False)
    for config in settings.CACHES.values():
        backend = config["BACKEND"]
        if backend == _REDIS and config.get("OPTIONS", {}).get("CLOSE_CONNECTION", default_close):
            return
        if backend not in (_LOCAL, _REDIS):
            return
    request_finished.disconnect(close_caches)
