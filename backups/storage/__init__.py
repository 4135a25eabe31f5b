from functools import lru_cache

from django.conf import settings

from backups.storage.base import BackupStorage, ObjectMissing, StorageError, check_key

__all__ = ["BackupStorage", "ObjectMissing", "StorageError", "check_key", "get_storage", "reset_storage"]


@lru_cache(maxsize=4)
def _storage(kind: str, root: str, url: str, key: str, bucket: str, timeout: float) -> BackupStorage:
    if kind == "supabase":
        from backups.storage.supabase import SupabaseStorage

        return SupabaseStorage(url, key, bucket, timeout)
    if kind == "filesystem":
        from backups.storage.filesystem import FilesystemStorage

        return FilesystemStorage(root)
    raise StorageError(f"BACKUP_STORAGE desconocido: {kind!r} (filesystem o supabase)")


def get_storage(kind: str | None = None) -> BackupStorage:
    """The configured storage (or the one a record was written to)."""
    return _storage(
        kind or settings.BACKUP_STORAGE,
        settings.BACKUP_ROOT,
        settings.SUPABASE_URL,
        settings.SUPABASE_KEY,
        settings.SUPABASE_BUCKET,
        settings.SUPABASE_TIMEOUT,
    )


def reset_storage() -> None:
    _storage.cache_clear()
