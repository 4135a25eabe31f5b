from django.conf import settings
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
