"""Settings for the test suite: the normal settings with test-friendly defaults.

Each pytest-xdist worker gets its own database (pytest-django) and its own cache key prefix.
"""

import os

_worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-0123456789abcdef")
os.environ["DEBUG"] = "false"
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SESSION_COOKIE_SECURE", "false")
os.environ.setdefault("CSRF_COOKIE_SECURE", "false")
os.environ["CACHE_KEY_PREFIX"] = f"test_{_worker}"
os.environ.setdefault("DB_CONN_MAX_AGE", "0")
# Each xdist worker has its own event list/channel and Celery queue on the shared Redis.
os.environ["EVENTS_QUEUE_KEY"] = f"test_{_worker}:cola:batch:procesar"
os.environ["EVENTS_CHANNEL"] = f"test_{_worker}:canal:batch:eventos"
os.environ["CELERY_QUEUE"] = f"test_{_worker}"
# Tasks run inline unless a test starts a worker (and says so through this variable).
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

from core.settings import *  # noqa: E402,F403
from core.settings import THROTTLE_RATES  # noqa: E402

# Argon2 still (hashes look as in production), with cheap parameters.
PASSWORD_HASHERS = ["core.testing.hashers.FastArgon2PasswordHasher"]
# Tests log in many times from 127.0.0.1; the throttle tests lower these themselves.
THROTTLE_RATES = {
    **THROTTLE_RATES,
    "login": "10000/min",
    "login_ip": "10000/min",
    "register": "10000/min",
    "backup_manual": "10000/min",
}
ALLOWED_HOSTS = ["*"]
