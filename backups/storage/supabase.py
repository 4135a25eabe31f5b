"""Supabase Storage through the supabase client's storage API (storage3), reading its answers as the
real server gives them (`../shared/reference/supabase-real-server.md`):

- errors are HTTP 400 with the real code as a string in the body's `statusCode`; only an unknown
  route (a SUPABASE_URL without the storage path) is a real 404, with a number there;
- a bad key on an object GET says "Bucket not found", so a missing-looking object is told apart by
  asking for the bucket with the same key (a bad key, a missing bucket, or a missing object);
- a delete of nothing answers 200 `[]`; a duplicate bucket or key is "409"; the size limit "413";
- a gateway in front answers 502 with `{"message"}` only: never shown to users.

Uploads never overwrite (a taken key gets the next free name); a bucket deleted while the server runs
is made again; a public bucket is refused. Downloads are streamed with httpx. The service key is
sent as `apiKey` and bearer token, and never appears in a message.
"""

from __future__ import annotations

import base64
import json
import re
import threading
from pathlib import Path
from typing import BinaryIO

import httpx

from backups.storage.base import (
    BucketPublic,
    ObjectMissing,
    ObjectTooLarge,
    StorageError,
    StorageMisconfigured,
    check_key,
    next_key,
)

CHUNK = 1024 * 1024
_MAX_ERROR_BODY = 64 * 1024
# storage-api's rule for bucket names (no slash; letters, digits and some punctuation)
_BUCKET_NAME = re.compile(r"^[\w!\-.*'() &$@=;:+,?]{1,100}$")


def _key_role(key: str) -> str | None:
    """The `role` claim of a JWT key (not verified: only to name a wrong key early)."""
    parts = key.split(".")
    if len(parts) != 3:
        return None
    try:
        payload = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except (ValueError, UnicodeDecodeError):
        return None
    return payload.get("role") if isinstance(payload, dict) else None


class _Answer:
    """What the server said: HTTP status, the body's code (a string; a number for a missing
    route), its error and message. Empty when the body is not the storage's own (a gateway's)."""

    def __init__(self, http: int, body: object) -> None:
        self.http = http
        body = body if isinstance(body, dict) else {}
        self.route_missing = http == 404 and isinstance(body.get("statusCode"), int)
        self.code = str(body.get("statusCode", "")) if "error" in body else ""
        self.error = str(body.get("error", ""))
        self.message = str(body.get("message", "")) if self.code else ""


