"""Supabase Storage through the supabase client's storage API (storage3).

Downloads are streamed with httpx (the client's `download()` returns the whole object in memory).
The service key is sent as `apiKey` and bearer token, and never appears in an error message.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import BinaryIO

import httpx

from backups.storage.base import ObjectMissing, StorageError, check_key

CHUNK = 1024 * 1024


class SupabaseStorage:
    name = "supabase"

    def __init__(self, url: str, key: str, bucket: str, timeout: float = 60.0) -> None:
        if not url or not key:
            raise StorageError("SUPABASE_URL y SUPABASE_KEY son obligatorios con BACKUP_STORAGE=supabase")
        self.url = url.rstrip("/")
        self._key = key
        self.bucket = bucket
        self.timeout = timeout
        self._client = None
        self._bucket_ready = False
        self._lock = threading.Lock()

    def _headers(self) -> dict[str, str]:
        return {"apiKey": self._key, "Authorization": f"Bearer {self._key}"}

    def _storage(self):
        if self._client is None:
            from supabase import ClientOptions, create_client

            # the client's own timeout option is deprecated: give it a configured httpx client
            http = httpx.Client(timeout=self.timeout)
            self._client = create_client(
                self.url, self._key, options=ClientOptions(httpx_client=http)
            ).storage
        return self._client

    def _fail(self, exc: Exception, action: str) -> StorageError:
        from storage3.exceptions import StorageApiError

        if isinstance(exc, StorageApiError):
            status = str(getattr(exc, "status", "") or getattr(exc, "code", ""))
            message = str(getattr(exc, "message", "")).replace(self._key, "***")
            if status in ("404",) or "not found" in message.lower():
                return ObjectMissing(message)
            return StorageError(f"Supabase Storage rechazó {action} ({status}): {message}")
        return StorageError(f"Supabase Storage no responde ({action}): {exc.__class__.__name__}")

    def ensure_bucket(self) -> None:
        with self._lock:
            if self._bucket_ready:
                return
            storage = self._storage()
            try:
                storage.get_bucket(self.bucket)
            except Exception as exc:
                error = self._fail(exc, "consultar el bucket")
                if not isinstance(error, ObjectMissing):
                    raise error from exc
                try:
                    storage.create_bucket(self.bucket, options={"public": False})
                except Exception as create_exc:
                    raise self._fail(create_exc, "crear el bucket") from create_exc
            self._bucket_ready = True

    def upload(self, key: str, local_path: Path) -> None:
        check_key(key)
        self.ensure_bucket()
        try:
            self._storage().from_(self.bucket).upload(
                key, str(local_path), {"content-type": "application/octet-stream", "upsert": "true"}
            )
        except Exception as exc:
            raise self._fail(exc, "la subida") from exc

    def download_to(self, key: str, dest: BinaryIO) -> None:
        check_key(key)
        url = f"{self.url}/storage/v1/object/{self.bucket}/{key}"
        try:
            with httpx.stream("GET", url, headers=self._headers(), timeout=self.timeout) as response:
                if response.status_code in (400, 404):
                    raise ObjectMissing(key)
                if response.status_code >= 300:
                    raise StorageError(f"Supabase Storage respondió {response.status_code} a la descarga")
                for chunk in response.iter_bytes(CHUNK):
                    dest.write(chunk)
        except httpx.HTTPError as exc:
            raise self._fail(exc, "la descarga") from exc

    def delete(self, key: str) -> None:
        check_key(key)
        try:
            self._storage().from_(self.bucket).remove([key])
        except Exception as exc:
            raise self._fail(exc, "el borrado") from exc
