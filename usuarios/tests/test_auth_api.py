"""Register, token, refresh, logout: tenant-bound JWTs and every way to be refused."""

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.cache import caches
from django_tenants.utils import schema_context
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from core.testing.client import assert_error
from core.testing.factories import PASSWORD, expired_access_for, tokens_for
from usuarios.models import Usuario
from usuarios.services import usuario_update

REGISTER = "/api/auth/register/"
TOKEN = "/api/auth/token/"
REFRESH = "/api/auth/token/refresh/"
LOGOUT = "/api/auth/logout/"
ME = "/api/usuarios/me/"
EVERYWHERE = "/api/auth/logout/todas/"


def _register(api, email, tenant="alfa", **extra):
    body = {"email": email, "password": PASSWORD, "nombre": "Ana", "apellido": "Pérez", **extra}
    return api.post(REGISTER, tenant=tenant, json=body)


def test_register_creates_a_usuario_with_an_argon2_hash(api, new_email):
    email = new_email()
    response = _register(api, email.upper(), rol="admin")
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["email"] == email.lower()
    assert body["rol"] == "usuario"  # a client cannot choose its role
    assert set(body) == {"id", "email", "nombre", "apellido", "rol", "activo", "fecha_creacion"}
    with schema_context("alfa"):
        assert Usuario.objects.get(email=email.lower()).password.startswith("argon2")
    with schema_context("beta"):
        assert not Usuario.objects.filter(email=email.lower()).exists()


def test_register_duplicate_email_is_400_in_any_case(api, new_email):
    email = new_email()
    assert _register(api, email).status_code == 201
    body = assert_error(_register(api, email.upper()), 400, "validation_error")
    assert "email" in body["details"]


def test_same_email_may_exist_in_two_tenants(api, new_email):
    email = new_email()
    assert _register(api, email, tenant="alfa").status_code == 201
    assert _register(api, email, tenant="beta").status_code == 201


@pytest.mark.parametrize("password", ["123", "password", "12345678901", "<email>"])
def test_register_weak_password_is_400(api, new_email, password):
    email = new_email()
    password = email if password == "<email>" else password
    body = assert_error(_register(api, email, password=password), 400, "validation_error")
    assert "password" in body["details"]


def test_register_missing_and_invalid_fields_are_400(api):
    body = assert_error(api.post(REGISTER, tenant="alfa", json={"email": "no-es-email"}), 400)
    assert {"email", "password", "nombre"} <= set(body["details"])


def test_register_malformed_json_is_400(api):
    response = api.post(
        REGISTER, tenant="alfa", content=b'{"email": ', headers={"Content-Type": "application/json"}
    )
    assert_error(response, 400, "parse_error")


def test_register_wrong_content_type_is_415(api, new_email):
    response = api.post(REGISTER, tenant="alfa", data={"email": new_email(), "password": PASSWORD})
    assert_error(response, 415, "unsupported_media_type")


def test_oversized_body_is_413(api):
    blob = json.dumps({"email": "a@b.com", "nombre": "x" * (1024 * 1024 + 10)})
    response = api.post(REGISTER, tenant="alfa", content=blob, headers={"Content-Type": "application/json"})
    assert_error(response, 413, "payload_too_large")


def test_register_needs_a_tenant(api, new_email):
    assert_error(_register(api, new_email(), tenant=None), 400, "tenant_required")


def test_register_on_unknown_and_inactive_tenant(api, new_email):
    assert_error(_register(api, new_email(), tenant="nadie"), 404, "tenant_not_found")
    assert_error(_register(api, new_email(), tenant="inactivo"), 403, "tenant_inactive")


def test_concurrent_duplicate_registrations_never_500(api, new_email):
    email = new_email()
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = sorted(pool.map(lambda _: _register(api, email).status_code, range(8)))
    assert statuses.count(201) == 1, statuses
    assert set(statuses) == {201, 400}, statuses


def test_login_returns_tokens_and_user(api, usuario_a):
    response = api.post(TOKEN, tenant="alfa", json={"email": usuario_a.email.upper(), "password": PASSWORD})
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"access", "refresh", "user"}
    assert body["user"]["email"] == usuario_a.email
    assert AccessToken(body["access"])["tenant"] == "alfa"
    assert api.get(ME, tenant="alfa", token=body["access"]).status_code == 200


def test_wrong_password_unknown_email_and_inactive_user_get_the_same_401(api, make_actor, new_email):
    inactive = make_actor("alfa", "usuario", activo=False)
    answers = [
        api.post(TOKEN, tenant="alfa", json={"email": inactive.email, "password": "otra-cosa-123"}),
        api.post(TOKEN, tenant="alfa", json={"email": new_email(), "password": PASSWORD}),
        api.post(TOKEN, tenant="alfa", json={"email": inactive.email, "password": PASSWORD}),
    ]
    bodies = [assert_error(r, 401, "invalid_credentials") for r in answers]
    assert bodies[0] == bodies[1] == bodies[2]


