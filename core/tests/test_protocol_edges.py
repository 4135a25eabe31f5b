"""Edges of the HTTP conversation: a refused large body leaves the connection usable; token
errors speak the client's language."""

import httpx

from core.testing.client import assert_error
from core.testing.processes import gunicorn, server_env


def test_after_a_413_the_same_connection_serves_the_next_request(usuario_a):
    with (
        gunicorn(server_env(), workers=1, threads=2) as url,
        httpx.Client(base_url=url, timeout=30) as client,
    ):
        for size in (2_000_000, 5_000_000):
            refused = client.post("/api/auth/token/", headers={"X-Tenant-ID": "alfa"}, content=b"x" * size)
            assert_error(refused, 413, "payload_too_large")
            assert client.get("/health").status_code == 200  # on the same keep-alive connection


def test_token_errors_are_spanish_by_default_and_english_on_request(api):
    bad = {"Authorization": "Bearer esto.no.vale"}
    spanish = assert_error(api.get("/api/usuarios/me/", tenant="alfa", headers=bad), 401, "token_not_valid")
    english = assert_error(
        api.get("/api/usuarios/me/", tenant="alfa", headers={**bad, "Accept-Language": "en"}),
        401,
        "token_not_valid",
    )
    assert spanish["error"] != english["error"]
    assert "token" in spanish["error"].lower() and "valido" in spanish["error"].lower().replace("á", "a")
    assert english["error"] == "Given token not valid for any token type"
    refresh = assert_error(
        api.post("/api/auth/token/refresh/", tenant="alfa", json={"refresh": "x.y.z"}), 401
    )
    assert "Token is invalid" not in refresh["error"]
