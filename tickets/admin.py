"""Tickets in the admin. Every change goes through the services, so the transition table, the
assignment rules, the history and the events are the API's."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin_actions import apply_each
from core.errors import DomainError
from core.tenancy.admin import TenantOnlyAdmin
from tickets import services
from tickets.models import TRANSICIONES, Estado, Interaccion, Ticket
from usuarios.models import STAFF_ROLES, Usuario


class InteraccionInline(admin.TabularInline):
    model = Interaccion
    extra = 0
    fields = ["tipo", "usuario", "contenido", "fecha_creacion"]
    readonly_fields = ["tipo", "usuario", "contenido", "fecha_creacion"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


def _staff():
    return Usuario.objects.filter(activo=True, rol__in=STAFF_ROLES).order_by("nombre", "apellido")


class TicketChangeForm(forms.ModelForm):
    """The detail page: state and assignee offered as the services allow them."""

    nuevo_estado = forms.ChoiceField(label=_("Cambiar estado a"), required=False)
    asignar_a = forms.ModelChoiceField(
        label=_("Asignado a"), queryset=Usuario.objects.none(), required=False, empty_label=_("(sin asignar)")
    )

    class Meta:
        model = Ticket
        fields = ["titulo", "descripcion", "prioridad"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = sorted(TRANSICIONES[self.instance.estado], key=Estado.values.index)
        self.fields["nuevo_estado"].choices = [("", _("(sin cambios)"))] + [
            (value, Estado(value).label) for value in allowed
        ]
        self.fields["asignar_a"].queryset = _staff()
        self.fields["asignar_a"].initial = self.instance.asignado_a_id
        if self.instance.estado == Estado.CERRADO:
            self.fields["asignar_a"].disabled = True


def _run(modeladmin, request, tickets, change, done) -> None:
    apply_each(modeladmin, request, tickets, change, label=lambda t: t.titulo, done=done)


def _state_action(estado: str, description: Any):
    def action(modeladmin, request, queryset):
        _run(
            modeladmin,
            request,
            queryset,
            lambda t: services.ticket_change_estado(ticket_id=t.pk, actor=request.user, estado=estado),
            lambda n: (
                ngettext("%(n)d ticket pasó a «%(e)s».", "%(n)d tickets pasaron a «%(e)s».", n)
                % {"n": n, "e": Estado(estado).label}
            ),
        )

    action.__name__ = f"estado_{estado}"
    return admin.action(description=description)(action)


@admin.register(Ticket)
class TicketAdmin(TenantOnlyAdmin, admin.ModelAdmin):
    list_display = ["titulo", "usuario", "estado", "prioridad", "asignado_a", "fecha_creacion"]
    list_filter = ["estado", "prioridad", ("asignado_a", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["titulo", "descripcion", "usuario__email"]
    list_select_related = ["usuario", "asignado_a"]
    raw_id_fields = ["usuario"]
    inlines = [InteraccionInline]
    actions = [
        _state_action(Estado.EN_PROCESO, _("Pasar a «en proceso»")),
        _state_action(Estado.RESUELTO, _("Marcar como resueltos")),
        _state_action(Estado.CERRADO, _("Cerrar los tickets seleccionados")),
        "asignarme",
        "quitar_asignacion",
    ]

    def get_form(self, request, obj=None, **kwargs):
        if obj is not None:
            kwargs["form"] = TicketChangeForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["usuario", "titulo", "descripcion", "prioridad"]
        return [
            "usuario",
            "titulo",
            "descripcion",
            "prioridad",
            "estado",
            "nuevo_estado",
            "asignar_a",
            "fecha_cierre",
        ]

    def get_readonly_fields(self, request, obj=None):
        return ["usuario", "estado", "fecha_cierre"] if obj else []

    def save_model(self, request, obj, form, change):
        if not change:
            created = services.ticket_create(
                actor=request.user,
                usuario_id=obj.usuario_id,
                titulo=obj.titulo,
                descripcion=obj.descripcion,
                prioridad=obj.prioridad,
            )
            obj.pk = created.pk
            return
        try:
            if {"titulo", "descripcion", "prioridad"} & set(form.changed_data):
                services.ticket_update(
                    ticket_id=obj.pk,
                    actor=request.user,
                    titulo=obj.titulo,
                    descripcion=obj.descripcion,
                    prioridad=obj.prioridad,
                )
            if "asignar_a" in form.changed_data:
                asignado = form.cleaned_data["asignar_a"]
                services.ticket_assign(
                    ticket_id=obj.pk, actor=request.user, asignado_a_id=asignado.pk if asignado else None
                )
            if form.cleaned_data.get("nuevo_estado"):
                services.ticket_change_estado(
                    ticket_id=obj.pk, actor=request.user, estado=form.cleaned_data["nuevo_estado"]
                )
        except DomainError as exc:
            # another change got there first (a transition no longer allowed...): say so
            self.message_user(request, exc.message, messages.ERROR)

    def _assign(self, request, queryset, user_id: int | None, done) -> None:
        _run(
            self,
            request,
            queryset,
            lambda t: services.ticket_assign(ticket_id=t.pk, actor=request.user, asignado_a_id=user_id),
            done,
        )

    @admin.action(description=_("Asignarme los tickets seleccionados"))
    def asignarme(self, request, queryset):
        self._assign(
            request,
            queryset,
            request.user.pk,
            lambda n: ngettext("%(n)d ticket asignado a ti.", "%(n)d tickets asignados a ti.", n) % {"n": n},
        )

    @admin.action(description=_("Quitar la asignación"))
    def quitar_asignacion(self, request, queryset):
        self._assign(
            request,
            queryset,
            None,
            lambda n: ngettext("%(n)d ticket sin asignar.", "%(n)d tickets sin asignar.", n) % {"n": n},
        )

    def get_actions(self, request):
        actions = super().get_actions(request)
        # one "assign to" per member of the team (a desk's team is small; the first 20)
        for member in _staff()[:20]:
            name = f"asignar_a_{member.pk}"
            actions[name] = (
                self._assign_to(member.pk),
                name,
                _("Asignar a %(nombre)s") % {"nombre": member.get_full_name() or member.email},
            )
        actions.pop("delete_selected", None)
        return actions

    def _assign_to(self, user_id: int):
        def action(modeladmin, request, queryset):
            modeladmin._assign(
                request,
                queryset,
                user_id,
                lambda n: ngettext("%(n)d ticket asignado.", "%(n)d tickets asignados.", n) % {"n": n},
            )

        return action

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Interaccion)
class InteraccionAdmin(TenantOnlyAdmin, admin.ModelAdmin):
    list_display = ["ticket", "tipo", "usuario", "fecha_creacion"]
    list_filter = ["tipo"]
    readonly_fields = ["ticket", "usuario", "tipo", "contenido", "metadata", "fecha_creacion"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # the history is written by the services: shown without a Save button

    def has_delete_permission(self, request, obj=None):
        return False
