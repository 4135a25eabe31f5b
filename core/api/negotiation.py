"""Content negotiation with a fast path for the requests almost every client sends."""

from rest_framework.negotiation import DefaultContentNegotiation

# Accept headers that the first renderer (JSON) satisfies as they are
_PLAIN_ACCEPTS = frozenset({"", "*/*", "application/json", "application/json, */*", "application/*"})


class FastContentNegotiation(DefaultContentNegotiation):
    """DRF's negotiation, skipped when the answer can only be the first renderer: no format
    asked for and an Accept header that is absent or plainly takes JSON (parsing it costs more
    than a cached answer)."""

    def select_renderer(self, request, renderers, format_suffix=None):
        if (
            format_suffix is None
            and self.settings.URL_FORMAT_OVERRIDE not in request.query_params
            and request.META.get("HTTP_ACCEPT", "").strip() in _PLAIN_ACCEPTS
            and renderers
            and renderers[0].media_type == "application/json"
        ):
            return renderers[0], renderers[0].media_type
        return super().select_renderer(request, renderers, format_suffix)
