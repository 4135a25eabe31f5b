"""Backups in the tenant's admin: back up now, sizes people read, download, and a restore that
asks for the schema's name, all through the services the API uses."""

import re
from decimal import Decimal

import pytest
from django_tenants.utils import schema_context

from backups.models import BackupRecord, EstadoBackup
from core.testing.admin import AdminBrowser
from productos.models import Producto
from productos.services import catalogo


def _host(tenant) -> str:
    return f"{tenant.schema_name.replace('_', '-')}.localhost"


@pytest.mark.browser
def test_an_admin_backs_up_downloads_and_restores_in_the_browser(
    browser_page, http_server, fresh_tenant, make_actor
):
    from core.testing.browser import ARTIFACTS, admin_login

    schema = fresh_tenant.schema_name
    admin = make_actor(schema, "admin")
    page, base = browser_page, f"http://{_host(fresh_tenant)}:{http_server.port}"
    admin_login(page, base, admin.email)
    page.wait_for_url(f"{base}/admin/")

    page.goto(f"{base}/admin/backups/backuprecord/")
    page.click("#copia-ahora")
    page.wait_for_selector(".messagelist")
    assert "creada" in page.inner_text(".messagelist")
    with schema_context(schema):
        record = BackupRecord.objects.get()
        assert record.estado == EstadoBackup.COMPLETADO and record.created_by_id == admin.user.pk
    row = page.locator("#result_list tbody tr").first.inner_text()
    assert re.search(r"\d+(,\d)?\sKB", row), row  # a size people read, not a byte count
    page.screenshot(path=str(ARTIFACTS / "admin-copias.png"), full_page=True)

    with page.expect_download() as download:
        page.click("text=Descargar")
    assert download.value.path().stat().st_size == record.file_size

    page.goto(f"{base}/admin/backups/backuprecord/{record.pk}/change/")
    assert page.locator("input[name=_save]").count() == 0  # a record is read, never edited

    with schema_context(schema):
        categoria = catalogo.categoria_create(nombre="Después de la copia")
        catalogo.producto_create(sku="TARDE-1", nombre="Tardío", precio=Decimal("1.00"), categoria=categoria)
    page.goto(f"{base}/admin/backups/backuprecord/")
    page.click("text=Restaurar…")
    page.fill("#id_confirm", "otro_schema")
    page.click("#restaurar")
    page.wait_for_selector("#error-restauracion")
    assert schema in page.inner_text("#error-restauracion")
    with schema_context(schema):
        assert Producto.objects.filter(sku="TARDE-1").exists()  # a wrong name changes nothing
    page.screenshot(path=str(ARTIFACTS / "admin-restaurar.png"), full_page=True)

    page.fill("#id_confirm", schema)
    page.click("#restaurar")
    page.wait_for_load_state()
    with schema_context(schema):
        assert not Producto.objects.filter(sku="TARDE-1").exists()
        assert BackupRecord.objects.filter(estado=EstadoBackup.COMPLETADO).count() == 2  # and the safety copy


def test_soporte_cannot_back_up_download_or_restore_and_another_tenant_cannot_see_the_records(
    http_server, fresh_tenant, make_actor, admin_b
):
    from backups.services import backup_create

    schema = fresh_tenant.schema_name
    soporte = make_actor(schema, "soporte")
    with schema_context(schema):
        record, _finished = backup_create(actor=None)
    desk = AdminBrowser(http_server.url, _host(fresh_tenant))
    desk.login(soporte.email)
    for path in (
        f"/admin/backups/backuprecord/{record.pk}/descargar/",
        f"/admin/backups/backuprecord/{record.pk}/restaurar/",
    ):
        assert desk.get(path).status_code == 403
    other = AdminBrowser(http_server.url, "beta.localhost")
    other.login(admin_b.email)
    # beta's admin answers for beta's records only: this id is not one of them
    assert other.get(f"/admin/backups/backuprecord/{record.pk}/descargar/").status_code == 302
    with schema_context(schema):
        assert BackupRecord.objects.count() == 1
