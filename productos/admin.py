from django.contrib import admin

from core.tenancy.admin import TenantOnlyAdmin
from productos.models import Categoria, ItemPedido, Pago, Pedido, Producto, Proveedor
from productos.services import catalogo


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


@admin.register(Pedido)
class PedidoAdmin(TenantOnlyAdmin, admin.ModelAdmin):
    """Orders are placed, paid and cancelled through the API (stock and payments rules)."""

    list_display = ["numero", "usuario", "estado", "total", "fecha_creacion"]
    list_filter = ["estado"]
    search_fields = ["numero", "usuario__email"]
    readonly_fields = ["numero", "usuario", "estado", "total", "fecha_creacion"]
    fields = ["numero", "usuario", "estado", "total", "notas", "fecha_creacion"]
    inlines = [ItemPedidoInline, PagoInline]

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

    def has_delete_permission(self, request, obj=None):
        return False
