"""A local HTTP server that answers the Supabase Storage REST calls as the real server does
(storage-api v1.26, recorded in `../shared/reference/supabase-real-server.md`), for tests: Supabase
itself cannot be reached from here, and a fake that answers otherwise hides bugs.

What it reproduces: errors as HTTP 400 with the real code as a string in the body (only an unknown
route is a real 404); a bad or missing key on an object GET is "Bucket not found"; deletes answer
200 with the rows deleted (`[]` for nothing); duplicates are code "409"; bucket names are
validated; upload size limits (code "413"); public buckets (served to anyone); 206 ranges, HEAD,
`/object/info`, `/object/authenticated`, `list` one level deep; a gateway 502 with only
`{"message"}` when the service is `down`; and a download stream that is cut or stalls part way.
Objects live in a folder. `key` is the service-role key; `anon_key`, if given, is a key whose
role row-level security refuses.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

PREFIX = "/storage/v1"
NOW = "2026-01-01T00:00:00.000Z"
# storage-api's bucket name rule: no slash, printable, 1 to 100 characters
_BUCKET_NAME = re.compile(r"^[\w!\-.*'() &$@=;:+,?]{1,100}$")


def _error(code: str, error: str, message: str) -> tuple[int, dict]:
    return 400, {"statusCode": code, "error": error, "message": message}


BUCKET_NOT_FOUND = _error("404", "Bucket not found", "Bucket not found")
OBJECT_NOT_FOUND = _error("404", "not_found", "Object not found")
DUPLICATE = _error("409", "Duplicate", "The resource already exists")
BAD_SIGNATURE = _error("403", "Unauthorized", "signature verification failed")
NO_AUTHORIZATION = _error("400", "Error", "headers must have required property 'authorization'")
TOO_LARGE = _error("413", "Payload too large", "The object exceeded the maximum allowed size")
RLS = _error("403", "Unauthorized", "new row violates row-level security policy")


def _unauthorised(role: str) -> tuple[int, dict]:
    """What a JSON call answers a caller without the service key (no key, another key, anon)."""
    return {"none": NO_AUTHORIZATION, "bad": BAD_SIGNATURE}.get(role, RLS)


class _Server(ThreadingHTTPServer):
    # The default backlog of 5 resets connections when several clients connect at once.
    request_queue_size = 128
    daemon_threads = True


class FakeSupabaseStorage:
    def __init__(
        self, root: Path, key: str, *, anon_key: str | None = None, upload_limit: int = 50 * 1024 * 1024
    ):
        self.root = root
        self.key = key
        self.anon_key = anon_key
        self.upload_limit = upload_limit
        self.buckets: dict[str, dict] = {}
        self.meta: dict[tuple[str, str], dict] = {}
        self.down = False
        # download faults: close the connection, or pause, once this many bytes are sent
        self.cut_after: int | None = None
        self.stall_after: int | None = None
        self.stall_seconds = 0.0
        self.requests: list[tuple[str, str]] = []
        self._lock = threading.Lock()
        self._connections: set = set()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def setup(self):
                super().setup()
                with fake._lock:
                    fake._connections.add(self.connection)

            def finish(self):
                with fake._lock:
                    fake._connections.discard(self.connection)
                super().finish()

            def _send(self, status: int, body: dict | list, headers: dict | None = None) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def _route(self, method: str) -> None:
                fake.requests.append((method, self.path))
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                if fake.down:
                    return self._send(
                        502, {"message": "An invalid response was received from the upstream server"}
                    )
                path = unquote(self.path.split("?", 1)[0])
                if not path.startswith(PREFIX + "/"):
                    return self._unknown(method, path)
                path = path[len(PREFIX) :]
                role = fake.role(self.headers.get("Authorization"))
                if method in ("GET", "HEAD") and (m := _object_read(path)):
                    kind, bucket, name = m
                    return self._read(method, kind, bucket, name, role)
                answer = fake.handle(method, path, body, self.headers, role)
                if answer is None:
                    return self._unknown(method, path)
                self._send(*answer)

            def _unknown(self, method: str, path: str) -> None:
                self._send(
                    404,
                    {"error": "Not Found", "message": f"Route {method}:{path} not found", "statusCode": 404},
                )

            def _read(self, method: str, kind: str, bucket: str, name: str, role: str) -> None:
                if kind == "public":
                    if not fake.buckets.get(bucket, {}).get("public"):
                        return self._send(*BUCKET_NOT_FOUND)
                elif role in ("none", "bad"):
                    return self._send(*BUCKET_NOT_FOUND)  # the server does not say the object exists
                if bucket not in fake.buckets:
                    return self._send(*BUCKET_NOT_FOUND)
                target = fake.object_path(bucket, name)
                if target is None or (bucket, name) not in fake.meta or role == "anon":
                    return self._send(*OBJECT_NOT_FOUND)
                meta = fake.meta[(bucket, name)]
                if kind == "info":
                    return self._send(200, fake.info(bucket, name), fake.object_headers(meta))
                size = target.stat().st_size
                start, end, status = 0, size - 1, 200
                ranged = re.fullmatch(r"bytes=(\d+)-(\d*)", self.headers.get("Range", ""))
                if ranged:
                    start = int(ranged.group(1))
                    end = min(int(ranged.group(2) or size - 1), size - 1)
                    status = 206
                self.send_response(status)
                self.send_header("Content-Type", meta["mimetype"])
                self.send_header("Content-Length", str(end - start + 1))
                for header, value in fake.object_headers(meta).items():
                    self.send_header(header, value)
                if status == 206:
                    self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
                self.end_headers()
                if method == "HEAD":
                    return
                self._stream(target, start, end - start + 1)

            def _stream(self, target: Path, start: int, length: int) -> None:
                sent = 0
                with target.open("rb") as f:
                    f.seek(start)
                    while sent < length:
                        chunk = f.read(min(65536, length - sent))
                        if fake.cut_after is not None and sent + len(chunk) > fake.cut_after:
                            self.wfile.write(chunk[: max(0, fake.cut_after - sent)])
                            self.wfile.flush()
                            self.close_connection = True
                            self.connection.shutdown(2)
                            return
                        if fake.stall_after is not None and sent + len(chunk) > fake.stall_after:
                            time.sleep(fake.stall_seconds)
                        self.wfile.write(chunk)
                        sent += len(chunk)

            def do_GET(self):
                self._route("GET")

            def do_HEAD(self):
                self._route("HEAD")

            def do_POST(self):
                self._route("POST")

            def do_PUT(self):
                self._route("PUT")

            def do_DELETE(self):
                self._route("DELETE")

        self.httpd = _Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def start(self) -> FakeSupabaseStorage:
        self._thread.start()
        return self

    def stop(self) -> None:
        """Unreachable from now on: no new connections, and the kept-alive ones are cut."""
        self.httpd.shutdown()
        self.httpd.server_close()
        with self._lock:
            for sock in list(self._connections):
                try:
                    sock.shutdown(2)
                except OSError:
                    pass

    # --- state ---------------------------------------------------------------------------------
    def role(self, authorization: str | None) -> str:
        """What the bearer token is: the service role, anon, a bad key, or none at all."""
        if not authorization:
            return "none"
        token = authorization.removeprefix("Bearer ").strip()
        if token == self.key:
            return "service"
        if self.anon_key and token == self.anon_key:
            return "anon"
        return "bad"

    def make_bucket(self, name: str, *, public: bool = False, file_size_limit: int | None = None) -> None:
        """A bucket made outside the product (by another process, or by hand)."""
        self.buckets[name] = {
            "id": name,
            "name": name,
            "owner": "",
            "public": public,
            "file_size_limit": file_size_limit,
            "allowed_mime_types": None,
            "created_at": NOW,
            "updated_at": NOW,
        }

    def set_public(self, name: str, public: bool = True) -> None:
        """The bucket's visibility changed in the dashboard while the server runs."""
        with self._lock:
            self.buckets[name]["public"] = public

    def drop_bucket(self, name: str) -> None:
        """The bucket and its objects vanish (deleted in the dashboard while the server runs)."""
        self.buckets.pop(name, None)
        for key in [k for k in self.meta if k[0] == name]:
            self.meta.pop(key)
            path = self.root / key[0] / key[1]
            path.unlink(missing_ok=True)

    def remove_object(self, bucket: str, name: str) -> None:
        """The object vanishes (deleted in the dashboard, or by another system)."""
        self.meta.pop((bucket, name))
        (self.root / bucket / name).unlink(missing_ok=True)

    def object_path(self, bucket: str, name: str) -> Path | None:
        if bucket not in self.buckets:
            return None
        return self.root / bucket / name

    def objects(self, bucket: str) -> list[str]:
        return sorted(name for b, name in self.meta if b == bucket)

    def object_headers(self, meta: dict) -> dict[str, str]:
        return {
            "ETag": f'"{meta["eTag"]}"',
            "Cache-Control": meta["cacheControl"],
            "Last-Modified": "Thu, 01 Jan 2026 00:00:00 GMT",
        }

    def info(self, bucket: str, name: str) -> dict:
        meta = self.meta[(bucket, name)]
        return {
            "id": meta["id"],
            "name": name,
            "version": meta["version"],
            "bucket_id": bucket,
            "size": meta["size"],
            "content_type": meta["mimetype"],
            "cache_control": meta["cacheControl"],
            "etag": f'"{meta["eTag"]}"',
            "metadata": {},
            "last_modified": NOW,
            "created_at": NOW,
        }

    # --- the JSON endpoints -------------------------------------------------------------------
    def handle(
        self, method: str, path: str, body: bytes, headers, role: str
    ) -> tuple[int, dict | list] | None:
        if method == "GET" and (m := re.fullmatch(r"/bucket/([^/]+)", path)):
            if role in ("none", "bad"):
                return _unauthorised(role)
            bucket = self.buckets.get(m.group(1))
            return (200, bucket) if bucket and role == "service" else BUCKET_NOT_FOUND
        if method == "POST" and path == "/bucket":
            return self._create_bucket(body, role)
        if method == "DELETE" and (m := re.fullmatch(r"/bucket/([^/]+)", path)):
            if role != "service":
                return _unauthorised(role) if role in ("none", "bad") else BAD_SIGNATURE
            if m.group(1) not in self.buckets:
                return BUCKET_NOT_FOUND
            if self.objects(m.group(1)):
                return _error("409", "InvalidRequest", "The bucket you tried to delete is not empty")
            self.buckets.pop(m.group(1))
            return 200, {"message": "Successfully deleted"}
        if method == "POST" and (m := re.fullmatch(r"/object/list/([^/]+)", path)):
            return self._list(m.group(1), body, role)
        if method in ("POST", "PUT") and (m := re.fullmatch(r"/object/([^/]+)/(.+)", path)):
            return self._upload(method, m.group(1), m.group(2), body, headers, role)
        if method == "DELETE" and (m := re.fullmatch(r"/object/([^/]+)", path)):
            if role in ("none", "bad"):
                return _unauthorised(role)
            names = json.loads(body or b"{}").get("prefixes", [])
            return 200, [self._remove(m.group(1), name) for name in names if (m.group(1), name) in self.meta]
        if method == "DELETE" and (m := re.fullmatch(r"/object/([^/]+)/(.+)", path)):
            if role in ("none", "bad"):
                return _unauthorised(role)
            if (m.group(1), m.group(2)) not in self.meta:
                return OBJECT_NOT_FOUND
            self._remove(m.group(1), m.group(2))
            return 200, {"message": "Successfully deleted"}
        return None

    def _create_bucket(self, body: bytes, role: str) -> tuple[int, dict]:
        if role != "service":
            return _unauthorised(role)
        data = json.loads(body or b"{}")
        name = data.get("id") or data.get("name") or ""
        if not _BUCKET_NAME.match(name):
            return _error("400", "Invalid Input", "Bucket name invalid")
        with self._lock:
            if name in self.buckets:
                return DUPLICATE
            self.make_bucket(
                name, public=bool(data.get("public")), file_size_limit=data.get("file_size_limit")
            )
        return 200, {"name": name}

    def _list(self, bucket: str, body: bytes, role: str) -> tuple[int, list | dict]:
        if role in ("none", "bad"):
            return _unauthorised(role)
        options = json.loads(body or b"{}")
        prefix = options.get("prefix", "").strip("/")
        folder = f"{prefix}/" if prefix else ""
        seen_folders, entries = set(), []
        for name in self.objects(bucket):
            if not name.startswith(folder):
                continue
            rest = name[len(folder) :]
            if "/" in rest:
                sub = rest.split("/", 1)[0]
                if sub not in seen_folders:
                    seen_folders.add(sub)
                    entries.append(
                        {
                            "name": sub,
                            "id": None,
                            "created_at": None,
                            "updated_at": None,
                            "last_accessed_at": None,
                            "metadata": None,
                        }
                    )
                continue
            meta = self.meta[(bucket, name)]
            entries.append(
                {
                    "name": rest,
                    "id": meta["id"],
                    "created_at": NOW,
                    "updated_at": NOW,
                    "last_accessed_at": NOW,
                    "metadata": {
                        "eTag": f'"{meta["eTag"]}"',
                        "size": meta["size"],
                        "mimetype": meta["mimetype"],
                        "cacheControl": meta["cacheControl"],
                        "contentLength": meta["size"],
                        "httpStatusCode": 200,
                    },
                }
            )
        offset, limit = int(options.get("offset", 0)), int(options.get("limit", 100))
        return 200, entries[offset : offset + limit]

    def _upload(
        self, method: str, bucket: str, raw_name: str, body: bytes, headers, role: str
    ) -> tuple[int, dict]:
        if role in ("none", "bad"):
            return _unauthorised(role)
        if role == "anon":
            return RLS
        name = posixpath.normpath(raw_name).lstrip("/")
        if bucket not in self.buckets:
            return BUCKET_NOT_FOUND
        content_type = headers.get("Content-Type", "")
        content, mimetype, cache = (
            body,
            content_type or "application/octet-stream",
            headers.get("cache-control"),
        )
        if "multipart/form-data" in content_type:
            content, mimetype, cache = _multipart_file(body, content_type)
        limit = self.buckets[bucket]["file_size_limit"] or self.upload_limit
        if len(content) > min(limit, self.upload_limit):
            return TOO_LARGE
        upsert = method == "PUT" or headers.get("x-upsert") == "true"
        with self._lock:
            if (bucket, name) in self.meta and not upsert:
                return DUPLICATE
            target = self.root / bucket / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
            self.meta[(bucket, name)] = {
                "id": str(uuid.uuid4()),
                "version": str(uuid.uuid4()),
                "size": len(content),
                "mimetype": mimetype or "application/octet-stream",
                "cacheControl": f"max-age={cache}" if cache and cache.isdigit() else cache or "no-cache",
                "eTag": hashlib.md5(content, usedforsecurity=False).hexdigest(),
            }
            return 200, {"Id": self.meta[(bucket, name)]["id"], "Key": f"{bucket}/{name}"}

    def _remove(self, bucket: str, name: str) -> dict:
        meta = self.meta.pop((bucket, name))
        (self.root / bucket / name).unlink(missing_ok=True)
        return {
            "bucket_id": bucket,
            "name": name,
            "id": meta["id"],
            "owner": "",
            "version": meta["version"],
            "created_at": NOW,
            "updated_at": NOW,
            "last_accessed_at": NOW,
            "metadata": {"eTag": f'"{meta["eTag"]}"', "size": meta["size"], "mimetype": meta["mimetype"]},
        }


