"""Backups hold every password hash: private files, a per-tenant rate limit, a cap on kept copies."""

import stat
from pathlib import Path

from django_tenants.utils import schema_context

from backups.models import BackupRecord
from core.testing.client import assert_error


def test_backup_files_and_folders_are_private(vault_for, fresh_tenant, make_actor, backup_settings):
    schema = fresh_tenant.schema_name
    backup = vault_for(schema).new(make_actor(schema, "admin"))
    root = Path(backup_settings.BACKUP_ROOT)
    stored = root / f"backups/{schema}/manual/{backup['file_name']}"
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    for folder in (root, root / "backups", root / f"backups/{schema}", stored.parent):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder


def test_manual_backups_are_rate_limited_per_tenant(vault_for, fresh_tenant, make_actor, settings, admin_a):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "backup_manual": "2/hour"}
    schema = fresh_tenant.schema_name
    vault, admin = vault_for(schema), make_actor(schema, "admin")
    vault.new(admin)
    vault.new(admin)
    refused = assert_error(vault.create(admin), 429, "throttled")
    assert refused["details"]["wait"] > 0
    assert int(vault.create(admin).headers["Retry-After"]) > 0
    with schema_context(schema):
        assert BackupRecord.objects.count() == 2
    # another tenant has its own allowance
    assert vault_for("alfa").create(admin_a).status_code == 201


def test_only_the_newest_manual_backups_are_kept(vault_for, fresh_tenant, make_actor, settings):
    settings.BACKUP_MANUAL_KEEP = 2
    schema = fresh_tenant.schema_name
    vault, admin = vault_for(schema), make_actor(schema, "admin")
    made = [vault.new(admin)["id"] for _ in range(3)]
    history = vault.call("GET", "history/", admin).json()
    assert sorted(h["id"] for h in history) == made[1:]
