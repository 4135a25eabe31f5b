from django.contrib import admin

from core.tenancy.admin import TenantOnlyAdmin
from tickets import services
from tickets.models import Interaccion, Ticket


class InteraccionInline(admin.TabularInline):
    model = Interaccion
    extra = 0
    fields = ["tipo", "usuario", "contenido", "fecha_creacion"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Ticket)
class TicketAdmin(TenantOnlyAdmin, admin.ModelAdmin):
    list_display = ["titulo", "usuario", "estado", "prioridad", "asignado_a", "fecha_creacion"]
    list_filter = ["estado", "prioridad"]
    search_fields = ["titulo", "descripcion", "usuario__email"]
    raw_id_fields = ["usuario", "asignado_a"]
    inlines = [InteraccionInline]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["usuario", "titulo", "descripcion", "prioridad"]
        return ["usuario", "titulo", "descripcion", "prioridad", "estado", "asignado_a", "fecha_cierre"]

    def get_readonly_fields(self, request, obj=None):
        # State and assignment change through the API, which checks transitions and logs them.
        return ["usuario", "estado", "asignado_a", "fecha_cierre"] if obj else []

    def save_model(self, request, obj, form, change):
        if change:
            services.ticket_update(
                ticket_id=obj.pk,
                actor=request.user,
                titulo=obj.titulo,
                descripcion=obj.descripcion,
                prioridad=obj.prioridad,
            )
        else:
            created = services.ticket_create(
                actor=request.user,
                usuario_id=obj.usuario_id,
                titulo=obj.titulo,
                descripcion=obj.descripcion,
                prioridad=obj.prioridad,
            )
            obj.pk = created.pk

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Interaccion)
class InteraccionAdmin(TenantOnlyAdmin, admin.ModelAdmin):
    list_display = ["ticket", "tipo", "usuario", "fecha_creacion"]
    list_filter = ["tipo"]
    readonly_fields = ["ticket", "usuario", "tipo", "contenido", "metadata", "fecha_creacion"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
