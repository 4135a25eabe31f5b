import corsheaders.middleware
from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.middleware import locale
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _

from core.api.envelope import error_response
from core.error_codes import CoreErrorCode


def _drain(request, length: int) -> None:
    """Read the refused body to its end (up to a bound), so the connection stays usable for the
    client's next request: a server that answers keep-alive with the body still unread on the
    socket leaves it to be parsed as the next request, or drops the connection."""
    remaining = min(length, settings.MAX_REQUEST_DRAIN_BYTES)
    stream = request.META.get("wsgi.input")
    while remaining > 0 and stream is not None:
        chunk = stream.read(min(remaining, 65536))
        if not chunk:
            break
        remaining -= len(chunk)


class RequestBodyLimitMiddleware:
    """Refuses bodies above DATA_UPLOAD_MAX_MEMORY_SIZE with 413, before anything reads them.

    Django only checks that limit when `request.body` is read, while DRF's parsers read the
    stream directly, so without this a JSON body of any size would be parsed.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return error_response(
                status=400,
                code=CoreErrorCode.INVALID_CONTENT_LENGTH,
                message=_("Content-Length no es válido."),
            )
        if limit is not None and length > limit:
            _drain(request, length)
            return error_response(
                status=413,
                code=CoreErrorCode.PAYLOAD_TOO_LARGE,
                message=_("El cuerpo de la petición es demasiado grande."),
                details={"max_bytes": limit},
            )
        return self.get_response(request)


class BrowserOnlyMiddleware:
    """Runs BROWSER_MIDDLEWARE (sessions, CSRF, the session user, messages) for everything but
    the JSON API, which authenticates with JWT alone and never reads a session or a cookie.

    The admin and the other browser pages get exactly the stack Django would build from those
    entries, `process_view` and `process_exception` included; an API request goes straight on,
    without a session lookup, a CSRF cookie or a message signer built for it.
    """

    def __init__(self, get_response):
        from django.utils.module_loading import import_string

        self.get_response = get_response
        handler = get_response
        self._inner = []
        for path in reversed(settings.BROWSER_MIDDLEWARE):
            handler = import_string(path)(handler)
            self._inner.insert(0, handler)
        self._browser = handler
        self._views = [m.process_view for m in self._inner if hasattr(m, "process_view")]
        self._exceptions = [
            m.process_exception for m in reversed(self._inner) if hasattr(m, "process_exception")
        ]

    @staticmethod
    def is_api(request) -> bool:
        return request.path_info.startswith(settings.API_PATH_PREFIX)

    def __call__(self, request):
        if self.is_api(request):
            return self.get_response(request)
        return self._browser(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if self.is_api(request):
            return None
        for process_view in self._views:
            response = process_view(request, view_func, view_args, view_kwargs)
            if response is not None:
                return response
        return None

    def process_exception(self, request, exception):
        if self.is_api(request):
            return None
        for process_exception in self._exceptions:
            response = process_exception(request, exception)
            if response is not None:
                return response
        return None


class CorsMiddleware(corsheaders.middleware.CorsMiddleware):
    """django-cors-headers', with a shortcut for a request that carries no Origin header (not a
    browser's cross-origin call) and is no preflight: corsheaders adds nothing to its response
    but `Vary: origin`, which this adds without building the request's header map."""

    def __call__(self, request):
        if "HTTP_ORIGIN" in request.META or request.method == "OPTIONS":
            return super().__call__(request)
        response = self.get_response(request)
        if self.is_enabled(request):
            patch_vary_headers(response, ("origin",))
        return response


class LocaleMiddleware(locale.LocaleMiddleware):
    """Django's, without looking for a language prefix in the path when the URLconf has no
    i18n_patterns (none of this project's has): Django looked for one twice per request, to
    use it only with such patterns. The language and the headers set are Django's."""

    def process_request(self, request):
        if _language_prefixes(request):
            return super().process_request(request)
        translation.activate(translation.get_language_from_request(request, check_path=False))
        request.LANGUAGE_CODE = translation.get_language()
        return None

    def process_response(self, request, response):
        if _language_prefixes(request):
            return super().process_response(request, response)
        patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


def _language_prefixes(request) -> bool:
    return is_language_prefix_patterns_used(getattr(request, "urlconf", settings.ROOT_URLCONF))[0]
