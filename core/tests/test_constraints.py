"""Constraints have names, and the code recognises them by name."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django_tenants.utils import schema_context

from core.checks import migrate_is_ours
from core.db import violated_constraint
from usuarios.models import Usuario


def test_a_violation_is_recognised_by_the_constraints_name(usuario_a):
    with schema_context("alfa"), pytest.raises(IntegrityError) as caught, transaction.atomic():
        Usuario.objects.create(email=usuario_a.email, nombre="Otra")
    assert violated_constraint(caught.value) == "usuario_email_unico"


def test_every_unique_constraint_of_a_tenant_has_the_name_the_model_gives_it():
    declared = {c.name for model in (Usuario,) for c in model._meta.constraints}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'alfa' AND c.relname = 'usuarios_usuario'"
        )
        present = {r[0] for r in cursor.fetchall()}
    assert declared <= present
    assert not {name for name in present if name.endswith("_key")}, present


def test_the_alignment_of_old_clones_is_a_one_off_command():
    out = StringIO()
    call_command("alinear_restricciones", tenant=["alfa"], stdout=out)
    assert "alfa: listo" in out.getvalue()


def test_a_system_check_says_when_migrate_would_not_be_ours(settings):
    assert migrate_is_ours(None) == []
    settings.INSTALLED_APPS = [a for a in settings.INSTALLED_APPS if a != "core"] + ["core"]
    assert [e.id for e in migrate_is_ours(None)] == ["core.E001"]
