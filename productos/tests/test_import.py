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

    output = _run("importar_productos", "--tenant", schema, str(path))
    assert "creados: 9995, actualizados: 0, fallidos: 5" in output
    for index in [*bad, 5000]:
        assert f"línea {index + 2}:" in output  # +1 header, +1 one-based
    with schema_context(schema):
        assert Producto.objects.count() == 9995
        assert Categoria.objects.count() == 7 and Proveedor.objects.count() == 3
        assert Producto.objects.get(sku="IMP-00003").stock == 3

    rows[3]["precio"] = "99.00"
    _write_csv(path, rows)
    assert "creados: 0, actualizados: 9995" in _run("importar_productos", "--tenant", schema, str(path))
    with schema_context(schema):
        assert str(Producto.objects.get(sku="IMP-00003").precio) == "99.00"


def test_dry_run_writes_nothing(tmp_path, fresh_tenant):
    path = tmp_path / "p.json"
    path.write_text(json.dumps([{"sku": "dry-1", "nombre": "Seco", "precio": "2", "categoria": "Nueva"}]))
    output = _run("importar_productos", "--tenant", fresh_tenant.schema_name, str(path), "--dry-run")
    assert "[simulación] creados: 1" in output
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
