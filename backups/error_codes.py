"""Error codes of backups and restores. API contract: values never change."""

from enum import StrEnum


class BackupErrorCode(StrEnum):
    BACKUP_FAILED = "backup_failed"
    BACKUP_MISSING = "backup_missing"
    CHECKSUM_MISMATCH = "checksum_mismatch"
    BACKUP_IN_PROGRESS = "backup_in_progress"
    BACKUP_NOT_COMPLETED = "backup_not_completed"
    BACKUP_KEY_MISSING = "backup_key_missing"
    BACKUP_KEY_INVALID = "backup_key_invalid"
    STORAGE_MISCONFIGURED = "storage_misconfigured"
    STORAGE_BUCKET_PUBLIC = "storage_bucket_public"
    STORAGE_OBJECT_TOO_LARGE = "storage_object_too_large"
