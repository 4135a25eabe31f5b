"""Orders and payments: stock is taken atomically and never oversold.

Stock rows are locked in product-id order, so two orders holding the same products in any
order cannot deadlock; every item is checked before anything changes, so a shortage changes
nothing. An Idempotency-Key makes a retried request return the first result instead of acting
twice (a key reused with a different body is refused).
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Sum
from django.utils.translation import gettext_lazy as _

from core.db import violated_constraint
from core.errors import ConflictError, ForbiddenError, InvalidError, NotFoundError, UnprocessableError
from productos.error_codes import ProductoErrorCode
from productos.models import EstadoPedido, ItemPedido, Pago, Pedido, Producto, Reembolso
from usuarios.models import Usuario

PEDIDO_NOT_FOUND = _("Pedido no encontrado.")
# Staff moves after payment; cancelling has its own service.
ESTADO_SIGUIENTE = {EstadoPedido.PAGADO: EstadoPedido.ENVIADO, EstadoPedido.ENVIADO: EstadoPedido.ENTREGADO}


class StockInsuficiente(ConflictError):
    default_code = ProductoErrorCode.STOCK_INSUFICIENTE
    default_message = _("No hay stock suficiente para algunos productos.")


class IdempotencyKeyReused(UnprocessableError):
    default_code = ProductoErrorCode.IDEMPOTENCY_KEY_REUSED
    default_message = _("Esa Idempotency-Key ya se usó con otra petición.")


def request_hash(payload: dict) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def pedido_for_actor(*, pedido_id, actor: Usuario, lock: bool = False) -> Pedido:
    qs = Pedido.objects.select_for_update(of=("self",)) if lock else Pedido.objects.all()
    if not actor.es_staff:
        qs = qs.filter(usuario=actor)
    pedido = qs.filter(pk=pedido_id).first()
    if pedido is None:
        raise NotFoundError(PEDIDO_NOT_FOUND)
    return pedido


def _merge_items(items: list[dict]) -> OrderedDict[int, int]:
    """{producto_id: cantidad}, repeated products summed, sorted by id (the lock order)."""
    merged: dict[int, int] = {}
    for item in items:
        merged[item["producto"]] = merged.get(item["producto"], 0) + item["cantidad"]
    return OrderedDict(sorted(merged.items()))


def _replayed_pedido(*, actor: Usuario, key: str, fingerprint: str) -> Pedido | None:
    existing = Pedido.objects.filter(usuario=actor, idempotency_key=key).first()
    if existing is not None and existing.idempotency_hash != fingerprint:
        raise IdempotencyKeyReused()
    return existing


def _next_numero() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval('pedido_numero_seq')")
        return f"PED-{cursor.fetchone()[0]:06d}"


def pedido_create(
    *, actor: Usuario, items: list[dict], notas: str = "", idempotency_key: str | None = None
) -> tuple[Pedido, bool]:
    """Place an order. Returns (pedido, created): created is False for an idempotent replay."""
    fingerprint = request_hash({"items": items, "notas": notas})
    if idempotency_key:
        replay = _replayed_pedido(actor=actor, key=idempotency_key, fingerprint=fingerprint)
        if replay is not None:
            return replay, False
    try:
        return _pedido_create(
            actor=actor, items=items, notas=notas, key=idempotency_key, fingerprint=fingerprint
        ), True
    except IntegrityError as exc:
        # The same key raced in from a concurrent retry: that one won, return its order.
        if idempotency_key and violated_constraint(exc) == "pedido_idempotency_unico":
            replay = _replayed_pedido(actor=actor, key=idempotency_key, fingerprint=fingerprint)
            if replay is not None:
                return replay, False
        raise


def _orderable(producto: Producto) -> bool:
    return producto.activo and producto.categoria.activa


@transaction.atomic
def _pedido_create(
    *, actor: Usuario, items: list[dict], notas: str, key: str | None, fingerprint: str
) -> Pedido:
    wanted = _merge_items(items)
    productos = {
        p.pk: p
        for p in Producto.objects.select_for_update(of=("self",))
        .select_related("categoria")
        .filter(pk__in=list(wanted))
        .order_by("pk")
    }
    # a product of an inactive category is hidden from customers: it cannot be ordered either
    unknown = [pid for pid in wanted if pid not in productos or not _orderable(productos[pid])]
    if unknown:
        raise InvalidError(
            {"items": [_("Productos inexistentes o no disponibles: %(ids)s") % {"ids": unknown}]}
        )
    short = [
        {"producto": pid, "sku": productos[pid].sku, "solicitado": qty, "disponible": productos[pid].stock}
        for pid, qty in wanted.items()
        if productos[pid].stock < qty
    ]
    if short:
        raise StockInsuficiente(details={"items": short})

    lines = []
    for pid, qty in wanted.items():
        producto = productos[pid]
        Producto.objects.filter(pk=pid).update(stock=F("stock") - qty)
        lines.append(
            ItemPedido(
                producto=producto,
                sku=producto.sku,
                nombre=producto.nombre,
                cantidad=qty,
                precio_unitario=producto.precio,
                subtotal=producto.precio * qty,
            )
        )
    pedido = Pedido.objects.create(
        numero=_next_numero(),
        usuario=actor,
        total=sum((line.subtotal for line in lines), Decimal("0")),
        notas=notas,
        idempotency_key=key,
        idempotency_hash=fingerprint if key else "",
    )
    for line in lines:
        line.pedido = pedido
    ItemPedido.objects.bulk_create(lines)
    return pedido


def _return_stock(pedido: Pedido) -> None:
    for item in pedido.items.order_by("producto_id"):
        Producto.objects.filter(pk=item.producto_id).update(stock=F("stock") + item.cantidad)


@transaction.atomic
def pedido_cancel(*, pedido_id, actor: Usuario) -> Pedido:
    pedido = pedido_for_actor(pedido_id=pedido_id, actor=actor, lock=True)
    if pedido.estado == EstadoPedido.CANCELADO:
        raise ConflictError(_("El pedido ya está cancelado."), code=ProductoErrorCode.PEDIDO_CANCELADO)
    if pedido.estado in (EstadoPedido.ENVIADO, EstadoPedido.ENTREGADO):
        raise ConflictError(
            _("Un pedido enviado o entregado no se puede cancelar."),
            code=ProductoErrorCode.INVALID_TRANSITION,
        )
    paid = pedido.pagos.aggregate(total=Sum("monto"))["total"] or Decimal("0")
    if paid > 0 and not actor.es_staff:
        raise ConflictError(
            _("El pedido ya está pagado: pide su cancelación al equipo, que registrará el reembolso."),
            code=ProductoErrorCode.PEDIDO_PAGADO,
        )
    # Lock the products in id order before giving stock back (same order as placing orders).
    list(
        Producto.objects.select_for_update(of=("self",))
        .filter(items_pedido__pedido=pedido)
        .order_by("pk")
        .values_list("pk")
    )
    _return_stock(pedido)
    if paid > 0:
        Reembolso.objects.create(pedido=pedido, monto=paid, registrado_por=actor)
    pedido.estado = EstadoPedido.CANCELADO
    pedido.save(update_fields=["estado", "fecha_actualizacion"])
    return pedido


@transaction.atomic
def pedido_change_estado(*, pedido_id, actor: Usuario, estado: str) -> Pedido:
    if not actor.es_staff:
        raise ForbiddenError()
    pedido = pedido_for_actor(pedido_id=pedido_id, actor=actor, lock=True)
    if ESTADO_SIGUIENTE.get(EstadoPedido(pedido.estado)) != estado:
        raise ConflictError(
            _("No se puede pasar de «%(de)s» a «%(a)s».") % {"de": pedido.estado, "a": estado},
            code=ProductoErrorCode.INVALID_TRANSITION,
            details={"de": pedido.estado, "a": estado},
        )
    pedido.estado = estado
    pedido.save(update_fields=["estado", "fecha_actualizacion"])
    return pedido


def pago_create(
    *,
    actor: Usuario,
    pedido_id,
    monto: Decimal,
    metodo: str,
    referencia: str = "",
    idempotency_key: str | None = None,
) -> tuple[Pago, bool]:
    request = {
        "actor": actor,
        "pedido_id": pedido_id,
        "monto": monto,
        "metodo": metodo,
        "referencia": referencia,
        "key": idempotency_key,
        "fingerprint": request_hash({"monto": str(monto), "metodo": metodo, "referencia": referencia}),
    }
    try:
        return _pago_create(**request)
    except IntegrityError as exc:
        # The same key raced in from a concurrent retry: this time the first one is found.
        if idempotency_key and violated_constraint(exc) == "pago_idempotency_unico":
            return _pago_create(**request)
        raise


@transaction.atomic
def _pago_create(
    *,
    actor: Usuario,
    pedido_id,
    monto: Decimal,
    metodo: str,
    referencia: str,
    key: str | None,
    fingerprint: str,
) -> tuple[Pago, bool]:
    pedido = pedido_for_actor(pedido_id=pedido_id, actor=actor, lock=True)
    if key:
        existing = pedido.pagos.filter(idempotency_key=key).first()
        if existing is not None:
            if existing.idempotency_hash != fingerprint:
                raise IdempotencyKeyReused()
            return existing, False
    if pedido.estado == EstadoPedido.CANCELADO:
        raise ConflictError(_("El pedido está cancelado."), code=ProductoErrorCode.PEDIDO_CANCELADO)
    paid = pedido.pagos.aggregate(total=Sum("monto"))["total"] or Decimal("0")
    due = pedido.total - paid
    if monto > due:
        raise InvalidError({"monto": [_("El pago supera lo pendiente (%(due)s).") % {"due": due}]})
    pago = Pago.objects.create(
        pedido=pedido,
        monto=monto,
        metodo=metodo,
        referencia=referencia,
        idempotency_key=key,
        idempotency_hash=fingerprint if key else "",
    )
    if paid + monto == pedido.total and pedido.estado == EstadoPedido.PENDIENTE:
        pedido.estado = EstadoPedido.PAGADO
        pedido.save(update_fields=["estado", "fecha_actualizacion"])
    return pago, True
