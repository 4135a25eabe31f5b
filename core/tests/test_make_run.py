"""`make run` as a newcomer uses it: from a fresh copy of the checkout, the README's first call and a
`manage.py` command exactly as the README writes them, then one Ctrl-C (SIGINT to the whole
process group, as a terminal sends it) stops the server, the Celery worker and the embedded
PostgreSQL within seconds."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import pytest

from core.local_services import BASE_DIR, redis_answers
from core.testing.processes import free_port

STOPPED_WITHIN = 10.0
# what the test session's own environment says, which a newcomer's shell does not
_NOT_A_NEWCOMERS = ("DATABASE_URL", "CITUS_DATABASE_URL", "REDIS_URL", "ENV_FILE", "DJANGO_SETTINGS_MODULE")
_NOT_A_NEWCOMERS += ("SECRET_KEY", "DEBUG", "DATA_DIR", "REQUIRE_REDIS")


def _readme_first_call() -> str:
    """The README's first `curl`, with its continuation lines."""
    text = (BASE_DIR / "README.md").read_text()
    match = re.search(r"^ {4,}(curl .*?)(?:\n\s*\n)", text, flags=re.M | re.S)
    assert match, "the README shows no curl call"
    return match.group(1)


def _checkout_copy(target: Path) -> None:
    """The files of the checkout as they are (tracked, and new ones not ignored), with the test
    session's .venv: installing the same pinned requirements again is not what is tested."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "-co", "--exclude-standard"], cwd=BASE_DIR, capture_output=True, check=True
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = BASE_DIR / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    (target / ".venv").symlink_to(Path(sys.prefix))


def _processes_in(folder: Path) -> list[tuple[int, str]]:
    """Processes working in the copy, or started from it (the server, the worker, PostgreSQL)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cwd = os.readlink(entry / "cwd")
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if cwd.startswith(str(folder)) or str(folder) in cmdline:
            found.append((int(entry.name), cmdline[:120]))
    return found


@pytest.fixture
def newcomer_checkout():
    folder = Path(tempfile.mkdtemp(prefix="make-run-"))
    os.chmod(folder, 0o755)  # the embedded PostgreSQL runs as a user of its own, which must reach it
    _checkout_copy(folder)
    yield folder
    for pid, _cmd in _processes_in(folder):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_serves_the_readme_calls_and_one_ctrl_c_stops_everything(newcomer_checkout):
    folder = newcomer_checkout
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in _NOT_A_NEWCOMERS}
    env["PORT"] = str(port)
    log = (folder / "make-run.log").open("w+")
    run = subprocess.Popen(
        ["make", "run"], cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 900  # a cold start: the database made and migrated, the demo seeded
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            log.seek(0)
            assert run.poll() is None and time.monotonic() < deadline, log.read()[-3000:]
            time.sleep(1)

        first = subprocess.run(
            ["bash", "-c", _readme_first_call()],
            cwd=folder,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert '"access"' in first.stdout, (first.stdout, first.stderr)
        status = subprocess.run(
            ["bash", "-c", "python manage.py migrate_tenants --status"],
            cwd=folder,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert status.returncode == 0 and "al día" in status.stdout, (status.stdout, status.stderr)
        if redis_answers("127.0.0.1", 6379):
            assert any("celery" in cmd for _pid, cmd in _processes_in(folder)), (
                "no Celery worker beside the server"
            )

        os.killpg(run.pid, signal.SIGINT)  # one Ctrl-C at the terminal
        stopped = time.monotonic() + STOPPED_WITHIN
        while (run.poll() is None or _processes_in(folder)) and time.monotonic() < stopped:
            time.sleep(0.1)
        log.seek(0)
        output = log.read()
        assert run.poll() is not None, output[-3000:]
        assert _processes_in(folder) == [], output[-3000:]
        # everything under make ended cleanly; make itself re-raises the SIGINT it got, as it always does
        assert run.returncode in (0, -signal.SIGINT), run.returncode
        assert "Servidor y worker detenidos." in output and "Traceback" not in output, output[-3000:]
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
        log.close()
