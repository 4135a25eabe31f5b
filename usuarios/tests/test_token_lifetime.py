"""Access tokens expire, in every process, always; a password change or a logout everywhere ends
every token issued before it."""

import time
import uuid
from datetime import timedelta

import httpx
import pytest
from rest_framework_simplejwt.tokens import AccessToken

from core.testing.client import assert_error
from core.testing.factories import PASSWORD, tokens_for
from core.testing.processes import gunicorn, server_env

TOKEN = "/api/auth/token/"
REFRESH = "/api/auth/token/refresh/"
EVERYWHERE = "/api/auth/logout/todas/"
ME = "/api/usuarios/me/"


def _expiring(access: str, seconds: float) -> tuple[str, int]:
    """The token re-signed to expire `seconds` from now; and its expiry (epoch seconds)."""
    token = AccessToken(access)
    token.set_exp(lifetime=timedelta(seconds=seconds))
    return str(token), int(token["exp"])


def test_an_access_token_used_before_its_expiry_stops_working_after_it(usuario_a):
    """The lifetime is taken from how fast this machine answers now, not assumed: a loaded
    machine gets a longer one, and each step is judged by the clock, not by a fixed sleep."""
    headers = {"X-Tenant-ID": "alfa"}
    with gunicorn(server_env(), workers=1, threads=2) as url:
        lifetime = 2.0
        while True:
            access, expires = _expiring(tokens_for("alfa", usuario_a.user)["access"], lifetime)
            auth = {**headers, "Authorization": f"Bearer {access}"}
            first = httpx.get(f"{url}{ME}", headers=auth)  # verified and remembered by the process
            if time.time() < expires:  # answered before the expiry: the server saw it before, too
                assert first.status_code == 200, first.text
                break
            lifetime *= 2  # too slow a machine for this lifetime: the same steps with a longer one
            assert lifetime <= 128, "the server took over a minute to answer"
        time.sleep(max(0.0, expires - time.time() + 1.0))
        for _ in range(3):
            assert_error(httpx.get(f"{url}{ME}", headers=auth), 401, "token_expired")


def test_a_password_change_ends_the_access_tokens_issued_before_it(api, make_actor):
    actor = make_actor("alfa", "usuario")
    other_session = tokens_for("alfa", actor.user)
    changed = api.patch(
        ME,
        tenant="alfa",
        token=actor.token,
        json={"password": "Otra-Clave-Segura-2026!", "password_actual": PASSWORD},
    )
    assert changed.status_code == 200, changed.text
    for access in (actor.token, other_session["access"]):
        assert_error(api.get(ME, tenant="alfa", token=access), 401, "session_revoked")
    assert_error(api.post(REFRESH, tenant="alfa", json={"refresh": other_session["refresh"]}), 401)
    login = api.post(TOKEN, tenant="alfa", json={"email": actor.email, "password": "Otra-Clave-Segura-2026!"})
    assert api.get(ME, tenant="alfa", token=login.json()["access"]).status_code == 200


def test_logout_everywhere_ends_every_session_of_the_caller_only(api, make_actor):
    actor, bystander = make_actor("alfa", "usuario"), make_actor("alfa", "usuario")
    phone = tokens_for("alfa", actor.user)
    response = api.post(EVERYWHERE, tenant="alfa", token=actor.token)
    assert response.status_code == 200, response.text
    assert response.json() == {"sesiones_cerradas": 2}
    for access in (actor.token, phone["access"]):
        assert_error(api.get(ME, tenant="alfa", token=access), 401, "session_revoked")
    assert_error(api.post(REFRESH, tenant="alfa", json={"refresh": phone["refresh"]}), 401)
    assert api.get(ME, tenant="alfa", token=bystander.token).status_code == 200


@pytest.mark.parametrize("tenant", ["beta", None])
def test_logout_everywhere_needs_a_token_of_this_tenant(api, usuario_a, tenant):
    assert_error(api.post(EVERYWHERE, tenant=tenant, token=usuario_a.token), 401)
    assert api.get(ME, tenant="alfa", token=usuario_a.token).status_code == 200


def test_a_token_of_someone_else_with_a_reused_id_is_refused(api, make_actor):
    from django_tenants.utils import schema_context

    from usuarios.models import Usuario

    actor = make_actor("alfa", "usuario")
    # what a restore does to a user made after the backup: the id goes to someone else
    with schema_context("alfa"):
        Usuario.objects.filter(pk=actor.user.pk).update(uid=uuid.uuid4())
        from core.versioned_cache import invalidate
        from usuarios.selectors import usuario_datos_key

        invalidate(usuario_datos_key(actor.user.pk))
    assert_error(api.get(ME, tenant="alfa", token=actor.token), 401, "token_not_valid")
