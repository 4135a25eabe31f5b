"""`importar_productos` and `realinear_secuencias`."""

import csv
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django_tenants.utils import schema_context

from core.testing.client import assert_error
from productos.models import Categoria, Producto, Proveedor


def _run(*args):
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def _run_failing(*args) -> tuple[str, str]:
    """A run in which some rows failed: the valid ones are saved, and the command ends in error."""
    out = StringIO()
    with pytest.raises(CommandError) as failed:
        call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue(), str(failed.value)


def _write_csv(path, rows):
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(
            f,
            fieldnames=[
                "sku",
                "nombre",
                "descripcion",
                "precio",
                "costo",
                "stock",
                "categoria",
                "proveedor",
                "activo",
            ],
        )
        writer.writeheader()
        writer.writerows(rows)


def test_ten_thousand_rows_with_bad_ones(tmp_path, fresh_tenant):
    schema = fresh_tenant.schema_name
    rows = [
        {
            "sku": f"imp-{i:05d}",
            "nombre": f"Producto {i}",
            "descripcion": "",
            "precio": f"{1 + i % 50}.99",
            "costo": "0.50",
            "stock": str(i % 20),
            "categoria": f"Categoría {i % 7}",
            "proveedor": f"Prov {i % 3}",
            "activo": "true",
        }
        for i in range(10_000)
    ]
    bad = {17: {"precio": "-1"}, 250: {"stock": "muchos"}, 4001: {"sku": ""}, 9998: {"precio": "1,2,3"}}
    for index, change in bad.items():
        rows[index].update(change)
    rows[5000]["sku"] = "imp-00010"  # a repeated SKU
    path = tmp_path / "catalogo.csv"
    _write_csv(path, rows)

    output, error = _run_failing("importar_productos", "--tenant", schema, str(path))
    assert "filas: 10000, creados: 9995, actualizados: 0, fallidos: 5" in output
    for index in [*bad, 5000]:
        assert f"línea {index + 2}:" in output  # +1 header, +1 one-based
        assert str(index + 2) in error
    with schema_context(schema):
        assert Producto.objects.count() == 9995
        assert Categoria.objects.count() == 7 and Proveedor.objects.count() == 3
        assert Producto.objects.get(sku="IMP-00003").stock == 3

    rows[3]["precio"] = "99.00"
    _write_csv(path, rows)
    assert (
        "creados: 0, actualizados: 9995"
        in _run_failing("importar_productos", "--tenant", schema, str(path))[0]
    )
    with schema_context(schema):
        assert str(Producto.objects.get(sku="IMP-00003").precio) == "99.00"


def test_dry_run_writes_nothing(tmp_path, fresh_tenant):
    path = tmp_path / "p.json"
    path.write_text(json.dumps([{"sku": "dry-1", "nombre": "Seco", "precio": "2", "categoria": "Nueva"}]))
    output = _run("importar_productos", "--tenant", fresh_tenant.schema_name, str(path), "--dry-run")
    assert "[simulación] filas: 1, creados: 1" in output
    with schema_context(fresh_tenant.schema_name):
        assert not Producto.objects.exists() and not Categoria.objects.exists()


def test_bad_command_input(tmp_path):
    with pytest.raises(CommandError, match="No existe el tenant"):
        _run("importar_productos", "--tenant", "nadie", str(tmp_path / "x.csv"))
    with pytest.raises(CommandError, match="No se pudo leer"):
        _run("importar_productos", "--tenant", "alfa", str(tmp_path / "no-existe.csv"))
    (tmp_path / "x.txt").write_text("hola")
    with pytest.raises(CommandError, match="Formato no soportado"):
        _run("importar_productos", "--tenant", "alfa", str(tmp_path / "x.txt"))


def test_explicit_id_providers_then_an_api_create_succeeds(tmp_path, api, fresh_tenant, make_actor):
    schema = fresh_tenant.schema_name
    staff = make_actor(schema, "admin")
    path = tmp_path / "sistema-anterior.json"
    path.write_text(
        json.dumps(
            {
                "proveedores": [
                    {"id": 1, "nombre": "Antiguo 1"},
                    {"id": 2, "nombre": "Antiguo 2"},
                    {"id": 500, "nombre": "Antiguo 500"},
                ],
                "categorias": [{"id": 40, "nombre": "Heredada"}],
                "productos": [
                    {
                        "sku": "old-1",
                        "nombre": "Viejo",
                        "precio": "3",
                        "categoria": "Heredada",
                        "proveedor": "Antiguo 500",
                    }
                ],
            }
        )
    )
    assert "creados: 1" in _run("importar_productos", "--tenant", schema, str(path))
    response = api.post(
        "/api/productos/proveedores/", tenant=schema, token=staff.token, json={"nombre": "Nuevo"}
    )
    assert response.status_code == 201, response.text
    assert response.json()["id"] == 501
    categoria = api.post(
        "/api/productos/categorias/", tenant=schema, token=staff.token, json={"nombre": "Otra"}
    )
    assert categoria.status_code == 201 and categoria.json()["id"] == 41


