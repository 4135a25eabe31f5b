from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import BinaryIO

from backups.storage.base import ObjectMissing, StorageError, check_key, next_key

CHUNK = 1024 * 1024


class FilesystemStorage:
    name = "filesystem"

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        return self.root / check_key(key)

    def _private_dirs(self, folder: Path) -> None:
        """The root and every folder under it only for the server's user (0700): backups hold
        every user's password hash."""
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        for relative in [*reversed(folder.relative_to(self.root).parents), folder.relative_to(self.root)]:
            full = self.root / relative
            full.mkdir(mode=0o700, exist_ok=True)
            if full.stat().st_mode & 0o077:
                full.chmod(0o700)

    def upload(self, key: str, local_path: Path) -> str:
        target = self._path(key)
        attempt = 1
        while target.exists():  # never over another backup
            attempt += 1
            key = next_key(key, attempt)
            target = self._path(key)
        try:
            self._private_dirs(target.parent)
            partial = target.with_name(target.name + ".partial")
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as out, open(local_path, "rb") as source:
                shutil.copyfileobj(source, out, CHUNK)
            os.chmod(partial, 0o600)  # an older partial file kept its mode
            os.replace(partial, target)  # never a half-written object under the final name
        except OSError as exc:
            raise StorageError(f"no se pudo escribir en el almacenamiento local: {exc.strerror}") from exc
        return key

    def download_to(self, key: str, dest: BinaryIO) -> None:
        try:
            with self._path(key).open("rb") as source:
                shutil.copyfileobj(source, dest, CHUNK)
        except FileNotFoundError as exc:
            raise ObjectMissing(key) from exc
        except OSError as exc:
            raise StorageError(f"no se pudo leer del almacenamiento local: {exc.strerror}") from exc

    def delete(self, key: str) -> None:
        try:
            self._path(key).unlink()
        except FileNotFoundError as exc:
            raise ObjectMissing(key) from exc
        except OSError as exc:
            raise StorageError(f"no se pudo borrar del almacenamiento local: {exc.strerror}") from exc
