from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower, Upper
from django.utils.translation import gettext_lazy as _


class Categoria(models.Model):
    nombre = models.CharField(_("nombre"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=140)
    descripcion = models.TextField(_("descripción"), blank=True)
    activa = models.BooleanField(_("activa"), default=True)

    class Meta:
        ordering = ["nombre"]
        constraints = [
            models.UniqueConstraint(Lower("nombre"), name="categoria_nombre_unico_ci"),
            models.UniqueConstraint(fields=["slug"], name="categoria_slug_unico"),
        ]
        verbose_name = _("categoría")
        verbose_name_plural = _("categorías")

    def __str__(self) -> str:
        return self.nombre


class Proveedor(models.Model):
    nombre = models.CharField(_("nombre"), max_length=160)
    email = models.EmailField(_("email"), blank=True)
    telefono = models.CharField(_("teléfono"), max_length=40, blank=True)
    activo = models.BooleanField(_("activo"), default=True)

    class Meta:
        ordering = ["nombre"]
        verbose_name = _("proveedor")
        verbose_name_plural = _("proveedores")

    def __str__(self) -> str:
        return self.nombre


class Producto(models.Model):
    sku = models.CharField(_("SKU"), max_length=64)
    nombre = models.CharField(_("nombre"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=280)
    descripcion = models.TextField(_("descripción"), blank=True)
    precio = models.DecimalField(_("precio"), max_digits=12, decimal_places=2)
    costo = models.DecimalField(_("costo"), max_digits=12, decimal_places=2, null=True, blank=True)
    stock = models.IntegerField(_("stock"), default=0)
    categoria = models.ForeignKey(
        Categoria, on_delete=models.PROTECT, related_name="productos", verbose_name=_("categoría")
    )
    proveedor = models.ForeignKey(
        Proveedor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="productos",
        verbose_name=_("proveedor"),
    )
    activo = models.BooleanField(_("activo"), default=True)
    fecha_creacion = models.DateTimeField(_("fecha de creación"), auto_now_add=True)
    fecha_actualizacion = models.DateTimeField(_("fecha de actualización"), auto_now=True)

    class Meta:
        ordering = ["nombre", "id"]
        constraints = [
            # Stored upper-case, so the plain unique index is case-insensitive uniqueness.
            models.CheckConstraint(condition=Q(sku=Upper("sku")), name="producto_sku_mayusculas"),
            models.UniqueConstraint(fields=["sku"], name="producto_sku_unico"),
            models.UniqueConstraint(fields=["slug"], name="producto_slug_unico"),
            models.CheckConstraint(condition=Q(precio__gt=0), name="producto_precio_positivo"),
            models.CheckConstraint(
                condition=Q(costo__isnull=True) | Q(costo__gte=0), name="producto_costo_no_negativo"
            ),
            models.CheckConstraint(condition=Q(stock__gte=0), name="producto_stock_no_negativo"),
        ]
        indexes = [
            # the default ordering of the list: pages come off the index instead of a sort
            models.Index(fields=["nombre", "id"]),
            models.Index(fields=["categoria", "precio"]),
            models.Index(fields=["precio"]),
            models.Index(fields=["fecha_creacion"]),
            # `search` (icontains) is served by trigram indexes made in migration 0002 where
            # PostgreSQL has pg_trgm (the embedded server does not: there it scans).
        ]
        verbose_name = _("producto")
        verbose_name_plural = _("productos")

    def __str__(self) -> str:
        return f"{self.sku} {self.nombre}"


class EstadoPedido(models.TextChoices):
    PENDIENTE = "pendiente", _("Pendiente")
    PAGADO = "pagado", _("Pagado")
    ENVIADO = "enviado", _("Enviado")
    ENTREGADO = "entregado", _("Entregado")
    CANCELADO = "cancelado", _("Cancelado")


class Pedido(models.Model):
    numero = models.CharField(_("número"), max_length=20)
    usuario = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="pedidos", verbose_name=_("cliente")
    )
    estado = models.CharField(
        _("estado"), max_length=20, choices=EstadoPedido.choices, default=EstadoPedido.PENDIENTE
    )
    total = models.DecimalField(_("total"), max_digits=14, decimal_places=2)
    notas = models.TextField(_("notas"), blank=True)
    # NULL, not "": requests without a key must stay out of the unique constraint.
    idempotency_key = models.CharField(max_length=255, null=True, blank=True, editable=False)  # noqa: DJ001
    idempotency_hash = models.CharField(max_length=64, blank=True, editable=False)
    fecha_creacion = models.DateTimeField(_("fecha de creación"), auto_now_add=True)
    fecha_actualizacion = models.DateTimeField(_("fecha de actualización"), auto_now=True)

    class Meta:
        ordering = ["-fecha_creacion", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["usuario", "idempotency_key"], name="pedido_idempotency_unico"),
            models.UniqueConstraint(fields=["numero"], name="pedido_numero_unico"),
            models.CheckConstraint(condition=Q(total__gte=0), name="pedido_total_no_negativo"),
        ]
        indexes = [models.Index(fields=["usuario", "-fecha_creacion"]), models.Index(fields=["estado"])]
        verbose_name = _("pedido")
        verbose_name_plural = _("pedidos")

    def __str__(self) -> str:
        return self.numero


