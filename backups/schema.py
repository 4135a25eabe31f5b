"""The statuses backup refusals are answered with, for the API's documentation (core.api.schema).
They follow the domain errors' kinds in backups.services.errors."""

from collections.abc import Callable

from backups.error_codes import BackupErrorCode as B
from core.api.schema import raises

STATUSES: dict[B, tuple[int, ...]] = {
    B.BACKUP_MISSING: (404,),
    B.BACKUP_NOT_COMPLETED: (409,),
    B.BACKUP_IN_PROGRESS: (409,),
    B.BACKUP_FAILED: (502, 503),
    B.CHECKSUM_MISMATCH: (502,),
    B.BACKUP_KEY_MISSING: (502,),
    B.BACKUP_KEY_INVALID: (502,),
    B.STORAGE_MISCONFIGURED: (503,),
    B.STORAGE_BUCKET_PUBLIC: (503,),
    B.STORAGE_OBJECT_TOO_LARGE: (507,),
}
# what any use of the storage can meet
STORAGE = (B.BACKUP_FAILED, B.STORAGE_MISCONFIGURED, B.STORAGE_BUCKET_PUBLIC)
# what reading a stored backup back can meet
FETCH = (
    *STORAGE,
    B.BACKUP_MISSING,
    B.BACKUP_NOT_COMPLETED,
    B.CHECKSUM_MISMATCH,
    B.BACKUP_KEY_MISSING,
    B.BACKUP_KEY_INVALID,
)


def raises_backup(*codes: B) -> Callable:
    def mark(target):
        for code in codes:
            target = raises(code, status=STATUSES[code])(target)
        return target

    return mark
