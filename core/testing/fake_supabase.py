"""A local HTTP server speaking the Supabase Storage REST endpoints the client library uses
(bucket get/create, object upload/download/remove/list), for tests: Supabase itself cannot be
reached from here. Objects are kept in a folder. `fail_with` makes every call answer that HTTP
status; `stop()` makes the service unreachable.
"""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

PREFIX = "/storage/v1"


def _error(status: int, error: str, message: str) -> tuple[int, dict]:
    return status, {"statusCode": str(status), "error": error, "message": message}


class _Server(ThreadingHTTPServer):
    # The default backlog of 5 resets connections when several clients connect at once.
    request_queue_size = 128


class FakeSupabaseStorage:
    def __init__(self, root: Path, key: str) -> None:
        self.root = root
        self.key = key
        self.buckets: dict[str, dict] = {}
        self.fail_with: int | None = None
        self.requests: list[tuple[str, str]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status: int, body: dict | list) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _body(self) -> bytes:
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            def _route(self, method: str) -> None:
                server.requests.append((method, self.path))
                body = self._body() if method in ("POST", "PUT", "DELETE") else b""
                if server.fail_with:
                    return self._send(*_error(server.fail_with, "InternalError", "simulated failure"))
                if (
                    self.headers.get("apikey") != server.key
                    or self.headers.get("Authorization") != f"Bearer {server.key}"
                ):
                    return self._send(*_error(403, "Unauthorized", "Invalid Compact JWS"))
                path = unquote(self.path.split("?", 1)[0])
                if not path.startswith(PREFIX):
                    return self._send(*_error(404, "not_found", "Route not found"))
                path = path[len(PREFIX) :]
                if method == "GET" and (m := re.fullmatch(r"/object/([^/]+)/(.+)", path)):
                    return self._download(m.group(1), m.group(2))
                status, payload = server.handle(method, path, body, self.headers)
                self._send(status, payload)

            def _download(self, bucket: str, name: str) -> None:
                target = server.object_path(bucket, name)
                if target is None or not target.is_file():
                    return self._send(*_error(400, "not_found", "Object not found"))
                self.send_response(200)
                self.send_header("Content-Type", "application/octet-stream")
                self.send_header("Content-Length", str(target.stat().st_size))
                self.end_headers()
                with target.open("rb") as f:
                    while chunk := f.read(65536):
                        self.wfile.write(chunk)

            def do_GET(self):
                self._route("GET")

            def do_POST(self):
                self._route("POST")

            def do_PUT(self):
                self._route("PUT")

            def do_DELETE(self):
                self._route("DELETE")

        self.httpd = _Server(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def start(self) -> FakeSupabaseStorage:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def object_path(self, bucket: str, name: str) -> Path | None:
        if bucket not in self.buckets or ".." in name.split("/"):
            return None
        return self.root / bucket / name

    def objects(self, bucket: str) -> list[str]:
        base = self.root / bucket
        return (
            sorted(str(p.relative_to(base)) for p in base.rglob("*") if p.is_file()) if base.exists() else []
        )

    # --- the JSON endpoints ------------------------------------------------------------------
    def handle(self, method: str, path: str, body: bytes, headers) -> tuple[int, dict | list]:
        if method == "GET" and (m := re.fullmatch(r"/bucket/([^/]+)", path)):
            bucket = self.buckets.get(m.group(1))
            return (200, bucket) if bucket else _error(404, "Bucket not found", "Bucket not found")
        if method == "POST" and path == "/bucket":
            data = json.loads(body or b"{}")
            if data.get("id") in self.buckets:
                return _error(409, "Duplicate", "The resource already exists")
            self.buckets[data["id"]] = {
                "id": data["id"],
                "name": data.get("name", data["id"]),
                "public": bool(data.get("public")),
                "owner": "",
                "created_at": "2026-01-01T00:00:00Z",
                "updated_at": "2026-01-01T00:00:00Z",
                "file_size_limit": None,
                "allowed_mime_types": None,
            }
            return 200, {"name": data["id"]}
        if method in ("POST", "PUT") and (m := re.fullmatch(r"/object/([^/]+)/(.+)", path)):
            return self._upload(m.group(1), m.group(2), body, headers, upsert=method == "PUT")
        if method == "DELETE" and (m := re.fullmatch(r"/object/([^/]+)", path)):
            deleted = []
            for name in json.loads(body or b"{}").get("prefixes", []):
                target = self.object_path(m.group(1), name)
                if target is not None and target.is_file():
                    target.unlink()
                    deleted.append({"name": name, "bucket_id": m.group(1)})
            return 200, deleted
        if method == "POST" and (m := re.fullmatch(r"/object/list/([^/]+)", path)):
            prefix = json.loads(body or b"{}").get("prefix", "")
            return 200, [
                {"name": n, "id": n, "metadata": {}} for n in self.objects(m.group(1)) if n.startswith(prefix)
            ]
        return _error(404, "not_found", "Route not found")

    def _upload(self, bucket: str, name: str, body: bytes, headers, upsert: bool) -> tuple[int, dict]:
        target = self.object_path(bucket, name)
        if target is None:
            return _error(404, "Bucket not found", "Bucket not found")
        if target.exists() and not (upsert or headers.get("x-upsert") == "true"):
            return _error(409, "Duplicate", "The resource already exists")
        content = (
            _multipart_file(body, headers.get("Content-Type", ""))
            if "multipart" in headers.get("Content-Type", "")
            else body
        )
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        return 200, {"Id": name, "Key": f"{bucket}/{name}"}


def _multipart_file(body: bytes, content_type: str) -> bytes:
    boundary = re.search(r'boundary="?([^";]+)"?', content_type).group(1).encode()
    for part in body.split(b"--" + boundary):
        head, _, data = part.partition(b"\r\n\r\n")
        if b'name="file"' in head:
            return data[:-2] if data.endswith(b"\r\n") else data
    raise ValueError("no file part")
