"""Login and registration limits.

Rates come from settings.THROTTLE_RATES at each request (not frozen at import). The cache
key function prefixes keys with the schema, so the `login` limit is per tenant, address and
email; `login_ip` uses the non-prefixed `global` cache to limit an address across tenants.
"""

import hashlib

from django.conf import settings
from django.core.cache import caches
from rest_framework.throttling import SimpleRateThrottle


class _SettingsRateThrottle(SimpleRateThrottle):
    cache_alias = "default"

    @property
    def cache(self):
        return caches[self.cache_alias]

    def get_rate(self):
        return settings.THROTTLE_RATES.get(self.scope)


class LoginThrottle(_SettingsRateThrottle):
    scope = "login"

    def get_cache_key(self, request, view):
        email = str(request.data.get("email", "")).strip().lower() if hasattr(request.data, "get") else ""
        digest = hashlib.sha256(email.encode()).hexdigest()[:32]
        return f"throttle_{self.scope}_{self.get_ident(request)}_{digest}"


class AddressThrottle(_SettingsRateThrottle):
    """Per client address, across every tenant."""

    cache_alias = "global"

    def get_cache_key(self, request, view):
        return f"throttle_{self.scope}_{self.get_ident(request)}"


class LoginAddressThrottle(AddressThrottle):
    scope = "login_ip"


class RegisterThrottle(AddressThrottle):
    scope = "register"


class BackupManualThrottle(_SettingsRateThrottle):
    """Manual backups per tenant: the default cache's keys carry the schema."""

    scope = "backup_manual"

    def get_cache_key(self, request, view):
        return f"throttle_{self.scope}"
