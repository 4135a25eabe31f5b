"""Bulk import of the catalogue: upsert products by SKU, create missing categories and providers
by name, report invalid rows by line, and leave the id sequences right after explicit ids."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import connection, transaction
from django.db.models import Field
from django.utils import timezone
from django.utils.text import slugify

from core.tenancy.sequences import sequences_realign
from productos.models import Categoria, Producto, Proveedor

BATCH = 1000
TRUE = {"1", "true", "si", "sí", "yes", "verdadero"}
FALSE = {"0", "false", "no", "falso"}
PRODUCT_FIELDS = ["nombre", "descripcion", "precio", "costo", "stock", "categoria", "proveedor", "activo"]


class _Rollback(Exception):
    """Raised at the end of a dry run to undo everything it wrote."""


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    failed: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    categorias_creadas: int = 0
    proveedores_creados: int = 0


# --- reading -----------------------------------------------------------------------------------
def read_file(path: Path) -> tuple[list[tuple[int, dict]], dict[str, list[dict]]]:
    """(product rows with their line numbers, {"categorias": [...], "proveedores": [...]})."""
    if path.suffix.lower() == ".csv":
        with path.open(newline="", encoding="utf-8-sig") as f:
            reader = csv.DictReader(f)
            return [(reader.line_num, row) for row in reader], {}
    if path.suffix.lower() == ".json":
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, list):
            data = {"productos": data}
        if not isinstance(data, dict):
            raise ValueError("El JSON debe ser una lista de productos o un objeto con 'productos'.")
        rows = [(n, row) for n, row in enumerate(data.get("productos", []), start=1)]
        return rows, {k: data.get(k, []) for k in ("categorias", "proveedores")}
    raise ValueError("Formato no soportado: usa .csv o .json")


# --- validation --------------------------------------------------------------------------------
def _text(row: dict, name: str, *, required: bool, max_length: int) -> str:
    value = row.get(name)
    value = "" if value is None else str(value).strip()
    if required and not value:
        raise ValueError("obligatorio")
    if len(value) > max_length:
        raise ValueError(f"máximo {max_length} caracteres")
    return value


def _decimal(row: dict, name: str, *, required: bool, minimum: Decimal, strict: bool) -> Decimal | None:
    raw = row.get(name)
    if raw is None or str(raw).strip() == "":
        if required:
            raise ValueError("obligatorio")
        return None
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
    except InvalidOperation as exc:
        raise ValueError("no es un número") from exc
    if not value.is_finite() or (value <= minimum if strict else value < minimum):
        raise ValueError(f"debe ser {'mayor' if strict else 'mayor o igual'} que {minimum}")
    exponent = value.as_tuple().exponent  # an int for a finite number
    if (isinstance(exponent, int) and exponent < -2) or abs(value) >= Decimal("1e10"):
        raise ValueError("máximo 10 dígitos enteros y 2 decimales")
    return value


def _int(row: dict, name: str) -> int:
    raw = row.get(name)
    if raw is None or str(raw).strip() == "":
        return 0
    try:
        value = int(str(raw).strip())
    except ValueError as exc:
        raise ValueError("no es un entero") from exc
    if not 0 <= value <= 2_000_000_000:
        raise ValueError("debe estar entre 0 y 2000000000")
    return value


def _bool(row: dict, name: str) -> bool:
    raw = row.get(name)
    if raw is None or str(raw).strip() == "":
        return True
    value = str(raw).strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise ValueError("debe ser true/false")


def validate_row(row: dict, *, update: bool = False) -> tuple[dict | None, dict[str, str]]:
    """The cleaned product fields, or the errors by field. For a product that exists already
    (`update`), only the columns the file has are checked and returned: the others keep their
    values. A column given empty clears an optional field, and is refused for a required one."""
    if not isinstance(row, dict):
        return None, {"fila": "no es un objeto"}
    cleaned, errors = {}, {}
    checks: dict[str, Callable[[], object]] = {
        "sku": lambda: _text(row, "sku", required=True, max_length=64).upper(),
        "nombre": lambda: _text(row, "nombre", required=True, max_length=200),
        "descripcion": lambda: _text(row, "descripcion", required=False, max_length=10_000),
        "precio": lambda: _decimal(row, "precio", required=True, minimum=Decimal(0), strict=True),
        "costo": lambda: _decimal(row, "costo", required=False, minimum=Decimal(0), strict=False),
        "stock": lambda: _int(row, "stock"),
        "categoria": lambda: _text(row, "categoria", required=True, max_length=120),
        "proveedor": lambda: _text(row, "proveedor", required=False, max_length=160),
        "activo": lambda: _bool(row, "activo"),
    }
    for name, check in checks.items():
        # a column the file has (a CSV's header, a JSON object's key), even empty, is given
        if update and name != "sku" and name not in row:
            continue
        try:
            cleaned[name] = check()
        except ValueError as exc:
            errors[name] = str(exc)
    return (None, errors) if errors else (cleaned, {})


def _sku_of(row: object) -> str:
    return str(row.get("sku") or "").strip().upper() if isinstance(row, dict) else ""


def _existing_skus(rows: list[tuple[int, dict]]) -> set[str]:
    skus = sorted({sku for _, row in rows if (sku := _sku_of(row))})
    found: set[str] = set()
    for batch in _chunks(skus):
        found.update(Producto.objects.filter(sku__in=batch).values_list("sku", flat=True))
    return found


# --- writing -----------------------------------------------------------------------------------
def _chunks(items: list, size: int = BATCH) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _upsert_explicit(model, rows: list[dict], fields: list[str]) -> int:
    """Rows that carry their own id (from another system): written as they are."""
    for row in rows:
        defaults = {f: row[f] for f in fields if f in row}
        if model is Categoria and not defaults.get("slug"):
            defaults["slug"] = f"{slugify(row['nombre'])[:120]}-{int(row['id'])}"
        model.objects.update_or_create(pk=int(row["id"]), defaults=defaults)
    return len(rows)


def _by_name(model, names: set[str], extra: dict[str, str]) -> tuple[dict[str, object], int]:
    """{lower(name): instance} for these names, creating the missing ones."""
    found = {o.nombre.lower(): o for o in model.objects.all() if o.nombre.lower() in names}
    created = 0
    for name in sorted(names - set(found)):
        if model is Categoria:
            from productos.services.catalogo import categoria_create

            found[name] = categoria_create(nombre=extra[name])
        else:
            found[name] = Proveedor.objects.create(nombre=extra[name])
        created += 1
    return found, created


def _unique_slugs(products: list[Producto]) -> None:
    wanted = [(p, slugify(f"{p.nombre}-{p.sku}")[:270] or "producto") for p in products]
    taken = set(
        Producto.objects.filter(slug__in={slug for _, slug in wanted})
        .exclude(pk__in=[p.pk for p in products if p.pk])
        .values_list("slug", flat=True)
    )
    for product, slug in wanted:
        candidate, n = slug, 2
        while candidate in taken:
            candidate, n = f"{slug}-{n}", n + 1
        taken.add(candidate)
        product.slug = candidate


UPDATED_FIELDS = [*PRODUCT_FIELDS, "slug", "fecha_actualizacion"]


def _update_rows(products: list[Producto]) -> None:
    """One UPDATE ... FROM (VALUES ...) for a batch: bulk_update's CASE per column and row costs
    PostgreSQL several times the insert of the same rows to plan and run."""
    if not products:
        return
    columns: list[Field] = [Producto._meta.get_field(name) for name in UPDATED_FIELDS]  # type: ignore[misc]
    quoted = [connection.ops.quote_name(str(f.column)) for f in columns]
    # each value cast to its column's type, so the VALUES list is typed like the table
    casts = ", ".join(f"%s::{f.db_type(connection)}" for f in columns)
    names = ", ".join(quoted)
    assignments = ", ".join(f"{name} = v.{name}" for name in quoted)
    table = connection.ops.quote_name(Producto._meta.db_table)
    values = ", ".join([f"(%s::bigint, {casts})"] * len(products))
    params: list = []
    for product in products:
        params.append(product.pk)
        params.extend(f.get_db_prep_save(getattr(product, f.attname), connection) for f in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS p SET {assignments} FROM (VALUES {values}) AS v(id, {names}) "  # noqa: S608 (identifiers from the model)
            "WHERE p.id = v.id",
            params,
        )


def productos_importar(
    *,
    rows: list[tuple[int, dict]],
    explicit: dict[str, list[dict]] | None = None,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    result = ImportResult()
    try:
        with transaction.atomic():
            _import(rows, explicit or {}, result, progress)
            if dry_run:
                raise _Rollback()
    except _Rollback:
        pass
    return result


def _import(rows, explicit, result: ImportResult, progress) -> None:
    if explicit.get("categorias") or explicit.get("proveedores"):
        _upsert_explicit(
            Categoria, explicit.get("categorias", []), ["nombre", "slug", "descripcion", "activa"]
        )
        _upsert_explicit(
            Proveedor, explicit.get("proveedores", []), ["nombre", "email", "telefono", "activo"]
        )
        sequences_realign(app_labels=["productos"])

    existing_skus = _existing_skus(rows)
    valid: dict[str, tuple[int, dict]] = {}
    for line, row in rows:
        cleaned, errors = validate_row(row, update=_sku_of(row) in existing_skus)
        if errors or cleaned is None:
            result.failed.append((line, errors))
        elif cleaned["sku"] in valid:
            result.failed.append((line, {"sku": f"repetido (línea {valid[cleaned['sku']][0]})"}))
        else:
            valid[cleaned["sku"]] = (line, cleaned)

    categoria_names = {c["categoria"].lower(): c["categoria"] for _, c in valid.values() if "categoria" in c}
    categorias, result.categorias_creadas = _by_name(Categoria, set(categoria_names), categoria_names)
    proveedor_names = {
        c["proveedor"].lower(): c["proveedor"] for _, c in valid.values() if c.get("proveedor")
    }
    proveedores, result.proveedores_creados = _by_name(Proveedor, set(proveedor_names), proveedor_names)

    skus = list(valid)
    done = len(rows) - len(valid)  # the file's rows: those that failed are done with already
    now = timezone.now()
    for batch in _chunks(skus):
        existing = {p.sku: p for p in Producto.objects.filter(sku__in=batch)}
        new, changed = [], []
        for sku in batch:
            _line, data = valid[sku]
            fields = {f: data[f] for f in PRODUCT_FIELDS if f in data and f not in ("categoria", "proveedor")}
            if "categoria" in data:
                fields["categoria"] = categorias[data["categoria"].lower()]
            if "proveedor" in data:
                fields["proveedor"] = (
                    proveedores.get(data["proveedor"].lower()) if data["proveedor"] else None
                )
            product = existing.get(sku)
            if product is None:
                new.append(Producto(sku=sku, **fields))
            else:
                for name, value in fields.items():
                    setattr(product, name, value)
                product.fecha_actualizacion = now
                changed.append(product)
        _unique_slugs(new + changed)
        Producto.objects.bulk_create(new)
        _update_rows(changed)
        result.created += len(new)
        result.updated += len(changed)
        done += len(batch)
        if progress:
            progress(done, len(rows))
