"""The admin panel's login, under the same limits as the API's: per account (tenant, address and
email) and per address across tenants, counted in the same cache entries."""

from types import SimpleNamespace

from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from usuarios.auth.throttles import LoginAddressThrottle, LoginThrottle


class ThrottledAdminLoginForm(AdminAuthenticationForm):
    def clean(self):
        if self.request is not None:
            # what the API's throttles read of a request: the address and the email tried
            attempt = SimpleNamespace(
                META=self.request.META,
                headers=self.request.headers,
                data={"email": self.data.get("username", "")},
            )
            for throttle in (LoginAddressThrottle(), LoginThrottle()):
                if not throttle.allow_request(attempt, None):
                    raise ValidationError(
                        _("Demasiados intentos de inicio de sesión. Inténtalo dentro de %(s)d segundos.")
                        % {"s": int(throttle.wait() or 1)},
                        code="throttled",
                    )
        return super().clean()
