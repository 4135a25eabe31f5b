from __future__ import annotations

from django.conf import settings

from backups.storage.base import (
    BackupStorage,
    BucketPublic,
    ObjectMissing,
    ObjectTooLarge,
    StorageError,
    StorageMisconfigured,
    check_key,
)
from core.process_caches import register

__all__ = [
    "BackupStorage",
    "BucketPublic",
    "ObjectMissing",
    "ObjectTooLarge",
    "StorageError",
    "StorageMisconfigured",
    "check_key",
    "get_storage",
    "reset_storage",
    "storage_of",
]


def _make(kind: str, root: str, url: str, key: str, bucket: str, timeout: float) -> BackupStorage:
    if kind == "supabase":
        from backups.storage.supabase import SupabaseStorage

        return SupabaseStorage(url, key, bucket, timeout)
    if kind == "filesystem":
        from backups.storage.filesystem import FilesystemStorage

        return FilesystemStorage(root)
    raise StorageError(f"BACKUP_STORAGE desconocido: {kind!r} (filesystem o supabase)")


class _Storages:
    """One client per storage configuration (its HTTP connections are reused), for the process's
    life or until the settings it was made from change."""

    name = "backups.storages"

    def __init__(self) -> None:
        self.clients: dict[tuple, BackupStorage] = {}

    def get(self, *config) -> BackupStorage:
        client = self.clients.get(config)
        if client is None:
            if len(self.clients) >= 4:
                self.clients.clear()
            client = self.clients[config] = _make(*config)
        return client

    def clear(self) -> None:
        self.clients.clear()


storages = register(_Storages())


def get_storage(kind: str | None = None, bucket: str | None = None) -> BackupStorage:
    """The configured storage, or the one (and the bucket) a record was written to: changing
    BACKUP_STORAGE or SUPABASE_BUCKET leaves every older backup where it is, and reachable."""
    return storages.get(
        kind or settings.BACKUP_STORAGE,
        settings.BACKUP_ROOT,
        settings.SUPABASE_URL,
        settings.SUPABASE_KEY,
        bucket or settings.SUPABASE_BUCKET,
        settings.SUPABASE_TIMEOUT,
    )


def storage_of(record) -> BackupStorage:
    """Where this backup record's object is."""
    return get_storage(record.storage, record.bucket or None)


def reset_storage() -> None:
    storages.clear()