class ItemPedido(models.Model):
    pedido = models.ForeignKey(
        Pedido, on_delete=models.CASCADE, related_name="items", verbose_name=_("pedido")
    )
    producto = models.ForeignKey(
        Producto, on_delete=models.PROTECT, related_name="items_pedido", verbose_name=_("producto")
    )
    sku = models.CharField(_("SKU"), max_length=64)
    nombre = models.CharField(_("nombre"), max_length=200)
    cantidad = models.PositiveIntegerField(_("cantidad"))
    precio_unitario = models.DecimalField(_("precio unitario"), max_digits=12, decimal_places=2)
    subtotal = models.DecimalField(_("subtotal"), max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=Q(cantidad__gt=0), name="item_cantidad_positiva")]
        verbose_name = _("línea de pedido")
        verbose_name_plural = _("líneas de pedido")

    def __str__(self) -> str:
        return f"{self.cantidad} x {self.sku}"


class MetodoPago(models.TextChoices):
    EFECTIVO = "efectivo", _("Efectivo")
    TARJETA = "tarjeta", _("Tarjeta")
    TRANSFERENCIA = "transferencia", _("Transferencia")


class Pago(models.Model):
    pedido = models.ForeignKey(
        Pedido, on_delete=models.PROTECT, related_name="pagos", verbose_name=_("pedido")
    )
    monto = models.DecimalField(_("monto"), max_digits=14, decimal_places=2)
    metodo = models.CharField(_("método"), max_length=20, choices=MetodoPago.choices)
    referencia = models.CharField(_("referencia"), max_length=120, blank=True)
    fecha = models.DateTimeField(_("fecha"), auto_now_add=True)
    # NULL, not "": requests without a key must stay out of the unique constraint.
    idempotency_key = models.CharField(max_length=255, null=True, blank=True, editable=False)  # noqa: DJ001
    idempotency_hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["fecha", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(monto__gt=0), name="pago_monto_positivo"),
            models.UniqueConstraint(fields=["pedido", "idempotency_key"], name="pago_idempotency_unico"),
        ]
        verbose_name = _("pago")
        verbose_name_plural = _("pagos")

    def __str__(self) -> str:
        return f"{self.monto} ({self.metodo})"


class Reembolso(models.Model):
    """Money given back: a paid order cancelled by staff records what was paid."""

    pedido = models.ForeignKey(
        Pedido, on_delete=models.PROTECT, related_name="reembolsos", verbose_name=_("pedido")
    )
    monto = models.DecimalField(_("monto"), max_digits=14, decimal_places=2)
    fecha = models.DateTimeField(_("fecha"), auto_now_add=True)
    registrado_por = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="reembolsos_registrados",
        verbose_name=_("registrado por"),
    )

    class Meta:
        ordering = ["fecha", "id"]
        constraints = [models.CheckConstraint(condition=Q(monto__gt=0), name="reembolso_monto_positivo")]
        verbose_name = _("reembolso")
        verbose_name_plural = _("reembolsos")

    def __str__(self) -> str:
        return f"{self.monto} ({self.pedido_id})"