def _object_read(path: str) -> tuple[str, str, str] | None:
    for kind, pattern in (
        ("info", r"/object/info/(?:authenticated/|public/)?([^/]+)/(.+)"),
        ("public", r"/object/public/([^/]+)/(.+)"),
        ("authenticated", r"/object/authenticated/([^/]+)/(.+)"),
        ("object", r"/object/([^/]+)/(.+)"),
    ):
        if m := re.fullmatch(pattern, path):
            if kind == "object" and m.group(1) in ("list", "sign", "upload"):
                return None
            return kind, m.group(1), m.group(2)
    return None


def _multipart_file(body: bytes, content_type: str) -> tuple[bytes, str, str | None]:
    """The `file` part of a storage3 upload, its content type and its cacheControl field."""
    boundary = re.search(r'boundary="?([^";]+)"?', content_type).group(1).encode()
    content, mimetype, cache = b"", "application/octet-stream", None
    for part in body.split(b"--" + boundary):
        head, _, data = part.partition(b"\r\n\r\n")
        data = data[:-2] if data.endswith(b"\r\n") else data
        if b'name="file"' in head:
            content = data
            found = re.search(rb"Content-Type: ([^\r\n]+)", head)
            mimetype = found.group(1).decode() if found else mimetype
        elif b'name="cacheControl"' in head:
            cache = data.decode()
    return content, mimetype, cache
