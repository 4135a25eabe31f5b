from core.management.commands.migrate import Command  # noqa: F401 - same command, both names
