"""`entregar_eventos --loop`: timestamped lines, and Ctrl-C stops it cleanly."""

import os
import re
import signal
import subprocess
import sys

from core.local_services import BASE_DIR
from core.testing.processes import server_env


def test_the_loop_timestamps_its_passes_and_stops_on_ctrl_c():
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "entregar_eventos", "--loop", "--interval", "0.2"],
        cwd=BASE_DIR,
        env=server_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        first = proc.stdout.readline()  # the handlers are in place before the first pass
        assert re.match(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \d+ eventos entregados\.$", first.strip()), first
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
    assert proc.returncode == 0, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert out.strip().endswith("Detenido.")