def test_login_with_a_user_of_another_tenant_is_401(api, usuario_b):
    response = api.post(TOKEN, tenant="alfa", json={"email": usuario_b.email, "password": PASSWORD})
    assert_error(response, 401, "invalid_credentials")


def test_login_bad_input(api):
    assert_error(api.post(TOKEN, tenant="alfa", json={"email": "x@y.com"}), 400, "validation_error")
    assert_error(api.post(TOKEN, tenant="alfa", json=["not", "an", "object"]), 400)
    assert_error(api.post(TOKEN, tenant="nadie", json={}), 404, "tenant_not_found")


def test_login_is_throttled_per_address_and_email(api, usuario_a, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "login": "3/min"}
    wrong = {"email": usuario_a.email, "password": "mal-1234-xyz"}
    for _ in range(3):
        assert_error(api.post(TOKEN, tenant="alfa", json=wrong), 401)
    body = assert_error(api.post(TOKEN, tenant="alfa", json=wrong), 429, "throttled")
    assert body["details"]["wait"] > 0
    # another email from the same address is not blocked by this limit
    other = {"email": "otra@example.com", "password": "mal-1234-xyz"}
    assert_error(api.post(TOKEN, tenant="alfa", json=other), 401)


def test_login_is_throttled_per_address_across_tenants(api, settings):
    caches["global"].delete("throttle_login_ip_127.0.0.1")
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "login_ip": "4/min"}
    try:
        for i, tenant in enumerate(["alfa", "beta", "alfa", "beta"]):
            assert_error(api.post(TOKEN, tenant=tenant, json={"email": f"n{i}@x.com", "password": "x"}), 401)
        assert_error(api.post(TOKEN, tenant="beta", json={"email": "n9@x.com", "password": "x"}), 429)
    finally:
        caches["global"].delete("throttle_login_ip_127.0.0.1")


def test_refresh_rotates_and_blacklists_the_old_token(api, usuario_a):
    pair = tokens_for("alfa", usuario_a.user)
    response = api.post(REFRESH, tenant="alfa", json={"refresh": pair["refresh"]})
    assert response.status_code == 200, response.text
    fresh = response.json()
    assert set(fresh) == {"access", "refresh"} and fresh["refresh"] != pair["refresh"]
    assert api.get(ME, tenant="alfa", token=fresh["access"]).status_code == 200
    assert_error(api.post(REFRESH, tenant="alfa", json={"refresh": pair["refresh"]}), 401, "session_revoked")
    assert api.post(REFRESH, tenant="alfa", json={"refresh": fresh["refresh"]}).status_code == 200


def test_a_refresh_token_is_used_once_even_when_raced(api, usuario_a):
    refresh = tokens_for("alfa", usuario_a.user)["refresh"]
    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(
            pool.map(
                lambda _: api.post(REFRESH, tenant="alfa", json={"refresh": refresh}).status_code, range(6)
            )
        )
    assert sorted(statuses) == [200, 401, 401, 401, 401, 401]


def test_refresh_bad_input(api, usuario_a, usuario_b):
    assert_error(api.post(REFRESH, tenant="alfa", json={}), 400, "validation_error")
    assert_error(api.post(REFRESH, tenant="alfa", json={"refresh": "basura"}), 401, "token_not_valid")
    access = tokens_for("alfa", usuario_a.user)["access"]
    assert_error(api.post(REFRESH, tenant="alfa", json={"refresh": access}), 401, "token_not_valid")
    other = tokens_for("beta", usuario_b.user)["refresh"]
    assert_error(api.post(REFRESH, tenant="alfa", json={"refresh": other}), 401, "token_not_valid")


def test_logout_revokes_the_refresh_token(api, usuario_a, usuario_b):
    pair = tokens_for("alfa", usuario_a.user)
    other = tokens_for("beta", usuario_b.user)
    assert_error(api.post(LOGOUT, tenant="alfa", json={"refresh": other["refresh"]}), 401)
    assert_error(api.post(LOGOUT, tenant="alfa", json={"refresh": 12}), 401)
    assert_error(api.post(LOGOUT, tenant="alfa", json={}), 400)
    response = api.post(LOGOUT, tenant="alfa", json={"refresh": pair["refresh"]})
    assert response.status_code == 204 and response.content == b""
    assert_error(api.post(REFRESH, tenant="alfa", json={"refresh": pair["refresh"]}), 401)
    # the other tenant's token was not touched by the refused logout
    assert api.post(REFRESH, tenant="beta", json={"refresh": other["refresh"]}).status_code == 200


def test_token_of_another_tenant_is_401(api, usuario_a):
    body = assert_error(api.get(ME, tenant="beta", token=usuario_a.token), 401, "token_not_valid")
    assert "alfa" not in json.dumps(body)
    assert_error(api.get(ME, headers={"Host": "beta.localhost"}, token=usuario_a.token), 401)


