"""An admin cannot switch themself off, by PATCH or by DELETE."""

from core.testing.client import assert_error

USERS = "/api/usuarios/usuarios/"


def test_an_admin_cannot_deactivate_themself_by_either_path(api, admin_a):
    me = f"{USERS}{admin_a.user.pk}/"
    assert_error(
        api.patch(me, tenant="alfa", token=admin_a.token, json={"activo": False}),
        409,
        "cannot_deactivate_self",
    )
    assert_error(api.delete(me, tenant="alfa", token=admin_a.token), 409, "cannot_deactivate_self")
    assert api.get("/api/usuarios/me/", tenant="alfa", token=admin_a.token).json()["activo"] is True


def test_an_admin_still_deactivates_someone_else_by_patch(api, admin_a, usuario_a):
    response = api.patch(
        f"{USERS}{usuario_a.user.pk}/", tenant="alfa", token=admin_a.token, json={"activo": False}
    )
    assert response.status_code == 200 and response.json()["activo"] is False
    assert_error(api.get("/api/usuarios/me/", tenant="alfa", token=usuario_a.token), 401)
