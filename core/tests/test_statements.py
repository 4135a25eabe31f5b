"""Statements compiled once (core.statements): the rows, instances and writes the ORM makes."""

import uuid

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models.signals import post_save
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from core.statements import Lookup, Param, insert, update
from core.tenancy.agenda import agenda_mark_sql
from core.tenancy.models import AgendaTenant
from tickets.models import Estado, Interaccion, Notificacion, Ticket, TipoInteraccion

_by_pk = Lookup(lambda: Ticket.objects.filter(pk=Param("pk", Ticket._meta.pk)).order_by()[:1])
_own_locked = Lookup(
    lambda: (
        Ticket.objects.select_for_update()
        .filter(
            pk=Param("pk", Ticket._meta.pk), usuario_id=Param("usuario", Ticket._meta.get_field("usuario"))
        )
        .order_by()[:1]
    )
)
_interaccion = Lookup(lambda: Interaccion.objects.filter(pk=Param("pk", Interaccion._meta.pk)).order_by()[:1])


def _same(a, b) -> None:
    assert type(a) is type(b)
    assert {f.attname: getattr(a, f.attname) for f in a._meta.concrete_fields} == {
        f.attname: getattr(b, f.attname) for f in b._meta.concrete_fields
    }
    assert a._state.adding is False and a._state.db == b._state.db


def test_a_compiled_lookup_reads_the_instance_the_orm_reads(fresh_tenant, make_actor):
    owner = make_actor(fresh_tenant.schema_name, "usuario").user
    other = make_actor(fresh_tenant.schema_name, "usuario").user
    with schema_context(fresh_tenant.schema_name):
        ticket = Ticket.objects.create(usuario=owner, titulo="Uno", descripcion="ñandú")
        _same(_by_pk.first(pk=ticket.pk), Ticket.objects.get(pk=ticket.pk))
        _same(_by_pk.first(pk=str(ticket.pk).upper()), Ticket.objects.get(pk=ticket.pk))
        assert _by_pk.first(pk=uuid.uuid4()) is None
        with transaction.atomic():
            _same(_own_locked.first(pk=ticket.pk, usuario=owner.pk), Ticket.objects.get(pk=ticket.pk))
            assert _own_locked.first(pk=ticket.pk, usuario=other.pk) is None


def test_a_compiled_lookup_converts_values_as_the_orm(fresh_tenant, make_actor):
    owner = make_actor(fresh_tenant.schema_name, "usuario").user
    with schema_context(fresh_tenant.schema_name):
        ticket = Ticket.objects.create(usuario=owner, titulo="Uno")
        made = Interaccion.objects.create(
            ticket=ticket, usuario=owner, tipo=TipoInteraccion.COMENTARIO, metadata={"a": [1, "ü"], "b": None}
        )
        read = _interaccion.first(pk=made.pk)
        assert read.metadata == {"a": [1, "ü"], "b": None}
        _same(read, Interaccion.objects.get(pk=made.pk))


def test_one_compiled_lookup_reads_each_tenant_in_its_own_schema(tenant_a, tenant_b, make_actor):
    owner_a = make_actor(tenant_a.schema_name, "usuario").user
    with schema_context(tenant_a.schema_name):
        ticket = Ticket.objects.create(usuario=owner_a, titulo="De alfa")
        assert _by_pk.first(pk=ticket.pk).titulo == "De alfa"
    with schema_context(tenant_b.schema_name):
        assert _by_pk.first(pk=ticket.pk) is None


def test_an_insert_writes_what_save_writes(fresh_tenant, make_actor):
    owner = make_actor(fresh_tenant.schema_name, "usuario").user
    with schema_context(fresh_tenant.schema_name):
        ticket = insert(Ticket(usuario=owner, titulo="Nuevo", descripcion="Se cae"))
        stored = Ticket.objects.get(pk=ticket.pk)
        assert ticket.fecha_creacion is not None and ticket.fecha_actualizacion is not None
        _same(ticket, stored)
        assert stored.estado == Estado.ABIERTO
        comment = insert(Interaccion(ticket=ticket, usuario=owner, tipo="comentario", metadata={"k": "v"}))
        assert isinstance(comment.pk, int)
        assert model_to_dict(comment) == model_to_dict(Interaccion.objects.get(pk=comment.pk))


