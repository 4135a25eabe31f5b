"""`migrate`: the public schema, then the tenant template, then only the tenants that are behind.

django-tenants' own migrate_schemas visits every schema even with nothing to apply (about 580 s
at 1,000 tenants). Here each tenant's migration level is recorded in the public schema, so the
tenants behind the template are found with one query and migrated by a bounded pool of
processes (`core.tenancy.rollout`). With one schema (`--schema`), an app label, or a flag that
only django-tenants understands (--fake, --plan, --check...), it is django-tenants' command.
"""

from django.conf import settings
from django.core.management.base import CommandError
from django_tenants.management.commands.migrate_schemas import MigrateSchemasCommand

from core.tenancy import rollout
from core.tenancy.services import tenant_template_sync

_DJANGO_TENANTS_ONLY = ("fake", "fake_initial", "plan", "prune", "check_unapplied", "run_syncdb")


class Command(MigrateSchemasCommand):
    def add_arguments(self, parser):
        super().add_arguments(parser)
        for action in parser._actions:  # django-tenants' own option says nothing
            if action.dest == "schema_name" and not action.help:
                action.help = "migra solo este schema (sin la plantilla ni el resto de tenants)"
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="procesos que migran tenants a la vez (por defecto MIGRATE_WORKERS)",
        )

    def handle(self, *args, **options):
        whole_run = not (options.get("app_label") or options.get("schema_name"))
        if not whole_run or any(options.get(flag) for flag in _DJANGO_TENANTS_ONLY):
            super().handle(*args, **options)
            every_tenant = not options.get("schema_name") and self.sync_tenant
            plain_run = not any(options.get(flag) for flag in _DJANGO_TENANTS_ONLY)
            if every_tenant and (whole_run or plain_run):
                # one app, forwards or backwards: the template goes with the tenants
                tenant_template_sync(
                    verbosity=options.get("verbosity", 1),
                    app_label=options.get("app_label"),
                    migration_name=options.get("migration_name"),
                )
            if every_tenant and options.get("app_label") and plain_run:
                # the tenants moved outside the rollout: record where they stand now (a --plan or
                # --check moved nothing, and would pay a query per tenant for it)
                rollout.tenants_record_levels()
            return
        only_tenants = options.get("tenant") and not options.get("shared")
        only_public = options.get("shared") and not options.get("tenant")
        if not only_tenants:
            super().handle(*args, **{**options, "shared": True, "tenant": False})
        if not only_public:
            tenant_template_sync(verbosity=options.get("verbosity", 1))
            failed = tenants_rollout(
                self, workers=options.get("workers"), verbosity=options.get("verbosity", 1)
            )
            if failed:
                raise CommandError(
                    f"{len(failed)} tenant(s) no se migraron (se reintentan en la próxima ejecución): "
                    + ", ".join(failed[:20])
                )


def tenants_rollout(command, *, workers: int | None, verbosity: int) -> list[str]:
    """Migrate the tenants behind the template; the schemas that failed."""
    target = rollout.target_level()
    behind = rollout.tenants_behind(target=target)
    if verbosity >= 1:
        command.stdout.write(f"Tenants por migrar: {len(behind)}")
    done = 0

    def progress(outcome: rollout.Outcome) -> None:
        nonlocal done
        done += 1
        if outcome.result == rollout.FALLIDA:
            command.stderr.write(f"[{done}/{len(behind)}] {outcome.schema}: {outcome.error}")
        elif verbosity >= 2 or (verbosity >= 1 and (done % 100 == 0 or done == len(behind))):
            command.stdout.write(f"[{done}/{len(behind)}] {outcome.schema}: {outcome.result}")

    outcomes = rollout.tenants_migrate(
        schemas=behind, target=target, workers=workers or settings.MIGRATE_WORKERS, progress=progress
    )
    return sorted(o.schema for o in outcomes if o.result == rollout.FALLIDA)
