from decimal import Decimal

from django.contrib import admin
from django.db.models import DecimalField, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin_actions import apply_each
from core.tenancy.admin import TenantOnlyAdmin
from productos.models import Categoria, EstadoPedido, ItemPedido, Pago, Pedido, Producto, Proveedor
from productos.services import catalogo, pedidos


@admin.register(Categoria)
class CategoriaAdmin(TenantOnlyAdmin, admin.ModelAdmin):
    list_display = ["nombre", "slug", "activa"]
    list_filter = ["activa"]
    search_fields = ["nombre"]
    fields = ["nombre", "descripcion", "activa"]

    def save_model(self, request, obj, form, change):
        data = {f: form.cleaned_data[f] for f in self.fields}
        if change:
            catalogo.categoria_update(categoria=obj, **data)
        else:
            obj.pk = catalogo.categoria_create(**data).pk


@admin.register(Proveedor)
class ProveedorAdmin(TenantOnlyAdmin, admin.ModelAdmin):
    list_display = ["nombre", "email", "telefono", "activo"]
    list_filter = ["activo"]
    search_fields = ["nombre", "email"]


@admin.register(Producto)
class ProductoAdmin(TenantOnlyAdmin, admin.ModelAdmin):
    list_display = ["sku", "nombre", "categoria", "precio", "stock", "activo"]
    list_filter = ["activo", "categoria"]
    search_fields = ["sku", "nombre"]
    list_select_related = ["categoria"]
    fields = ["sku", "nombre", "descripcion", "precio", "costo", "stock", "categoria", "proveedor", "activo"]

    def save_model(self, request, obj, form, change):
        data = {f: form.cleaned_data[f] for f in self.fields}
        if change:
            catalogo.producto_update(producto=obj, **data)
        else:
            obj.pk = catalogo.producto_create(**data).pk


class ItemPedidoInline(admin.TabularInline):
    model = ItemPedido
    extra = 0
    readonly_fields = ["producto", "sku", "nombre", "cantidad", "precio_unitario", "subtotal"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class PagoInline(admin.TabularInline):
    model = Pago
    extra = 0
    readonly_fields = ["monto", "metodo", "referencia", "fecha"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


def _run(modeladmin, request, orders, change, done) -> None:
    apply_each(modeladmin, request, orders, change, label=lambda p: p.numero, done=done)


@admin.register(Pedido)
class PedidoAdmin(TenantOnlyAdmin, admin.ModelAdmin):
    """Orders are placed and paid through the API; staff ship, deliver and cancel them here,
    through the same services (stock comes back and payments are refunded on a cancel)."""

    list_display = ["numero", "usuario", "estado", "total", "pagado", "fecha_creacion"]
    list_filter = ["estado"]
    search_fields = ["numero", "usuario__email"]
    list_select_related = ["usuario"]
    readonly_fields = ["numero", "usuario", "estado", "total", "pagado", "fecha_creacion"]
    fields = ["numero", "usuario", "estado", "total", "pagado", "notas", "fecha_creacion"]
    inlines = [ItemPedidoInline, PagoInline]
    actions = ["enviar", "entregar", "cancelar"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                pagado_total=Coalesce(Sum("pagos__monto"), Value(Decimal("0")), output_field=DecimalField())
            )
        )

    @admin.display(description=_("pagado"), ordering="pagado_total")
    def pagado(self, obj) -> Decimal:
        return obj.pagado_total.quantize(Decimal("0.01"))

    def _move(self, request, queryset, estado: str) -> None:
        _run(
            self,
            request,
            queryset,
            lambda p: pedidos.pedido_change_estado(pedido_id=p.pk, actor=request.user, estado=estado),
            lambda n: (
                ngettext("%(n)d pedido pasó a «%(e)s».", "%(n)d pedidos pasaron a «%(e)s».", n)
                % {"n": n, "e": EstadoPedido(estado).label}
            ),
        )

    @admin.action(description=_("Marcar como enviados"))
    def enviar(self, request, queryset):
        self._move(request, queryset, EstadoPedido.ENVIADO)

    @admin.action(description=_("Marcar como entregados"))
    def entregar(self, request, queryset):
        self._move(request, queryset, EstadoPedido.ENTREGADO)

    @admin.action(description=_("Cancelar (devuelve el stock y reembolsa lo pagado)"))
    def cancelar(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            lambda p: pedidos.pedido_cancel(pedido_id=p.pk, actor=request.user),
            lambda n: ngettext("%(n)d pedido cancelado.", "%(n)d pedidos cancelados.", n) % {"n": n},
        )

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Pago)
class PagoAdmin(TenantOnlyAdmin, admin.ModelAdmin):
    list_display = ["pedido", "monto", "metodo", "referencia", "fecha"]
    list_filter = ["metodo"]
    readonly_fields = ["pedido", "monto", "metodo", "referencia", "fecha"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # payments come from the API: shown without a Save button

    def has_delete_permission(self, request, obj=None):
        return False
