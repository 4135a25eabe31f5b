#!/usr/bin/env python
"""Django's command line.

From a checkout that `make run` has set up, `python manage.py <command>` finds what `make run`
uses: the project's `.venv` (when started with a Python that lacks Django) and, when neither the
environment nor `.env` sets DATABASE_URL, the development services of `core.local_services` (the
embedded PostgreSQL, the local Redis). Anywhere else (production, CI, tests), the environment
alone decides, as the settings do.
"""

import os
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent


def _development_checkout() -> bool:
    """`make run` wrote a .env with DEBUG on and no DATABASE_URL, and nothing else says where the
    database is."""
    env_file = BASE_DIR / ".env"
    if os.environ.get("DATABASE_URL") or os.environ.get("ENV_FILE") or not env_file.exists():
        return False
    settings = {}
    for line in env_file.read_text().splitlines():
        name, _sep, value = line.partition("=")
        settings[name.strip()] = value.strip()
    return not settings.get("DATABASE_URL") and settings.get("DEBUG", "").lower() in {"1", "true", "yes"}


def _find_development_setup() -> None:
    venv_python = BASE_DIR / ".venv" / "bin" / "python"
    try:
        import django  # noqa: F401
    except ImportError:
        if venv_python.exists() and Path(sys.executable) != venv_python:
            os.execv(venv_python, [str(venv_python), __file__, *sys.argv[1:]])
        raise
    if _development_checkout():
        command = [sys.executable, "-m", "core.local_services", sys.executable, __file__, *sys.argv[1:]]
        os.chdir(BASE_DIR)
        os.execv(sys.executable, command)


def main():
    _find_development_setup()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
