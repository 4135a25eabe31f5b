"""What backups and restores refuse with (domain errors)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from backups.error_codes import BackupErrorCode
from backups.storage import BucketPublic, ObjectMissing, ObjectTooLarge, StorageError, StorageMisconfigured
from core.errors import DomainError, InsufficientStorageError, NotFoundError, UnavailableError, UpstreamError


class BackupFailed(UpstreamError):
    default_code = BackupErrorCode.BACKUP_FAILED
    default_message = _("La copia de seguridad falló.")


class StorageUnavailable(UnavailableError):
    default_code = BackupErrorCode.BACKUP_FAILED
    default_message = _("El almacenamiento de copias no está disponible.")


class BackupMissing(NotFoundError):
    default_code = BackupErrorCode.BACKUP_MISSING
    default_message = _("El archivo de la copia no está en el almacenamiento.")


class ChecksumMismatch(UpstreamError):
    default_code = BackupErrorCode.CHECKSUM_MISMATCH
    default_message = _("El archivo almacenado no coincide con su checksum: no se usará.")


class StorageMisconfiguredError(UnavailableError):
    """The storage answers but refuses the configuration: a setting to fix, not an outage."""

    default_code = BackupErrorCode.STORAGE_MISCONFIGURED
    default_message = _("El almacenamiento de copias rechaza la configuración.")


class StorageBucketPublic(UnavailableError):
    default_code = BackupErrorCode.STORAGE_BUCKET_PUBLIC
    default_message = _("El bucket de copias es público: no se guardan copias en él.")


class StorageObjectTooLarge(InsufficientStorageError):
    default_code = BackupErrorCode.STORAGE_OBJECT_TOO_LARGE
    default_message = _("La copia supera el tamaño máximo que acepta el almacenamiento.")


def storage_failure(exc: StorageError) -> DomainError:
    """The domain error for what the storage said; the message is this product's (with the
    setting to fix), never the raw answer of a service or a gateway."""
    detail = {"e": exc}
    if isinstance(exc, BucketPublic):
        return StorageBucketPublic(_("El bucket de copias es público: %(e)s") % detail)
    if isinstance(exc, StorageMisconfigured):
        return StorageMisconfiguredError(
            _("El almacenamiento de copias rechaza la configuración: %(e)s") % detail
        )
    if isinstance(exc, ObjectTooLarge):
        return StorageObjectTooLarge(_("La copia no cabe en el almacenamiento: %(e)s") % detail)
    if isinstance(exc, ObjectMissing):
        return BackupMissing()
    return StorageUnavailable(_("El almacenamiento de copias no está disponible: %(e)s") % detail)
