"""The production server (granian, as `make run` serves) runs the product as gunicorn does."""

import httpx

from core.testing.client import assert_error
from core.testing.factories import access_for
from core.testing.processes import granian, server_env


def test_granian_serves_the_api_keeps_connections_and_refuses_big_bodies(usuario_a, admin_b):
    with granian(server_env(), workers=1) as url:
        own = {"X-Tenant-ID": "alfa", "Authorization": f"Bearer {access_for('alfa', usuario_a.user)}"}
        with httpx.Client(base_url=url, timeout=30) as client:
            ticket = client.post("/api/tickets/tickets/", headers=own, json={"titulo": "En granian"})
            assert ticket.status_code == 201, ticket.text
            path = f"/api/tickets/tickets/{ticket.json()['id']}/"
            assert client.get(path, headers=own).json() == ticket.json()
            assert_error(client.post("/api/tickets/tickets/", headers=own, json={"titulo": ""}), 400)
            too_big = client.post(
                "/api/tickets/tickets/",
                headers={**own, "Content-Type": "application/json"},
                content=b"x" * (3 << 20),
            )
            assert_error(too_big, 413, "payload_too_large")
            # the same connection serves the next request after the refused body
            assert client.get(path, headers=own).status_code == 200
            other = {"X-Tenant-ID": "beta", "Authorization": f"Bearer {access_for('beta', admin_b.user)}"}
            assert_error(client.get(path, headers=other), 404)
            assert_error(client.get(path, headers={**own, "X-Tenant-ID": "beta"}), 401)
