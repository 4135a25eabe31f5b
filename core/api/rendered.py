"""Representations rendered once and served as bytes: a cache hit skips serializer and renderer.

`render_json` writes exactly what the API's JSONRenderer writes; `RenderedJSON` answers those
bytes as DRF would have (same content type), after the view's permission checks ran.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from threading import Lock
from typing import Any

from django.http import HttpResponse
from rest_framework.renderers import JSONRenderer

_renderer = JSONRenderer()


def render_json(data: Any) -> bytes:
    return _renderer.render(data)


class RenderedJSON(HttpResponse):
    def __init__(self, body: bytes, *, status: int = 200) -> None:
        super().__init__(body, status=status, content_type=_renderer.media_type)


class RenderMemo:
    """Bodies by the values they are rendered from, bounded (least recently used goes).

    A body is a pure function of its values, so a memo keyed by all of them can never serve an
    outdated one: changed values are another key. Used where the values are already at hand
    (the user behind the token) and only the rendering costs."""

    def __init__(self, render: Callable[[Any], bytes], *, size: int = 4096) -> None:
        self._render = render
        self._size = size
        self._bodies: OrderedDict[Hashable, bytes] = OrderedDict()
        self._lock = Lock()

    def body(self, values: tuple, source: Any) -> bytes:
        with self._lock:
            body = self._bodies.get(values)
            if body is not None:
                self._bodies.move_to_end(values)
                return body
        body = self._render(source)
        with self._lock:
            self._bodies[values] = body
            if len(self._bodies) > self._size:
                self._bodies.popitem(last=False)
        return body
