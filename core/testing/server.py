"""The real WSGI application served over HTTP on 127.0.0.1, in a thread of the test process.

Each request runs in its own thread with its own database connection, as in production, so
tests see committed data only and concurrency tests really are concurrent.
"""

from __future__ import annotations

import threading

from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


class _Server(ThreadedWSGIServer):
    # Django's 10 overflows when a test opens 50 connections at once on a loaded machine: the
    # kernel then drops handshakes and a late client gets "connection reset by peer".
    request_queue_size = 256


class LiveServer:
    def __init__(self) -> None:
        self.httpd = _Server(("127.0.0.1", 0), _QuietHandler, allow_reuse_address=False)
        self.httpd.daemon_threads = True
        self.httpd.set_app(WSGIHandler())
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def start(self) -> LiveServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
