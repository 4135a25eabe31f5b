"""Writes on the catalogue: categories, providers, products."""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from core.db import violated_constraint
from core.errors import ConflictError, InvalidError
from productos.error_codes import ProductoErrorCode
from productos.models import Categoria, Producto, Proveedor

SKU_TAKEN = _("Ya existe un producto con este SKU.")
CATEGORY_TAKEN = _("Ya existe una categoría con este nombre.")


def normalise_sku(sku: str) -> str:
    return sku.strip().upper()


def _unique_slug(model, base: str, *, exclude_pk=None, max_length: int = 140) -> str:
    base = (slugify(base) or "item")[: max_length - 8]
    slug, n = base, 2
    qs = model.objects.exclude(pk=exclude_pk) if exclude_pk else model.objects.all()
    while qs.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _save(instance, *, constraint_errors: dict[str, tuple[str, object]]) -> None:
    """Save; a lost race on a unique constraint becomes the same 400 as the pre-check."""
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as exc:
        known = constraint_errors.get(violated_constraint(exc) or "")
        if known is not None:
            field, message = known
            raise InvalidError({field: [message]}) from exc
        raise


def _delete(instance) -> None:
    try:
        with transaction.atomic():
            instance.delete()
    except ProtectedError as exc:
        raise ConflictError(
            _("No se puede eliminar: otros registros lo usan. Desactívalo en su lugar."),
            code=ProductoErrorCode.IN_USE,
        ) from exc


# --- categories --------------------------------------------------------------------------------
def _check_category_name(nombre: str, *, exclude_pk=None) -> None:
    qs = Categoria.objects.filter(nombre__iexact=nombre.strip())
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    if qs.exists():
        raise InvalidError({"nombre": [CATEGORY_TAKEN]})


@transaction.atomic
def categoria_create(*, nombre: str, descripcion: str = "", activa: bool = True) -> Categoria:
    _check_category_name(nombre)
    categoria = Categoria(nombre=nombre.strip(), descripcion=descripcion, activa=activa)
    categoria.slug = _unique_slug(Categoria, categoria.nombre)
    _save(categoria, constraint_errors={"categoria_nombre_unico_ci": ("nombre", CATEGORY_TAKEN)})
    return categoria


@transaction.atomic
def categoria_update(*, categoria: Categoria, **fields) -> Categoria:
    if "nombre" in fields:
        _check_category_name(fields["nombre"], exclude_pk=categoria.pk)
        fields["nombre"] = fields["nombre"].strip()
        categoria.slug = _unique_slug(Categoria, fields["nombre"], exclude_pk=categoria.pk)
    for field, value in fields.items():
        setattr(categoria, field, value)
    _save(categoria, constraint_errors={"categoria_nombre_unico_ci": ("nombre", CATEGORY_TAKEN)})
    return categoria


def categoria_delete(*, categoria: Categoria) -> None:
    _delete(categoria)


# --- providers ---------------------------------------------------------------------------------
@transaction.atomic
def proveedor_create(*, nombre: str, email: str = "", telefono: str = "", activo: bool = True) -> Proveedor:
    proveedor = Proveedor(nombre=nombre.strip(), email=email, telefono=telefono, activo=activo)
    proveedor.save()
    return proveedor


@transaction.atomic
def proveedor_update(*, proveedor: Proveedor, **fields) -> Proveedor:
    for field, value in fields.items():
        setattr(proveedor, field, value)
    proveedor.save()
    return proveedor


def proveedor_delete(*, proveedor: Proveedor) -> None:
    _delete(proveedor)


# --- products ----------------------------------------------------------------------------------
def _check_sku(sku: str, *, exclude_pk=None) -> None:
    qs = Producto.objects.filter(sku=sku)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    if qs.exists():
        raise InvalidError({"sku": [SKU_TAKEN]})


def _product_slug(nombre: str, sku: str, exclude_pk=None) -> str:
    return _unique_slug(Producto, f"{nombre}-{sku}", exclude_pk=exclude_pk, max_length=280)


@transaction.atomic
def producto_create(
    *,
    sku: str,
    nombre: str,
    precio: Decimal,
    categoria: Categoria,
    descripcion: str = "",
    costo: Decimal | None = None,
    stock: int = 0,
    proveedor: Proveedor | None = None,
    activo: bool = True,
) -> Producto:
    sku = normalise_sku(sku)
    _check_sku(sku)
    producto = Producto(
        sku=sku,
        nombre=nombre.strip(),
        descripcion=descripcion,
        precio=precio,
        costo=costo,
        stock=stock,
        categoria=categoria,
        proveedor=proveedor,
        activo=activo,
    )
    producto.slug = _product_slug(producto.nombre, sku)
    _save(producto, constraint_errors={"producto_sku_unico": ("sku", SKU_TAKEN)})
    return producto


@transaction.atomic
def producto_update(*, producto: Producto, **fields) -> Producto:
    if "sku" in fields:
        fields["sku"] = normalise_sku(fields["sku"])
        _check_sku(fields["sku"], exclude_pk=producto.pk)
    for field, value in fields.items():
        setattr(producto, field, value)
    if {"sku", "nombre"} & set(fields):
        producto.slug = _product_slug(producto.nombre, producto.sku, exclude_pk=producto.pk)
    _save(producto, constraint_errors={"producto_sku_unico": ("sku", SKU_TAKEN)})
    return producto


def producto_delete(*, producto: Producto) -> None:
    _delete(producto)
