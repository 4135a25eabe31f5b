# The admin of tenancy lives with tenancy; importing it registers it (Django looks here).
from core.tenancy import admin  # noqa: F401
