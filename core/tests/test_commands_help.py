"""Every option of the project's own commands says what it does (`manage.py <command> --help`)."""

from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import load_command_class

from core.local_services import BASE_DIR


def _project_commands():
    for config in apps.get_app_configs():
        path = Path(config.path)
        if BASE_DIR not in path.parents or "site-packages" in path.parts:
            continue
        folder = path / "management" / "commands"
        for module in sorted(folder.glob("*.py")) if folder.is_dir() else []:
            if not module.name.startswith("_"):
                yield config.name, module.stem


@pytest.mark.parametrize(("app", "name"), list(_project_commands()))
def test_every_option_has_help(app, name):
    command = load_command_class(app, name)
    assert command.help, f"{name} has no description"
    parser = command.create_parser("manage.py", name)
    silent = [
        action.option_strings[0] if action.option_strings else action.dest
        for action in parser._actions
        if not action.help and action.dest != "help"
    ]
    assert silent == [], f"{name}: {silent}"
