from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import BinaryIO

from backups.storage.base import ObjectMissing, StorageError, check_key

CHUNK = 1024 * 1024


class FilesystemStorage:
    name = "filesystem"

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        return self.root / check_key(key)

    def upload(self, key: str, local_path: Path) -> None:
        target = self._path(key)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(target.name + ".partial")
            shutil.copyfile(local_path, partial)
            os.replace(partial, target)  # never a half-written object under the final name
        except OSError as exc:
            raise StorageError(f"no se pudo escribir en el almacenamiento local: {exc.strerror}") from exc

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
            self._path(key).unlink(missing_ok=True)
        except OSError as exc:
            raise StorageError(f"no se pudo borrar del almacenamiento local: {exc.strerror}") from exc
