from django.contrib import admin

from backups.models import BackupConfiguration, BackupRecord
from backups.services import backup_configuration_update
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
    list_display = ["schedule", "hora", "retention", "activo", "vigente_desde"]
    readonly_fields = ["vigente_desde"]

    def save_model(self, request, obj, form, change):
        # through the service: a new schedule counts from now and the sweep looks again
        backup_configuration_update(**{name: form.cleaned_data[name] for name in form.changed_data})