class SupabaseStorage:
    name = "supabase"

    def __init__(self, url: str, key: str, bucket: str, timeout: float = 60.0) -> None:
        if not url or not key:
            raise StorageMisconfigured(
                "SUPABASE_URL y SUPABASE_KEY son obligatorios con BACKUP_STORAGE=supabase"
            )
        self.url = url.rstrip("/")
        self._key = key
        self.bucket = bucket
        self.timeout = timeout
        self._http = httpx.Client(timeout=timeout)
        self._client = None
        self._lock = threading.Lock()

    def _headers(self) -> dict[str, str]:
        return {"apiKey": self._key, "Authorization": f"Bearer {self._key}"}

    def _storage(self):
        if self._client is None:
            from supabase import ClientOptions, create_client

            self._client = create_client(
                self.url, self._key, options=ClientOptions(httpx_client=self._http)
            ).storage
        return self._client

    # --- reading the server's answers ----------------------------------------------------------
    def _classify(self, answer: _Answer, action: str) -> StorageError:
        if answer.route_missing:
            return StorageMisconfigured(
                "SUPABASE_URL no lleva a Supabase Storage (la ruta no existe): debe ser la URL del proyecto, "
                "https://<proyecto>.supabase.co"
            )
        if not answer.code or answer.http >= 500:
            return StorageError(f"Supabase Storage no responde ({action}; HTTP {answer.http})")
        if answer.code == "403" or (answer.code == "400" and "authorization" in answer.message):
            return StorageMisconfigured(
                f"Supabase Storage rechazó SUPABASE_KEY ({action}: {answer.message}): use la clave service_role del proyecto"
            )
        if answer.code == "413":
            return ObjectTooLarge(
                "La copia supera el tamaño máximo que acepta Supabase Storage (el límite de subida del proyecto o del bucket)"
            )
        if answer.code == "400" and "bucket name" in answer.message.lower():
            return StorageMisconfigured(f"SUPABASE_BUCKET no es un nombre de bucket válido: {self.bucket!r}")
        if answer.code == "404":
            return ObjectMissing(answer.message)
        return StorageError(f"Supabase Storage rechazó {action} (código {answer.code}: {answer.error})")

    def _api_failure(self, exc: Exception, action: str) -> StorageError:
        from storage3.exceptions import StorageApiError

        if isinstance(exc, StorageApiError):
            status = exc.status
            body: dict = {"statusCode": status, "error": exc.code, "message": exc.message}
            if (
                exc.code == "InternalError"
            ):  # storage3 could not read the body: a gateway's, not the storage's
                body = {}
            http = 404 if isinstance(status, int) and status == 404 else 400 if body else 502
            return self._classify(_Answer(http, body), action)
        if isinstance(exc, httpx.HTTPError):
            return StorageError(f"Supabase Storage no responde ({action}): {exc.__class__.__name__}")
        return StorageError(f"Supabase Storage falló ({action}): {exc.__class__.__name__}")

    def _raw(self, method: str, path: str, action: str) -> tuple[_Answer, httpx.Response]:
        try:
            response = self._http.request(method, f"{self.url}/storage/v1{path}", headers=self._headers())
        except httpx.HTTPError as exc:
            raise StorageError(f"Supabase Storage no responde ({action}): {exc.__class__.__name__}") from exc
        try:
            body = response.json()
        except ValueError:
            body = None
        return _Answer(response.status_code, body), response

    # --- the bucket ----------------------------------------------------------------------------
    def _check_config(self) -> None:
        if not _BUCKET_NAME.match(self.bucket):
            raise StorageMisconfigured(f"SUPABASE_BUCKET no es un nombre de bucket válido: {self.bucket!r}")
        role = _key_role(self._key)
        if role and role != "service_role":
            raise StorageMisconfigured(
                f"SUPABASE_KEY es una clave '{role}': las copias necesitan la clave service_role"
            )

    def bucket_status(self) -> dict | None:
        """The bucket as the server describes it; None when it does not exist."""
        self._check_config()
        answer, response = self._raw("GET", f"/bucket/{self.bucket}", "consultar el bucket")
        if response.status_code == 200:
            return response.json()
        error = self._classify(answer, "consultar el bucket")
        if isinstance(error, ObjectMissing):
            return None
        raise error

    def ensure_bucket(self) -> None:
        """The bucket exists and is private (made, private, when missing). Asked before every
        upload, not remembered: a bucket made public while the process runs gets no more backups
        (one GET per backup; the window left is the upload's own duration)."""
        with self._lock:
            status = self.bucket_status()
            if status is None:
                try:
                    self._storage().create_bucket(self.bucket, options={"public": False})
                except Exception as exc:
                    error = self._api_failure(exc, "crear el bucket")
                    if "409" not in str(getattr(exc, "status", "")):  # made by someone else meanwhile: fine
                        raise error from exc
                status = self.bucket_status()
                if status is None:
                    raise StorageError("Supabase Storage no creó el bucket de copias")
            if status.get("public"):
                raise BucketPublic(
                    f"El bucket {self.bucket!r} es público: cualquiera podría descargar las copias. "
                    "Hágalo privado en Supabase o use otro SUPABASE_BUCKET."
                )

    # --- objects -------------------------------------------------------------------------------
    def upload(self, key: str, local_path: Path) -> str:
        check_key(key)
        self.ensure_bucket()
        candidate, attempt, remade = key, 1, False
        while True:
            try:
                self._storage().from_(self.bucket).upload(
                    candidate, str(local_path), {"content-type": "application/octet-stream"}
                )
                return candidate
            except Exception as exc:
                error = self._api_failure(exc, "la subida")
                status = str(getattr(exc, "status", ""))
                if status == "409" and attempt < 50:  # a key already taken: never overwrite it
                    attempt += 1
                    candidate = next_key(key, attempt)
                    continue
                if isinstance(error, ObjectMissing):
                    if not remade:  # the bucket was deleted meanwhile
                        remade = True
                        self.ensure_bucket()
                        continue
                    # an upload has no "missing backup": the storage lost the bucket it just made
                    error = StorageError("Supabase Storage no encuentra el bucket de copias tras crearlo")
                raise error from exc

    def download_to(self, key: str, dest: BinaryIO) -> None:
        check_key(key)
        self._check_config()
        url = f"{self.url}/storage/v1/object/{self.bucket}/{key}"
        try:
            with self._http.stream("GET", url, headers=self._headers()) as response:
                if response.status_code >= 300:
                    raise self._missing_or_not(response, key)
                for chunk in response.iter_bytes(CHUNK):
                    dest.write(chunk)
        except httpx.HTTPError as exc:
            raise StorageError(
                f"Supabase Storage no responde (la descarga): {exc.__class__.__name__}"
            ) from exc

    def _missing_or_not(self, response: httpx.Response, key: str) -> StorageError:
        body_bytes = b""
        for chunk in response.iter_bytes():
            body_bytes += chunk
            if len(body_bytes) > _MAX_ERROR_BODY:
                break
        try:
            body = json.loads(body_bytes)
        except ValueError:
            body = None
        answer = _Answer(response.status_code, body)
        error = self._classify(answer, "la descarga")
        if not isinstance(error, ObjectMissing) or "bucket" not in answer.message.lower():
            return error
        # "Bucket not found" is also what a bad key gets: ask for the bucket with the same key
        if self.bucket_status() is None:
            return ObjectMissing(f"el bucket {self.bucket!r} no existe")
        return StorageMisconfigured(
            "Supabase Storage no deja leer las copias con SUPABASE_KEY: use la clave service_role del proyecto"
        )

    def delete(self, key: str) -> None:
        check_key(key)
        self._check_config()
        try:
            deleted = self._storage().from_(self.bucket).remove([key])
        except Exception as exc:
            raise self._api_failure(exc, "el borrado") from exc
        if any(isinstance(row, dict) and row.get("name") == key for row in deleted or []):
            return
        # 200 [] is what the server answers for a missing object, a missing bucket and nothing done
        answer, response = self._raw("GET", f"/object/info/{self.bucket}/{key}", "el borrado")
        if response.status_code == 200:
            raise StorageError("Supabase Storage no borró el objeto (sigue ahí)")
        error = self._classify(answer, "el borrado")
        raise error if not isinstance(error, ObjectMissing) else ObjectMissing(key)
