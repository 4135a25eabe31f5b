"""/api/usuarios/me/ and the admins' /api/usuarios/usuarios/."""

import pytest
from django_tenants.utils import schema_context

from core.testing.client import assert_error
from core.testing.factories import PASSWORD, tokens_for
from usuarios.models import Usuario

ME = "/api/usuarios/me/"
USERS = "/api/usuarios/usuarios/"


def test_me_returns_the_current_user(api, soporte_a):
    body = api.get(ME, tenant="alfa", token=soporte_a.token).json()
    assert body["email"] == soporte_a.email and body["rol"] == "soporte"


def test_me_patch_updates_own_profile(api, usuario_a):
    response = api.patch(ME, tenant="alfa", token=usuario_a.token, json={"nombre": "Lucía", "apellido": ""})
    assert response.status_code == 200, response.text
    assert response.json()["nombre"] == "Lucía"


@pytest.mark.parametrize(("field", "value"), [("rol", "admin"), ("activo", False)])
def test_me_cannot_change_own_role_or_state(api, usuario_a, field, value):
    body = assert_error(api.patch(ME, tenant="alfa", token=usuario_a.token, json={field: value}), 400)
    assert field in body["details"]
    with schema_context("alfa"):
        user = Usuario.objects.get(pk=usuario_a.user.pk)
    assert (user.rol, user.activo) == ("usuario", True)


def test_me_password_change_needs_the_current_one(api, usuario_a):
    new = "Otra-Clave-Segura-77"
    body = assert_error(api.patch(ME, tenant="alfa", token=usuario_a.token, json={"password": new}), 400)
    assert "password_actual" in body["details"]
    ok = api.patch(
        ME, tenant="alfa", token=usuario_a.token, json={"password": new, "password_actual": PASSWORD}
    )
    assert ok.status_code == 200
    login = api.post("/api/auth/token/", tenant="alfa", json={"email": usuario_a.email, "password": new})
    assert login.status_code == 200


def test_me_bad_input(api, usuario_a, admin_a):
    assert_error(api.patch(ME, tenant="alfa", token=usuario_a.token, json={"email": "nope"}), 400)
    taken = assert_error(
        api.patch(ME, tenant="alfa", token=usuario_a.token, json={"email": admin_a.email}), 400
    )
    assert "email" in taken["details"]
    assert_error(api.put(ME, tenant="alfa", token=usuario_a.token, json={}), 405, "method_not_allowed")
    assert_error(api.patch(ME, tenant="beta", token=usuario_a.token, json={"nombre": "x"}), 401)


def test_admin_lists_users_paginated_with_search_and_filters(api, fresh_tenant, make_actor):
    schema = fresh_tenant.schema_name
    admin = make_actor(schema, "admin")
    for i in range(25):
        make_actor(schema, "soporte" if i % 5 == 0 else "usuario", nombre=f"Persona{i}")
    page = api.get(USERS, tenant=schema, token=admin.token).json()
    assert page["count"] == 27 and len(page["results"]) == 20 and page["next"] and page["previous"] is None
    big = api.get(USERS, tenant=schema, token=admin.token, params={"page_size": 500}).json()
    assert len(big["results"]) == 27  # capped at 100, all fit
    soporte = api.get(USERS, tenant=schema, token=admin.token, params={"rol": "soporte"}).json()
    assert soporte["count"] == 5 and {u["rol"] for u in soporte["results"]} == {"soporte"}
    found = api.get(USERS, tenant=schema, token=admin.token, params={"search": "persona13"}).json()
    assert [u["nombre"] for u in found["results"]] == ["Persona13"]
    assert_error(api.get(USERS, tenant=schema, token=admin.token, params={"page": 99}), 404, "not_found")
    assert_error(api.get(USERS, tenant=schema, token=admin.token, params={"activo": "quizá"}), 400)
    assert_error(api.get(USERS, tenant=schema, token=admin.token, params={"rol": "jefe"}), 400)


@pytest.mark.parametrize("actor", ["soporte_a", "usuario_a"])
def test_non_admins_cannot_manage_users(api, request, actor):
    token = request.getfixturevalue(actor).token
    assert_error(api.get(USERS, tenant="alfa", token=token), 403, "permission_denied")
    assert_error(api.post(USERS, tenant="alfa", token=token, json={}), 403)
    assert_error(api.patch(f"{USERS}1/", tenant="alfa", token=token, json={}), 403)
    assert_error(api.delete(f"{USERS}1/", tenant="alfa", token=token), 403)


