"""Settings for the test suite: the normal settings, then what tests need instead.

The environment is read by the base settings only; this module changes names after importing
them. Each pytest-xdist worker gets its own database (pytest-django), cache key prefix, event
list and channel, and Celery queue. pytest.ini gives the environment a test SECRET_KEY and no .env
file (pytest-env), and server processes that tests start get the same environment.
"""

import os

from core.settings import *  # noqa: F403
from core.settings import CACHES, DATABASES, THROTTLE_RATES, env

_worker = os.environ.get("PYTEST_XDIST_WORKER", "main")

DEBUG = False
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
ALLOWED_HOSTS = ["*"]

CACHE_KEY_PREFIX = f"test_{_worker}"
CACHES["default"]["KEY_PREFIX"] = CACHE_KEY_PREFIX
CACHES["global"]["KEY_PREFIX"] = f"{CACHE_KEY_PREFIX}:global"
# CITUS_DATABASE_URL: the whole suite on a Citus cluster's coordinator (its test database is made
# on every node by conftest). Servers a test starts get the test database as DATABASE_URL.
_citus = env.str("CITUS_DATABASE_URL", default="")
if _citus:
    import environ

    DATABASES["default"].update(
        {
            k: v
            for k, v in environ.Env.db_url_config(_citus).items()
            if k in ("NAME", "USER", "PASSWORD", "HOST", "PORT")
        }
    )
# A server process of a test may ask for persistent connections (the fault tests do).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=0)

EVENTS_QUEUE_KEY = f"test_{_worker}:cola:batch:procesar"
EVENTS_CHANNEL = f"test_{_worker}:canal:batch:eventos"
CELERY_TASK_DEFAULT_QUEUE = f"test_{_worker}"
# Tasks run inline unless a test starts a worker (and says so through this variable).
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.locmem.EmailBackend")

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
