from django.contrib import admin

from backups.models import BackupConfiguration, BackupRecord
from core.tenancy.admin import TenantOnlyAdmin


@admin.register(BackupRecord)
class BackupRecordAdmin(TenantOnlyAdmin, admin.ModelAdmin):
    """Read-only: backups are made, restored and deleted through the API or the commands."""

    list_display = ["file_name", "backup_type", "estado", "file_size", "created_at"]
    list_filter = ["backup_type", "estado"]
    readonly_fields = [f.name for f in BackupRecord._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(BackupConfiguration)
class BackupConfigurationAdmin(TenantOnlyAdmin, admin.ModelAdmin):
    list_display = ["schedule", "hora", "retention", "activo"]