def test_admin_of_another_tenant_is_refused(api, admin_b):
    assert_error(api.get(USERS, tenant="alfa", token=admin_b.token), 401)


def test_admin_creates_retrieves_and_updates_a_user(api, admin_a, new_email):
    email = new_email()
    payload = {"email": email, "password": PASSWORD, "nombre": "Sofía", "rol": "soporte"}
    created = api.post(USERS, tenant="alfa", token=admin_a.token, json=payload)
    assert created.status_code == 201, created.text
    user_id = created.json()["id"]
    assert created.json()["rol"] == "soporte"
    assert api.get(f"{USERS}{user_id}/", tenant="alfa", token=admin_a.token).json()["email"] == email
    changed = api.patch(
        f"{USERS}{user_id}/", tenant="alfa", token=admin_a.token, json={"rol": "admin", "apellido": "Ruiz"}
    )
    assert changed.status_code == 200 and changed.json()["rol"] == "admin"


def test_admin_create_bad_input(api, admin_a, new_email):
    bad_rol = {"email": new_email(), "password": PASSWORD, "nombre": "x", "rol": "superjefe"}
    assert (
        "rol"
        in assert_error(api.post(USERS, tenant="alfa", token=admin_a.token, json=bad_rol), 400)["details"]
    )
    weak = {"email": new_email(), "password": "abc", "nombre": "x"}
    assert (
        "password"
        in assert_error(api.post(USERS, tenant="alfa", token=admin_a.token, json=weak), 400)["details"]
    )
    dup = {"email": admin_a.email.upper(), "password": PASSWORD, "nombre": "x"}
    assert (
        "email" in assert_error(api.post(USERS, tenant="alfa", token=admin_a.token, json=dup), 400)["details"]
    )
    assert_error(api.get(f"{USERS}999999/", tenant="alfa", token=admin_a.token), 404)
    assert_error(api.get(f"{USERS}abc/", tenant="alfa", token=admin_a.token), 404)
    assert_error(api.put(f"{USERS}1/", tenant="alfa", token=admin_a.token, json={}), 405)


def test_ids_of_another_tenant_never_reveal_its_users(api, admin_a, usuario_b):
    response = api.get(f"{USERS}{usuario_b.user.pk}/", tenant="alfa", token=admin_a.token)
    assert usuario_b.email not in response.text


def test_delete_deactivates_and_cuts_the_users_tokens_at_once(api, admin_a, make_actor):
    victim = make_actor("alfa", "usuario")
    refresh = tokens_for("alfa", victim.user)["refresh"]
    assert api.get(ME, tenant="alfa", token=victim.token).status_code == 200
    response = api.delete(f"{USERS}{victim.user.pk}/", tenant="alfa", token=admin_a.token)
    assert response.status_code == 204
    assert_error(api.get(ME, tenant="alfa", token=victim.token), 401)
    assert_error(api.post("/api/auth/token/refresh/", tenant="alfa", json={"refresh": refresh}), 401)
    with schema_context("alfa"):
        assert Usuario.objects.get(pk=victim.user.pk).activo is False


def test_admin_cannot_deactivate_self_nor_remove_the_last_admin(api, fresh_tenant, make_actor):
    schema = fresh_tenant.schema_name
    with schema_context(schema):
        first_admin = Usuario.objects.get(rol="admin")
    admin = make_actor(schema, "admin")
    assert_error(
        api.delete(f"{USERS}{admin.user.pk}/", tenant=schema, token=admin.token),
        409,
        "cannot_deactivate_self",
    )
    # demote the tenant's first admin: allowed, one admin remains
    ok = api.patch(f"{USERS}{first_admin.pk}/", tenant=schema, token=admin.token, json={"rol": "usuario"})
    assert ok.status_code == 200
    assert_error(
        api.patch(f"{USERS}{admin.user.pk}/", tenant=schema, token=admin.token, json={"rol": "soporte"}),
        409,
        "last_admin",
    )


def test_patching_me_saves_the_whole_user_and_its_update_time(api, make_actor):
    from django_tenants.utils import schema_context

    from usuarios.models import Usuario

    actor = make_actor("alfa", "usuario")
    with schema_context("alfa"):
        before = Usuario.objects.get(pk=actor.user.pk).fecha_actualizacion
    response = api.patch("/api/usuarios/me/", tenant="alfa", token=actor.token, json={"nombre": "Otra"})
    assert response.status_code == 200 and response.json()["nombre"] == "Otra"
    with schema_context("alfa"):
        after = Usuario.objects.get(pk=actor.user.pk)
    assert after.nombre == "Otra" and after.fecha_actualizacion > before
