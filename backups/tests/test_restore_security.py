"""A restore never gives back access taken away after the backup, and ends every session."""

from django_tenants.utils import schema_context

from core.testing.client import assert_error
from core.testing.factories import PASSWORD, create_user, tokens_for
from usuarios.auth.tokens import token_revoke
from usuarios.models import Usuario
from usuarios.services import usuario_update

TOKEN = "/api/auth/token/"
REFRESH = "/api/auth/token/refresh/"
ME = "/api/usuarios/me/"
NEW_PASSWORD = "Cambiada-Tras-La-Copia-2026!"


def _login(api, schema, email, password=PASSWORD):
    return api.post(TOKEN, tenant=schema, json={"email": email, "password": password})


def test_a_restore_keeps_todays_security_state_and_ends_every_session(
    api, vault_for, fresh_tenant, make_actor
):
    schema = fresh_tenant.schema_name
    vault = vault_for(schema)
    boss, fired, changed, leaving, demoted = (
        make_actor(schema, rol) for rol in ("admin", "admin", "usuario", "usuario", "admin")
    )
    leaving_tokens = tokens_for(schema, leaving.user)
    backup = vault.new(boss)
    # after the backup: a password change, a deactivated admin, a logout, a newcomer
    with schema_context(schema):
        usuario_update(user=Usuario.objects.get(pk=changed.user.pk), password=NEW_PASSWORD)
        usuario_update(user=Usuario.objects.get(pk=fired.user.pk), activo=False)
        token_revoke(raw_refresh=leaving_tokens["refresh"])
        usuario_update(user=Usuario.objects.get(pk=demoted.user.pk), rol="usuario")
    newcomer = make_actor(schema, "usuario")

    response = vault.call("POST", f"history/{backup['id']}/restore/", boss, json={"confirm": schema})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["seguridad"] == "actual"
    assert {u["email"] for u in body["usuarios_conservados"]} == {fired.email, changed.email, demoted.email}
    # open before it: the boss's, the newcomer's, the demoted admin's and the leaving user's other one
    assert body["sesiones_cerradas"] == 4

    # every token from before the restore is dead, the newcomer's too (its id is someone else's soon)
    for actor in (boss, newcomer, changed):
        assert_error(api.get(ME, tenant=schema, token=actor.token), 401, "session_revoked")
    assert_error(api.post(REFRESH, tenant=schema, json={"refresh": leaving_tokens["refresh"]}), 401)
    reused = create_user(schema)
    assert reused.pk == newcomer.user.pk
    assert_error(api.get(ME, tenant=schema, token=newcomer.token), 401, "session_revoked")
    # the password and the deactivation made after the backup still hold
    assert_error(_login(api, schema, changed.email), 401, "invalid_credentials")
    assert _login(api, schema, changed.email, NEW_PASSWORD).status_code == 200
    assert_error(_login(api, schema, fired.email), 401, "invalid_credentials")
    assert _login(api, schema, boss.email).status_code == 200
    demoted_login = _login(api, schema, demoted.email)
    assert demoted_login.json()["user"]["rol"] == "usuario"
    users = "/api/usuarios/usuarios/"
    assert_error(
        api.get(users, tenant=schema, token=demoted_login.json()["access"]), 403, "permission_denied"
    )


def test_a_restore_can_be_asked_to_bring_back_the_backups_security_state(
    api, vault_for, fresh_tenant, make_actor
):
    schema = fresh_tenant.schema_name
    vault = vault_for(schema)
    boss, changed = make_actor(schema, "admin"), make_actor(schema, "usuario")
    backup = vault.new(boss)
    with schema_context(schema):
        usuario_update(user=Usuario.objects.get(pk=changed.user.pk), password=NEW_PASSWORD)
    response = vault.call(
        "POST",
        f"history/{backup['id']}/restore/",
        boss,
        json={"confirm": schema, "restaurar_seguridad": True},
    )
    assert response.status_code == 200, response.text
    assert response.json()["seguridad"] == "copia" and response.json()["usuarios_conservados"] == []
    assert _login(api, schema, changed.email).status_code == 200
    assert_error(_login(api, schema, changed.email, NEW_PASSWORD), 401, "invalid_credentials")


def test_a_restore_refuses_a_bad_option(vault_for, fresh_tenant, make_actor):
    schema = fresh_tenant.schema_name
    vault = vault_for(schema)
    boss = make_actor(schema, "admin")
    backup = vault.new(boss)
    body = assert_error(
        vault.call(
            "POST",
            f"history/{backup['id']}/restore/",
            boss,
            json={"confirm": schema, "restaurar_seguridad": "tal vez"},
        ),
        400,
        "validation_error",
    )
    assert "restaurar_seguridad" in body["details"]
    assert vault.call("GET", "history/", boss).status_code == 200  # nothing happened: the session lives
