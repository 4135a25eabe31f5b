from django.apps import AppConfig


class RolloutConfig(AppConfig):
    """A tenant app installed only by `core.testing.settings_rollout`: its one migration is "the
    next release's" migration that the rollout tests (and `make bench-tenants`) roll out."""

    name = "core.testing.rollout"
    label = "rollout_prueba"
