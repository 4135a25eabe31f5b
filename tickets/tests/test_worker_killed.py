"""A worker killed in the middle of a task: the task runs again and its effect happens once."""

import socket
import threading
import time

import pytest

from core.celery import app as celery_app
from core.testing.processes import celery_worker, free_port, server_env

pytestmark = pytest.mark.redis


class StallingSmtp:
    """Accepts connections and never answers: a mail server hanging mid-task."""

    def __init__(self) -> None:
        self.port = free_port()
        self.connected = threading.Event()
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", self.port))
        self.listener.listen(8)
        self.held: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            self.held.append(conn)
            self.connected.set()

    def close(self):
        self.listener.close()
        for conn in self.held:
            conn.close()


def test_a_worker_killed_mid_task_is_replaced_and_the_email_goes_out_once(
    desk, usuario_a, tmp_path, monkeypatch
):
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    smtp = StallingSmtp()
    common = {
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CELERY_VISIBILITY_TIMEOUT": "2",
        "CELERY_RESTORE_INTERVAL": "1",
        "CELERY_RESTORE_THROTTLE": "1",
    }
    hanging = celery_worker(
        server_env(
            **common,
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(smtp.port),
            EMAIL_TIMEOUT="120",
        )
    )
    replacement = None
    try:
        desk.new(usuario_a, titulo="Sobrevive al kill")
        assert smtp.connected.wait(40), "the first worker never reached the mail server"
        hanging.kill()  # SIGKILL in the middle of sending
        hanging.wait(10)
        replacement = celery_worker(
            server_env(
                **common,
                EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
                EMAIL_FILE_PATH=str(tmp_path),
            )
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not any(
            "Sobrevive al kill" in p.read_text() for p in tmp_path.glob("*.log")
        ):
            time.sleep(0.3)
        time.sleep(4)  # past another visibility timeout: no second delivery sends it again
        emails = [p for p in tmp_path.glob("*.log") if "Sobrevive al kill" in p.read_text()]
        assert len(emails) == 1, f"{len(emails)} emails"
    finally:
        smtp.close()
        for proc in (hanging, replacement):
            if proc and proc.poll() is None:
                proc.terminate()
                proc.wait(20)
