"""State changes under concurrency: separate connections, one row lock, no lost or invented history."""

import random
from concurrent.futures import ThreadPoolExecutor

from django_tenants.utils import schema_context

from tickets.models import TRANSICIONES, Interaccion, Ticket


def test_twenty_concurrent_state_changes_keep_a_consistent_history(desk, soporte_a):
    ticket = desk.new(soporte_a)
    rng = random.Random(20)
    # never "cerrado", so that the race goes on for all 20 requests
    targets = [rng.choice(["abierto", "en_proceso", "resuelto"]) for _ in range(20)]
    with ThreadPoolExecutor(max_workers=20) as pool:
        responses = list(pool.map(lambda estado: desk.estado(soporte_a, ticket["id"], estado), targets))
    statuses = [r.status_code for r in responses]
    assert set(statuses) <= {200, 409}, statuses
    accepted = statuses.count(200)
    assert accepted >= 1
    with schema_context("alfa"):
        changes = list(
            Interaccion.objects.filter(ticket_id=ticket["id"], tipo="cambio_estado").order_by("id")
        )
        final = Ticket.objects.get(pk=ticket["id"]).estado
    assert len(changes) == accepted
    previous = "abierto"
    for change in changes:  # each accepted change started where the previous one ended, legally
        assert change.metadata["de"] == previous
        assert change.metadata["a"] in TRANSICIONES[previous]
        previous = change.metadata["a"]
    assert final == previous
    for response in responses:
        if response.status_code == 409:
            assert response.json()["code"] == "invalid_transition"
