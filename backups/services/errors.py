"""What backups and restores refuse with (domain errors)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from backups.error_codes import BackupErrorCode
from core.errors import NotFoundError, UnavailableError, UpstreamError


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
