"""Writers running through the whole restore of a tenant with 100,000 rows: every write is either
refused (503 `tenant_maintenance` with Retry-After) or kept, in the safety backup or in the data
after the restore. No acknowledged write is ever lost."""

import gzip
import itertools
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
from django.db import connection
from django_tenants.utils import schema_context

from core.testing.factories import access_for
from core.testing.processes import gunicorn, server_env

TICKETS = "/api/tickets/tickets/"


def _hundred_thousand_tickets(schema: str, owner_id: int) -> None:
    with schema_context(schema), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO tickets_ticket (id, usuario_id, titulo, descripcion, estado, prioridad, "
            "fecha_creacion, fecha_actualizacion) "
            "SELECT gen_random_uuid(), %s, 'Histórico ' || n, repeat('x', 40), 'abierto', 'media', now(), now() "
            "FROM generate_series(1, 100000) AS n",
            [owner_id],
        )


def _titles_in(schema: str) -> set[str]:
    with schema_context(schema), connection.cursor() as cursor:
        cursor.execute("SELECT titulo FROM tickets_ticket WHERE titulo LIKE 'Escritura %%'")
        return {r[0] for r in cursor.fetchall()}


def test_no_write_acknowledged_during_a_restore_is_lost(fresh_tenant, make_actor, backup_settings):
    schema = fresh_tenant.schema_name
    boss, writer = make_actor(schema, "admin"), make_actor(schema, "usuario")
    _hundred_thousand_tickets(schema, writer.user.pk)
    env = server_env(
        BACKUP_STORAGE="filesystem",
        BACKUP_ROOT=backup_settings.BACKUP_ROOT,
        BACKUP_TMP_DIR=backup_settings.BACKUP_TMP_DIR,
    )
    acknowledged: list[str] = []
    statuses: Counter = Counter()
    refusals: list[httpx.Response] = []
    stop = threading.Event()
    numbers = itertools.count()
    lock = threading.Lock()

    with gunicorn(env, workers=2, threads=4) as url:
        base = {"X-Tenant-ID": schema}
        backup = httpx.post(
            f"{url}/api/backups/create/",
            headers={**base, "Authorization": f"Bearer {boss.token}"},
            json={"backup_type": "manual"},
            timeout=120,
        )
        assert backup.status_code == 201, backup.text

        def write() -> None:
            token = writer.token
            with httpx.Client(base_url=url, timeout=60) as client:
                while not stop.is_set():
                    title = f"Escritura {next(numbers)}"
                    response = client.post(
                        TICKETS, headers={**base, "Authorization": f"Bearer {token}"}, json={"titulo": title}
                    )
                    with lock:
                        statuses[response.status_code] += 1
                        if response.status_code == 201:
                            acknowledged.append(title)
                        elif response.status_code == 503:
                            refusals.append(response)
                    if response.status_code == 401:  # the restore ended the session: log in again
                        token = access_for(schema, writer.user)
                    elif response.status_code == 503:
                        time.sleep(0.05)

        threads = [threading.Thread(target=write) for _ in range(4)]
        for t in threads:
            t.start()
        time.sleep(1.0)
        restore = httpx.post(
            f"{url}/api/backups/history/{backup.json()['backup']['id']}/restore/",
            headers={**base, "Authorization": f"Bearer {boss.token}"},
            json={"confirm": schema},
            timeout=300,
        )
        time.sleep(1.0)
        stop.set()
        for t in threads:
            t.join(timeout=60)

    assert restore.status_code == 200, restore.text
    assert set(statuses) <= {201, 401, 503}, statuses
    assert statuses[503] > 0 and statuses[201] > 0, statuses
    for refused in refusals:
        assert refused.json()["code"] == "tenant_maintenance" and int(refused.headers["Retry-After"]) > 0
    safety_id = restore.json()["safety_backup_id"]
    with schema_context(schema):
        from backups.models import BackupRecord

        safety = BackupRecord.objects.get(pk=safety_id)
    dump = gzip.decompress((Path(backup_settings.BACKUP_ROOT) / safety.file_path).read_bytes()).decode()
    kept = _titles_in(schema)
    lost = [t for t in acknowledged if t not in kept and f"\t{t}\t" not in dump]
    assert lost == [], f"{len(lost)} of {len(acknowledged)} acknowledged writes lost: {lost[:5]}"
    assert kept, "writes after the restore landed in the restored data"
