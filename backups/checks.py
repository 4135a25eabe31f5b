"""A start-up check of the backup storage: a public bucket would hand every backup (with every
password hash) to anyone, so `manage.py check` (and runserver, migrate) warns before any backup runs."""

from django.conf import settings
from django.core.checks import Warning as CheckWarning
from django.core.checks import register


@register("backups")
def supabase_bucket_is_private(app_configs, **kwargs):
    if settings.BACKUP_STORAGE != "supabase":
        return []
    from backups.storage import BucketPublic, StorageError, StorageMisconfigured, get_storage

    try:
        status = get_storage().bucket_status()
    except BucketPublic as exc:
        return [CheckWarning(str(exc), id="backups.W001")]
    except StorageMisconfigured as exc:
        return [CheckWarning(f"Las copias no funcionarán: {exc}", id="backups.W002")]
    except StorageError as exc:
        return [CheckWarning(f"No se pudo comprobar el bucket de copias: {exc}", id="backups.W003")]
    if status and status.get("public"):
        return [
            CheckWarning(
                f"El bucket de copias {settings.SUPABASE_BUCKET!r} es público: cualquiera podría descargar "
                "las copias. Las copias se detienen hasta que sea privado.",
                id="backups.W001",
            )
        ]
    return []