def test_no_expired_forged_and_deactivated_tokens_are_401(api, usuario_a, make_actor):
    assert_error(api.get(ME, tenant="alfa"), 401, "not_authenticated")
    assert_error(
        api.get(ME, tenant="alfa", token=expired_access_for("alfa", usuario_a.user)), 401, "token_expired"
    )
    forged = AccessToken.for_user(usuario_a.user)
    forged["tenant"] = "alfa"
    forged.set_exp(lifetime=timedelta(minutes=5))
    header, payload, _sig = str(forged).split(".")
    assert_error(api.get(ME, tenant="alfa", token=f"{header}.{payload}.AAAA"), 401, "token_not_valid")
    assert_error(api.get(ME, tenant="alfa", headers={"Authorization": "Basic abc"}), 401)
    gone = make_actor("alfa", "usuario")
    assert api.get(ME, tenant="alfa", token=gone.token).status_code == 200  # now cached
    with schema_context("alfa"):
        usuario_update(user=Usuario.objects.get(pk=gone.user.pk), activo=False)
    assert_error(api.get(ME, tenant="alfa", token=gone.token), 401, "user_inactive")


def test_platform_operators_use_the_same_token_endpoints(api, operator, usuario_a):
    response = api.post(TOKEN, json={"email": operator.email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    access = response.json()["access"]
    assert AccessToken(access)["tenant"] == "public"
    assert api.get(ME, token=access).status_code == 200
    # an operator token is not a tenant token, and the reverse
    assert_error(api.get(ME, tenant="alfa", token=access), 401)
    assert_error(api.get(ME, token=usuario_a.token), 401)


def test_a_refused_token_says_whether_to_refresh_or_to_log_in_again(api, make_actor, usuario_b):
    """An SPA refreshes on token_expired and sends the user to log in on session_revoked; anything
    else (garbage, another tenant's, forged) is token_not_valid."""
    actor = make_actor("alfa", "usuario")
    pair = tokens_for("alfa", actor.user)
    expired_refresh = RefreshToken(pair["refresh"])
    expired_refresh.set_exp(lifetime=-timedelta(minutes=1))
    cases = [
        (api.get(ME, tenant="alfa", token=expired_access_for("alfa", actor.user)), "token_expired"),
        (api.post(REFRESH, tenant="alfa", json={"refresh": str(expired_refresh)}), "token_expired"),
        (api.get(ME, tenant="alfa", token="basura"), "token_not_valid"),
        (api.get(ME, tenant="alfa", token=usuario_b.token), "token_not_valid"),
        (api.post(REFRESH, tenant="alfa", json={"refresh": "basura"}), "token_not_valid"),
    ]
    rotated = api.post(REFRESH, tenant="alfa", json={"refresh": pair["refresh"]})
    assert rotated.status_code == 200
    cases.append((api.post(REFRESH, tenant="alfa", json={"refresh": pair["refresh"]}), "session_revoked"))
    assert api.post(EVERYWHERE, tenant="alfa", token=actor.token).status_code == 200
    cases.append((api.get(ME, tenant="alfa", token=actor.token), "session_revoked"))
    cases.append(
        (api.post(REFRESH, tenant="alfa", json={"refresh": rotated.json()["refresh"]}), "session_revoked")
    )
    assert [(r.status_code, r.json()["code"]) for r, _ in cases] == [(401, code) for _, code in cases]
    # and the OpenAPI document tells client generators so
    schema = yaml.safe_load((Path(settings.BASE_DIR) / "openapi.yaml").read_text())
    for path, method in (("/api/usuarios/me/", "get"), ("/api/auth/token/refresh/", "post")):
        unauthorised = schema["paths"][path][method]["responses"]["401"]["content"]["application/json"]
        codes = json.dumps(unauthorised)
        assert "token_expired" in codes and "session_revoked" in codes and "token_not_valid" in codes


def test_a_login_without_a_tenant_names_the_header_whatever_the_email(api, usuario_a, operator, new_email):
    """The likeliest first mistake (a tenant user without X-Tenant-ID) is not answered like a
    wrong password, and the answer is the same for a tenant user's email, an unknown one and an
    operator's with a wrong password: it tells nothing about which emails exist."""
    answers = [
        api.post(TOKEN, json={"email": email, "password": password})
        for email, password in (
            (usuario_a.email, PASSWORD),
            (new_email(), PASSWORD),
            (operator.email, "no-es-su-clave"),
        )
    ]
    bodies = [assert_error(r, 401, "invalid_credentials") for r in answers]
    assert all(b == bodies[0] for b in bodies)
    assert "X-Tenant-ID" in bodies[0]["error"] and bodies[0]["details"] == {"tenant_header": "X-Tenant-ID"}
    # inside a tenant a wrong password says nothing of headers
    inside = assert_error(
        api.post(TOKEN, tenant="alfa", json={"email": usuario_a.email, "password": "mala"}),
        401,
        "invalid_credentials",
    )
    assert "X-Tenant-ID" not in inside["error"] and inside["details"] == {}
