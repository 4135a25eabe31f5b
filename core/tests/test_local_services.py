"""The development entry point stops the embedded PostgreSQL it started, and only that one."""

import os
import shutil
import subprocess
import sys
import tempfile

import pytest

from core.local_services import BASE_DIR


@pytest.fixture
def data_dir():
    path = tempfile.mkdtemp(prefix="emb-")
    os.chmod(path, 0o755)  # the embedded server runs as its own user, which must reach it
    yield path
    subprocess.run([sys.executable, "-m", "core.local_services", "--stop"], env=_env(path), cwd=BASE_DIR)
    shutil.rmtree(path, ignore_errors=True)


def _env(data_dir: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CITUS_DATABASE_URL")}
    return {**env, "DATA_DIR": data_dir, "REDIS_URL": "off"}


def _running(data_dir: str) -> bool:
    code = "from core.local_services import embedded_postgres_pid as p; raise SystemExit(0 if p() else 1)"
    return subprocess.run([sys.executable, "-c", code], env=_env(data_dir), cwd=BASE_DIR).returncode == 0


def _local(data_dir: str, *command: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "core.local_services", *command],
        env=_env(data_dir),
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_run_that_started_the_embedded_postgres_stops_it_at_the_end(data_dir):
    ask = "import os, psycopg2; c = psycopg2.connect(os.environ['DATABASE_URL']); print(c.server_version)"
    done = _local(data_dir, sys.executable, "-c", ask)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.strip()) > 150000  # it answered while the command ran
    assert not _running(data_dir)
    failed = _local(data_dir, sys.executable, "-c", "raise SystemExit(3)")
    assert failed.returncode == 3 and not _running(data_dir)  # the command's exit code, and stopped


def test_one_already_running_is_left_running_until_make_stop(data_dir):
    start = "from core.local_services import embedded_postgres_url as u; u()"
    assert subprocess.run([sys.executable, "-c", start], env=_env(data_dir), cwd=BASE_DIR).returncode == 0
    assert _running(data_dir)
    assert _local(data_dir, sys.executable, "-c", "pass").returncode == 0
    assert _running(data_dir)
    stopped = _local(data_dir, "--stop")
    assert "detenido" in stopped.stdout and not _running(data_dir)
