"""Where backup files live. Keys look like `backups/<schema>/<manual|auto>/<file_name>`."""

from __future__ import annotations

import re
from pathlib import Path
from typing import BinaryIO, Protocol

_KEY = re.compile(r"^backups/[a-z][a-z0-9_]{1,62}/(manual|auto)/backup_[a-z0-9_]+_[0-9_-]+\.sql(\.gz)?$")


class StorageError(Exception):
    """The storage service could not do it (unreachable, refused, failed)."""


class ObjectMissing(StorageError):
    """The object is not there."""


class StorageMisconfigured(StorageError):
    """The storage answers, but refuses this configuration (its key, URL or bucket): not an
    outage, and not a missing object. The message names the setting."""


class BucketPublic(StorageMisconfigured):
    """The bucket lets anyone download its objects: no backup goes there."""


class ObjectTooLarge(StorageError):
    """The storage refuses an object this large (its upload size limit)."""


def next_key(key: str, attempt: int) -> str:
    """The key to try when `key` is taken: `..._2.sql.gz`, `..._3.sql.gz`..."""
    stem, dot, rest = key.partition(".sql")
    return f"{stem}_{attempt}{dot}{rest}"


def check_key(key: str) -> str:
    """Keys are made by the service, never taken from a client; refuse anything else anyway."""
    if not _KEY.match(key) or ".." in key:
        raise ValueError(f"invalid backup key: {key!r}")
    return key


class BackupStorage(Protocol):
    name: str

    def upload(self, key: str, local_path: Path) -> str:
        """Store the file under `key`, or under the next free key if something is already there
        (never overwrite); returns the key used."""

    def download_to(self, key: str, dest: BinaryIO) -> None:
        """Stream the object into `dest` (bounded memory)."""

    def delete(self, key: str) -> None:
        """Remove the object; ObjectMissing when there was nothing to remove."""