def test_an_insert_sends_the_statements_before_it_in_the_same_round_trip(fresh_tenant, make_actor):
    owner = make_actor(fresh_tenant.schema_name, "usuario").user
    schema = fresh_tenant.schema_name
    tarea = f"prueba-{uuid.uuid4().hex[:8]}"
    with schema_context(schema):
        Ticket.objects.exists()  # the search_path is set before counting
        with CaptureQueriesContext(connection) as queries:
            ticket = insert(
                Ticket(usuario=owner, titulo="Con marca"),
                before=[agenda_mark_sql(schema=schema, tarea=tarea)],
            )
        assert len(queries.captured_queries) == 1
        assert Ticket.objects.filter(pk=ticket.pk).exists()
    assert AgendaTenant.objects.filter(schema_name=schema, tarea=tarea).exists()
    AgendaTenant.objects.filter(schema_name=schema, tarea=tarea).delete()


def test_an_insert_that_fails_writes_nothing_of_its_statements(fresh_tenant):
    schema = fresh_tenant.schema_name
    tarea = f"prueba-{uuid.uuid4().hex[:8]}"
    with schema_context(schema):
        evento_id = uuid.uuid4()
        Notificacion.objects.create(evento_id=evento_id)
        with pytest.raises(DatabaseError), transaction.atomic():
            insert(Notificacion(evento_id=evento_id), before=[agenda_mark_sql(schema=schema, tarea=tarea)])
        assert Notificacion.objects.filter(evento_id=evento_id).count() == 1
    assert not AgendaTenant.objects.filter(schema_name=schema, tarea=tarea).exists()


def test_an_update_saves_the_fields_listed_as_save_does(fresh_tenant, make_actor):
    owner = make_actor(fresh_tenant.schema_name, "usuario").user
    with schema_context(fresh_tenant.schema_name):
        ticket = Ticket.objects.create(usuario=owner, titulo="Antes")
        before = ticket.fecha_actualizacion
        ticket.estado, ticket.titulo = Estado.EN_PROCESO, "Sin guardar"
        update(ticket, ["estado", "fecha_actualizacion"])
        stored = Ticket.objects.get(pk=ticket.pk)
        assert stored.estado == Estado.EN_PROCESO and stored.titulo == "Antes"
        assert stored.fecha_actualizacion == ticket.fecha_actualizacion > before
        ticket.estado = Estado.RESUELTO
        update(ticket, ["estado"])  # auto_now not listed: not touched, as with save()
        stored = Ticket.objects.get(pk=ticket.pk)
        assert stored.estado == Estado.RESUELTO and stored.fecha_actualizacion == ticket.fecha_actualizacion


def test_a_compiled_lookup_refuses_none(fresh_tenant):
    with schema_context(fresh_tenant.schema_name), pytest.raises(ValueError, match="None"):
        _by_pk.first(pk=None)


def test_an_update_of_a_missing_row_is_an_error(fresh_tenant, make_actor):
    owner = make_actor(fresh_tenant.schema_name, "usuario").user
    with schema_context(fresh_tenant.schema_name):
        ticket = Ticket.objects.create(usuario=owner, titulo="Borrado")
        Ticket.objects.filter(pk=ticket.pk).delete()
        with pytest.raises(DatabaseError):
            update(ticket, ["estado"])


def test_a_model_with_save_receivers_is_refused(fresh_tenant):
    def receiver(**kwargs):
        raise AssertionError("insert() would have skipped this receiver")

    post_save.connect(receiver, sender=Notificacion)
    try:
        with schema_context(fresh_tenant.schema_name), pytest.raises(ValueError, match="signal receivers"):
            insert(Notificacion(evento_id=uuid.uuid4()))
    finally:
        post_save.disconnect(receiver, sender=Notificacion)


def test_a_lookup_with_a_join_is_refused(fresh_tenant):
    joined = Lookup(lambda: Ticket.objects.filter(usuario__email=Param("email", Ticket._meta.pk)))
    with schema_context(fresh_tenant.schema_name), pytest.raises(ValueError, match="one table"):
        joined.first(email="x@example.com")
