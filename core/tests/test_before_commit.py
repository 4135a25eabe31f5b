"""Bookkeeping writes queued on the connection and sent just before COMMIT (core.db_backend)."""

import uuid

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from core.invalidation import watcher
from core.outbox.models import Evento
from core.outbox.services import evento_registrar
from core.statements import insert_sql


def _exists(schema: str, evento) -> bool:
    with schema_context(schema):
        return Evento.objects.filter(evento_id=evento.evento_id).exists()


def _statements(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if q["sql"] not in ("BEGIN", "COMMIT")]


def test_queued_writes_go_in_one_round_trip_before_the_commit(tenant_a):
    key = f"prueba:{uuid.uuid4()}"
    with schema_context(tenant_a.schema_name):
        Evento.objects.exists()  # the search_path is set before counting
        with CaptureQueriesContext(connection) as queries:
            with transaction.atomic():
                evento = evento_registrar(tipo="prueba_lote", datos={"n": 1})
                watcher.bump(tenant_a.schema_name, key)
                assert _statements(queries) == []  # nothing sent yet
    sent = _statements(queries)
    assert len(sent) == 1 and sent[0].count("INSERT INTO") == 3, sent
    assert _exists(tenant_a.schema_name, evento)
    # the bumped version is known to this process once committed
    assert watcher.version(tenant_a.schema_name, key) >= 1


def test_an_event_lands_in_the_schema_it_was_written_in_whatever_the_schema_at_commit(tenant_a, tenant_b):
    with transaction.atomic():
        with schema_context(tenant_a.schema_name):
            evento = evento_registrar(tipo="prueba_schema", datos={"n": 1})
        with schema_context(tenant_b.schema_name):
            Evento.objects.exists()  # the connection's search_path is beta's when it commits
    assert _exists(tenant_a.schema_name, evento)
    assert not _exists(tenant_b.schema_name, evento)


def _registered_in_a_failed_block(tipo: str, *, also=()):
    """An event registered in an atomic block that then fails; the error raised is returned."""
    registered = []

    def work():
        with transaction.atomic():
            registered.append(evento_registrar(tipo=tipo, datos={}))
            for statement in also:
                connection.before_commit(*statement)
            if not also:
                raise RuntimeError("the block fails")

    with pytest.raises((RuntimeError, IntegrityError)) as failure:
        work()
    return registered[0], failure.value


def test_writes_queued_in_a_rolled_back_savepoint_or_transaction_are_dropped(tenant_a):
    schema = tenant_a.schema_name
    with schema_context(schema):
        with transaction.atomic():
            dropped, _error = _registered_in_a_failed_block("prueba_savepoint")  # a savepoint
            kept = evento_registrar(tipo="prueba_savepoint", datos={})
        rolled_back, _error = _registered_in_a_failed_block("prueba_rollback")  # the transaction
        with transaction.atomic():
            after = evento_registrar(tipo="prueba_despues", datos={})
    assert _exists(schema, kept) and _exists(schema, after)
    assert not _exists(schema, dropped) and not _exists(schema, rolled_back)


def test_a_queued_write_that_fails_rolls_the_whole_transaction_back(tenant_a):
    schema = tenant_a.schema_name
    with schema_context(schema):
        taken = evento_registrar(tipo="prueba_unico", datos={})  # outside a transaction: sent now
        assert _exists(schema, taken)
        duplicate = Evento(evento_id=taken.evento_id, tipo="prueba_unico", datos={})
        other, error = _registered_in_a_failed_block(
            "prueba_companero", also=[insert_sql(duplicate, schema=schema)]
        )
    assert isinstance(error, IntegrityError) and "evento_id_unico" in str(error)
    assert not _exists(schema, other)
    with schema_context(schema):
        assert Evento.objects.filter(evento_id=taken.evento_id).count() == 1
