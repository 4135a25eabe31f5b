"""Backups in the admin: made, downloaded and restored through the same services as the API."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from backups import services
from backups.downloads import backup_download_response
from backups.models import BackupConfiguration, BackupRecord, EstadoBackup
from backups.services import backup_configuration_update
from backups.services.records import current_schema
from core.errors import DomainError, InvalidError
from core.tenancy.admin import TenantOnlyAdmin
from usuarios.models import Rol


@admin.register(BackupRecord)
class BackupRecordAdmin(TenantOnlyAdmin, admin.ModelAdmin):
    list_display = ["file_name", "backup_type", "estado", "tamano", "created_at", "acciones"]
    list_filter = ["backup_type", "estado"]
    readonly_fields = [f.name for f in BackupRecord._meta.fields if f.name != "file_size"] + ["tamano"]
    change_list_template = "admin/backups/backuprecord/change_list.html"

    @admin.display(description=_("tamaño"), ordering="file_size")
    def tamano(self, obj) -> str:
        return filesizeformat(obj.file_size)

    @admin.display(description=_("acciones"))
    def acciones(self, obj) -> str:
        if obj.estado != EstadoBackup.COMPLETADO:
            return "—"
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("admin:backups_backuprecord_descargar", args=[obj.pk]),
            _("Descargar"),
            reverse("admin:backups_backuprecord_restaurar", args=[obj.pk]),
            _("Restaurar…"),
        )

    def get_urls(self):
        site = self.admin_site
        restore = site.admin_view(self.restore_view)
        restore.write_gate = False  # the restore pauses the tenant's writes itself
        return [
            path("copiar/", site.admin_view(self.backup_now_view), name="backups_backuprecord_copiar"),
            path(
                "<int:pk>/descargar/",
                site.admin_view(self.download_view),
                name="backups_backuprecord_descargar",
            ),
            path("<int:pk>/restaurar/", restore, name="backups_backuprecord_restaurar"),
            *super().get_urls(),
        ]

    def _changelist(self) -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse("admin:backups_backuprecord_changelist"))

    def _may_operate(self, request) -> bool:
        # making and restoring backups is for the tenant's admins, as in the API
        return self.has_view_permission(request) and request.user.rol == Rol.ADMIN

    def backup_now_view(self, request):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self._may_operate(request):
            raise PermissionDenied
        try:
            record, finished = services.backup_create(actor=request.user)
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
        else:
            if finished:
                self.message_user(
                    request,
                    _("Copia %(nombre)s creada (%(tamano)s).")
                    % {"nombre": record.file_name, "tamano": filesizeformat(record.file_size)},
                    messages.SUCCESS,
                )
            else:
                self.message_user(request, _("La copia está en curso: aparecerá completada en unos minutos."))
        return self._changelist()

    def download_view(self, request, pk: int):
        if not self._may_operate(request):
            raise PermissionDenied
        try:
            return backup_download_response(record_id=pk)
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return self._changelist()

    def restore_view(self, request, pk: int):
        if not self._may_operate(request):
            raise PermissionDenied
        record = BackupRecord.objects.filter(pk=pk).first()
        if record is None:
            self.message_user(request, _("Esa copia no existe."), messages.ERROR)
            return self._changelist()
        schema = current_schema()
        error = ""
        if request.method == "POST":
            try:
                outcome = services.backup_restore(
                    record_id=pk,
                    actor=request.user,
                    confirm=request.POST.get("confirm", "").strip(),
                    restaurar_seguridad=request.POST.get("restaurar_seguridad") == "on",
                )
            except InvalidError as exc:
                error = " ".join(str(m) for messages_ in exc.details.values() for m in messages_)
            except DomainError as exc:
                error = str(exc.message)
            else:
                self.message_user(
                    request,
                    _("Restaurada la copia %(nombre)s; la copia de seguridad previa es la n.º %(previa)s.")
                    % {"nombre": record.file_name, "previa": outcome["safety_backup_id"]},
                    messages.SUCCESS,
                )
                return self._changelist()
        context = {
            **self.admin_site.each_context(request),
            "title": _("Restaurar una copia"),
            "opts": self.model._meta,
            "record": record,
            "tamano": filesizeformat(record.file_size),
            "schema": schema,
            "error": error,
        }
        return TemplateResponse(request, "admin/backups/backuprecord/restore.html", context)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # a record says what happened: shown without a Save button

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(BackupConfiguration)
class BackupConfigurationAdmin(TenantOnlyAdmin, admin.ModelAdmin):
    list_display = ["schedule", "hora", "retention", "activo", "vigente_desde"]
    readonly_fields = ["vigente_desde"]

    def save_model(self, request, obj, form, change):
        # through the service: a new schedule counts from now and the sweep looks again
        backup_configuration_update(**{name: form.cleaned_data[name] for name in form.changed_data})
