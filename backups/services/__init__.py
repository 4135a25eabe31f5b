"""Backups of the current tenant's schema: create, verify, delete, restore, schedules, retention.

A backup is never `completado` without a stored, checksummed object. One backup runs at a time
per tenant (`locks`). The modules: `records` (naming, finding, deleting and pruning records), `run`
(making one and reading one back), `restore`, `schedule` (automatic backups), `errors`.
"""

from backups.services.errors import BackupFailed, BackupMissing, ChecksumMismatch, StorageUnavailable
from backups.services.locks import lock_id
from backups.services.records import (
    backup_apply_retention,
    backup_configuration,
    backup_delete,
    schema_size,
)
from backups.services.restore import backup_restore
from backups.services.run import backup_create, backup_fetch_verified, backup_run
from backups.services.schedule import (
    AGENDA,
    INTERVALS,
    backup_automatic,
    backup_configuration_update,
    backup_is_due,
    backup_next_check,
)

__all__ = [
    "INTERVALS",
    "BackupFailed",
    "BackupMissing",
    "ChecksumMismatch",
    "StorageUnavailable",
    "backup_apply_retention",
    "AGENDA",
    "backup_automatic",
    "backup_configuration",
    "backup_configuration_update",
    "backup_create",
    "backup_delete",
    "backup_fetch_verified",
    "backup_is_due",
    "backup_next_check",
    "backup_restore",
    "backup_run",
    "lock_id",
    "schema_size",
]
