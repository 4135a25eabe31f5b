"""A real Celery worker runs the notification task in the schema the ticket was created in."""

import time

import pytest

from core.celery import app as celery_app
from core.testing.processes import celery_worker, server_env
from tickets.tasks import notificar_ticket_creado

pytestmark = pytest.mark.redis


@pytest.fixture
def worker(tmp_path, monkeypatch):
    """A worker process on this test session's queue, sending email to files in tmp_path."""
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    env = server_env(
        CELERY_TASK_ALWAYS_EAGER="false",
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(tmp_path),
    )
    proc = celery_worker(env)
    yield tmp_path
    proc.terminate()
    proc.wait(timeout=30)


def _emails(folder):
    return [p.read_text() for p in sorted(folder.glob("*.log"))]


def _wait_for(predicate, seconds=40):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_worker_emails_the_tickets_tenant_staff_once(worker, desk, usuario_a, soporte_a, admin_b):
    ticket = desk.new(usuario_a, titulo="Worker alfa")
    assert _wait_for(lambda: any("Worker alfa" in e for e in _emails(worker))), "no email from the worker"
    [email] = [e for e in _emails(worker) if "Worker alfa" in e]
    assert "[Alfa] Nuevo ticket: Worker alfa" in email
    assert soporte_a.email in email and "admin@alfa.test" in email
    assert admin_b.email not in email and "admin@beta.test" not in email

    # the same event delivered again (a retry, a redelivery) sends nothing more
    from django.db import connection
    from django_tenants.utils import schema_context

    from core.outbox.models import Evento

    with schema_context("alfa"):
        evento = Evento.objects.get(tipo="ticket_creado", datos__ticket_id=ticket["id"])
        assert connection.schema_name == "alfa"
        notificar_ticket_creado.delay(evento_id=str(evento.evento_id), ticket_id=ticket["id"])
    time.sleep(3)
    assert len([e for e in _emails(worker) if "Worker alfa" in e]) == 1


def test_a_message_for_no_tenant_is_ignored():
    from django.db import connection

    connection.set_schema_to_public()
    assert (
        notificar_ticket_creado.run(evento_id="00000000-0000-0000-0000-000000000000", ticket_id="x")
        == "sin_tenant"
    )
