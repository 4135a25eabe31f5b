"""Start-up refuses unsafe configurations; production settings pass Django's deploy checks."""

import os
import secrets
import subprocess
import sys

from core.local_services import BASE_DIR
from core.testing.processes import session_database_url


def _django(*args, **env):
    # a clean environment: the test process's own settings variables must not leak in
    full_env = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    full_env.update(
        {"ENV_FILE": os.devnull, "DATABASE_URL": session_database_url(), "REDIS_URL": "off", **env}
    )
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_missing_secret_key_with_debug_off_stops_start_up():
    result = _django("check", DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY no está definido" in result.stderr


def test_cors_allow_all_is_refused_with_debug_off():
    result = _django("check", DEBUG="false", SECRET_KEY=secrets.token_urlsafe(50), CORS_ALLOW_ALL="true")
    assert result.returncode != 0
    assert "CORS_ALLOW_ALL" in result.stderr


def test_production_settings_pass_check_deploy():
    result = _django(
        "check", "--deploy", "--fail-level", "WARNING", DEBUG="false", SECRET_KEY=secrets.token_urlsafe(50)
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_cors_origins_accept_json_or_comma_list():
    code = "from django.conf import settings; print(settings.CORS_ALLOWED_ORIGINS)"
    for raw in ('["https://a.example", "https://b.example"]', "https://a.example, https://b.example"):
        result = _django("shell", "-c", code, DEBUG="true", CORS_ORIGINS=raw, CORS_DEV_ORIGINS="false")
        assert result.returncode == 0, result.stderr
        assert "['https://a.example', 'https://b.example']" in result.stdout


def test_missing_database_url_stops_start_up_with_a_message_that_names_it():
    result = _django("check", DEBUG="false", SECRET_KEY=secrets.token_urlsafe(50), DATABASE_URL="")
    assert result.returncode != 0
    assert "DATABASE_URL no está definido" in result.stderr


def test_importing_the_settings_reads_the_environment_and_nothing_else():
    # a Redis answers on 127.0.0.1:6379 in CI, and no REDIS_URL is given: the settings do not probe
    # it, and no embedded PostgreSQL is started either (DATABASE_URL is given)
    code = (
        "from django.conf import settings; print(repr(settings.REDIS_URL), settings.CELERY_TASK_ALWAYS_EAGER)"
    )
    env = {"DEBUG": "true"}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=BASE_DIR,
        env={
            **{k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ},
            "ENV_FILE": os.devnull,
            "DATABASE_URL": session_database_url(),
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "None True"


def test_the_development_entry_point_fills_in_what_is_missing():
    from core.local_services import development_environment, redis_answers

    given = {"DATABASE_URL": "postgresql://somewhere/db", "OTHER": "x"}
    filled = development_environment(given)
    assert filled["DATABASE_URL"] == "postgresql://somewhere/db" and filled["OTHER"] == "x"
    # development's own Redis database (1); the tests' (`make test`: DEV_REDIS_DB=0) is another
    local = redis_answers("127.0.0.1", 6379)
    assert filled["REDIS_URL"] == ("redis://127.0.0.1:6379/1" if local else "off")
    tests = development_environment({**given, "DEV_REDIS_DB": "0"})
    assert tests["REDIS_URL"] == ("redis://127.0.0.1:6379/0" if local else "off")
    assert development_environment({**given, "REDIS_URL": "off"})["REDIS_URL"] == "off"


def test_local_spa_origins_are_allowed_in_development_only():
    code = "from django.conf import settings; print(settings.CORS_ALLOWED_ORIGINS)"
    development = _django("shell", "-c", code, DEBUG="true", CORS_ORIGINS="https://app.example")
    assert development.returncode == 0, development.stderr
    for origin in (
        "https://app.example",
        "http://localhost:5173",
        "http://127.0.0.1:3000",
        "http://localhost:4200",
    ):
        assert f"'{origin}'" in development.stdout
    production = _django(
        "shell",
        "-c",
        code,
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        CORS_ORIGINS="https://app.example",
    )
    assert production.returncode == 0, production.stderr
    assert "localhost" not in production.stdout and "'https://app.example'" in production.stdout
    switched_off = _django("shell", "-c", code, DEBUG="true", CORS_DEV_ORIGINS="false")
    assert "localhost" not in switched_off.stdout


def _closes_caches_per_request() -> bool:
    from django.core.cache import close_caches
    from django.core.signals import request_finished

    sync_receivers, _async = request_finished._live_receivers(None)
    return close_caches in sync_receivers


def test_caches_whose_close_does_nothing_are_not_closed_after_every_request():
    assert not _closes_caches_per_request()


def test_a_cache_that_closes_its_connections_is_still_closed_after_every_request(settings):
    from django.core.cache import close_caches
    from django.core.signals import request_finished

    from core.apps import _skip_closing_caches_per_request

    request_finished.connect(close_caches)
    try:
        settings.CACHES = {
            **settings.CACHES,
            "global": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://x"},
        }
        _skip_closing_caches_per_request()
        assert _closes_caches_per_request()
        settings.CACHES = {
            name: {**config, "OPTIONS": {**config.get("OPTIONS", {}), "CLOSE_CONNECTION": True}}
            for name, config in settings.CACHES.items()
            if name == "default"
        }
        _skip_closing_caches_per_request()
        assert _closes_caches_per_request() == (
            settings.CACHES["default"]["BACKEND"].startswith("django_redis")
        )
    finally:
        request_finished.disconnect(close_caches)
