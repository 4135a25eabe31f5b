"""Every in-process cache is a named object that one call clears."""

from django_tenants.utils import schema_context

from core import process_caches
from core.tenancy import resolver
from core.tenancy.template import definitions


def test_every_process_cache_is_registered_by_name():
    assert set(process_caches.registered()) >= {
        "invalidation.versions",
        "tenancy.lookups",
        "tenancy.template_definitions",
        "backups.storages",
    }


def test_clear_all_forgets_every_process_cache(fresh_tenant, backup_settings):
    from backups.storage import get_storage, storages
    from core.invalidation import watcher

    resolver.tenant_for_identifier(fresh_tenant.schema_name)
    get_storage()
    with schema_context(fresh_tenant.schema_name):
        assert watcher.version(fresh_tenant.schema_name, "x") is not None
    assert resolver.lookups.entries and storages.clients and definitions.by_level
    process_caches.clear_all()
    assert not resolver.lookups.entries and not storages.clients and not definitions.by_level
    assert watcher.epoch is None
    # and everything still works after
    assert resolver.tenant_for_identifier(fresh_tenant.schema_name).pk == fresh_tenant.pk
