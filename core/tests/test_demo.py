"""The demo tenant `make run` prepares: seeded once, and the README's SPA flows work on it over HTTP."""

import json

import pytest
from django.core.management import call_command
from django_tenants.utils import schema_context

from backups.models import BackupRecord
from core.testing.factories import drop_test_tenants
from productos.models import Categoria, EstadoPedido, Pedido, Producto, Proveedor
from tickets.models import Estado, Interaccion, Ticket, TipoInteraccion

DEMO = "demo"


def _counts() -> dict:
    with schema_context(DEMO):
        return {
            "categorias": Categoria.objects.count(),
            "productos": Producto.objects.filter(stock__gt=0).count(),
            "proveedores": Proveedor.objects.count(),
            "tickets": sorted(Ticket.objects.values_list("estado", flat=True)),
            "pedidos": sorted(Pedido.objects.values_list("estado", flat=True)),
            "notas": Interaccion.objects.filter(tipo=TipoInteraccion.NOTA_INTERNA).count(),
            "backups": BackupRecord.objects.filter(estado="completado").count(),
        }


@pytest.fixture
def demo(settings, tmp_path, backup_settings):
    settings.DATA_DIR = tmp_path
    call_command("preparar_demo", stdout=open(tmp_path / "out.txt", "w"))
    yield json.loads((tmp_path / "demo_credentials.json").read_text()), (tmp_path / "out.txt").read_text()
    drop_test_tenants([DEMO])


def _login(api, creds: dict) -> str:
    response = api.post("/api/auth/token/", tenant=DEMO, json=creds)
    assert response.status_code == 200, response.text
    return response.json()["access"]


def test_the_demo_is_seeded_once_with_something_in_every_state(demo, tmp_path):
    creds, printed = demo
    first = _counts()
    assert first == {
        "categorias": 5,
        "productos": 60,
        "proveedores": 2,
        "tickets": sorted(Estado.values),
        "pedidos": sorted(EstadoPedido.values),
        "notas": 3,
        "backups": 1,
    }
    for who in ("cliente", "soporte", "admin", "operador"):
        assert f"{creds[who]['email']} / {creds[who]['password']}" in printed
    call_command("preparar_demo", stdout=open(tmp_path / "again.txt", "w"))
    assert _counts() == first
    assert json.loads((tmp_path / "demo_credentials.json").read_text()) == creds


def test_without_data_the_demo_has_its_logins_only(settings, tmp_path, backup_settings, api):
    settings.DATA_DIR = tmp_path
    try:
        call_command("preparar_demo", "--sin-datos", stdout=open(tmp_path / "out.txt", "w"))
        creds = json.loads((tmp_path / "demo_credentials.json").read_text())
        assert _counts()["categorias"] == 0 and _counts()["tickets"] == []
        for who in ("cliente", "soporte", "admin"):
            _login(api, creds[who])
    finally:
        drop_test_tenants([DEMO])


def test_the_readme_spa_flows_work_on_the_demo(demo, api):
    creds, _printed = demo
    cliente = _login(api, creds["cliente"])

    categorias = api.get("/api/productos/categorias/", tenant=DEMO, token=cliente).json()
    assert categorias["count"] == 5
    found = api.get(
        "/api/productos/productos/", tenant=DEMO, token=cliente, params={"search": "RATON"}
    ).json()
    assert found["count"] >= 3 and all("Ratón" in p["nombre"] for p in found["results"])
    producto = found["results"][0]

    pedido = api.post(
        "/api/productos/pedidos/",
        tenant=DEMO,
        token=cliente,
        json={"items": [{"producto": producto["id"], "cantidad": 2}]},
    )
    assert pedido.status_code == 201, pedido.text
    pedido = pedido.json()
    pago = api.post(
        f"/api/productos/pedidos/{pedido['id']}/pagos/",
        tenant=DEMO,
        token=cliente,
        json={"monto": pedido["total"], "metodo": "tarjeta"},
    )
    assert pago.status_code == 201, pago.text
    mio = api.get(f"/api/productos/pedidos/{pedido['id']}/", tenant=DEMO, token=cliente).json()
    assert mio["estado"] == "pagado" and mio["pagado"] == pedido["total"]

    # the customer sees their tickets, never the internal notes
    propios = api.get("/api/tickets/tickets/", tenant=DEMO, token=cliente).json()
    assert propios["count"] == 4
    abierto = next(t for t in propios["results"] if t["estado"] == "en_proceso")
    historial = api.get(f"/api/tickets/tickets/{abierto['id']}/interacciones/", tenant=DEMO, token=cliente)
    assert {i["tipo"] for i in historial.json()["results"]} <= {"comentario", "cambio_estado", "asignacion"}

    soporte = _login(api, creds["soporte"])
    cola = api.get("/api/tickets/tickets/", tenant=DEMO, token=soporte, params={"estado": "abierto"}).json()
    assert cola["count"] == 1
    ticket = cola["results"][0]
    respuesta = api.post(
        "/api/tickets/interacciones/",
        tenant=DEMO,
        token=soporte,
        json={"ticket_id": ticket["id"], "tipo": "comentario", "contenido": "Te hemos enviado un enlace."},
    )
    assert respuesta.status_code == 201, respuesta.text
    movido = api.patch(
        f"/api/tickets/tickets/{ticket['id']}/estado/",
        tenant=DEMO,
        token=soporte,
        json={"estado": "resuelto"},
    )
    assert movido.status_code == 200, movido.text
    visto = api.get(f"/api/tickets/tickets/{ticket['id']}/interacciones/", tenant=DEMO, token=cliente).json()
    assert "Te hemos enviado un enlace." in [i["contenido"] for i in visto["results"]]


def test_a_demo_login_is_refused_in_another_tenant(demo, api, tenant_a):
    creds, _printed = demo
    response = api.post("/api/auth/token/", tenant=tenant_a.schema_name, json=creds["cliente"])
    assert response.status_code == 401 and response.json()["code"] == "invalid_credentials"