def test_realinear_secuencias_mends_a_broken_sequence(api, fresh_tenant, make_actor):
    schema = fresh_tenant.schema_name
    staff = make_actor(schema, "admin")
    with schema_context(schema):
        with connection.cursor() as cursor:  # what a raw import from another system leaves behind
            cursor.execute(
                "INSERT INTO productos_proveedor (id, nombre, email, telefono, activo) VALUES (1, 'x', '', '', true)"
            )
    broken = api.post(
        "/api/productos/proveedores/", tenant=schema, token=staff.token, json={"nombre": "Nuevo"}
    )
    assert_error(broken, 409, "integrity_error")  # never a 500
    assert "secuencias realineadas" in _run("realinear_secuencias", "--tenant", schema)
    assert (
        api.post(
            "/api/productos/proveedores/", tenant=schema, token=staff.token, json={"nombre": "Nuevo"}
        ).status_code
        == 201
    )
    with pytest.raises(CommandError):
        _run("realinear_secuencias", "--tenant", "nadie")


def test_a_reimport_rewrites_every_field_of_an_existing_product(tmp_path, fresh_tenant):
    schema = fresh_tenant.schema_name
    first = {
        "sku": "upd-1",
        "nombre": "Ratón",
        "descripcion": "gris",
        "precio": "10.00",
        "costo": "4.00",
        "stock": "5",
        "categoria": "Periféricos",
        "proveedor": "Andinas",
        "activo": "true",
    }
    path = tmp_path / "catalogo.csv"
    _write_csv(path, [first])
    _run("importar_productos", "--tenant", schema, str(path))
    with schema_context(schema):
        before = Producto.objects.get(sku="UPD-1")
    changed = {**first, "nombre": "Ratón óptico", "descripcion": "", "precio": "12.50", "costo": ""}
    changed.update({"stock": "0", "categoria": "Oficina", "proveedor": "", "activo": "false"})
    _write_csv(path, [changed])
    assert "creados: 0, actualizados: 1" in _run("importar_productos", "--tenant", schema, str(path))
    with schema_context(schema):
        after = Producto.objects.select_related("categoria").get(sku="UPD-1")
        assert after.pk == before.pk and after.nombre == "Ratón óptico" and after.descripcion == ""
        assert (str(after.precio), after.costo, after.stock, after.activo) == ("12.50", None, 0, False)
        assert after.categoria.nombre == "Oficina" and after.proveedor_id is None
        assert after.slug != before.slug and after.fecha_actualizacion > before.fecha_actualizacion


def test_a_run_counts_the_files_rows_and_fails_when_any_row_failed(tmp_path, fresh_tenant):
    schema = fresh_tenant.schema_name
    rows = [
        {"sku": "a-1", "nombre": "Uno", "precio": "1", "categoria": "Cat"},
        {"sku": "a-2", "nombre": "Dos", "precio": "-1", "categoria": "Cat"},
        {"sku": "a-3", "nombre": "", "precio": "1", "categoria": "Cat"},
        {"sku": "a-4", "nombre": "Cuatro", "precio": "2", "categoria": ""},
        {"sku": "a-5", "nombre": "Cinco", "precio": "3", "categoria": "Cat"},
    ]
    path = tmp_path / "cinco.csv"
    _write_csv(path, rows)
    err = StringIO()
    with pytest.raises(CommandError, match="3 fila"):
        call_command("importar_productos", "--tenant", schema, str(path), stdout=StringIO(), stderr=err)
    assert "5/5 filas" in err.getvalue()
    with schema_context(schema):
        assert sorted(Producto.objects.values_list("sku", flat=True)) == ["A-1", "A-5"]
    # every row valid: success
    _write_csv(path, [rows[0], rows[4]])
    assert "filas: 2, creados: 0, actualizados: 2, fallidos: 0" in _run(
        "importar_productos", "--tenant", schema, str(path)
    )


def test_an_existing_sku_is_updated_with_only_the_columns_given(tmp_path, fresh_tenant):
    schema = fresh_tenant.schema_name
    path = tmp_path / "alta.json"
    path.write_text(
        json.dumps(
            [{"sku": "p-1", "nombre": "Lápiz", "precio": "1.50", "categoria": "Papelería", "stock": "7"}]
        )
    )
    _run("importar_productos", "--tenant", schema, str(path))
    update = tmp_path / "precios.csv"
    update.write_text("sku,precio\np-1,2.25\np-nuevo,3\n")  # no categoria: fine for p-1, not for a new SKU
    output, _error = _run_failing("importar_productos", "--tenant", schema, str(update))
    assert "creados: 0, actualizados: 1, fallidos: 1" in output and "línea 3:" in output
    assert "nombre: obligatorio" in output and "categoria: obligatorio" in output
    with schema_context(schema):
        producto = Producto.objects.select_related("categoria").get(sku="P-1")
        assert (str(producto.precio), producto.nombre, producto.stock, producto.categoria.nombre) == (
            "2.25",
            "Lápiz",
            7,
            "Papelería",
        )
