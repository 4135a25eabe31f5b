"""The test database on a Citus cluster: Citus does not propagate CREATE DATABASE, so the
per-worker test database is made on the coordinator and on every worker, with the extension, and
the workers are registered in it, before Django migrates it (`CITUS_DATABASE_URL`)."""

from __future__ import annotations

from contextlib import closing

import psycopg2

_REGISTRATION_LOCK = 7_465_617_401


def _admin(host: str, port: int, user: str, password: str, dbname: str):
    conn = psycopg2.connect(host=host, port=port, user=user, password=password or None, dbname=dbname)
    conn.autocommit = True
    return conn


def _workers(cfg: dict) -> list[tuple[str, int]]:
    with closing(_admin(cfg["HOST"], cfg["PORT"], cfg["USER"], cfg["PASSWORD"], cfg["NAME"])) as conn:
        with conn.cursor() as cursor:
            cursor.execute(
                "SELECT nodename, nodeport FROM pg_dist_node WHERE groupid <> 0 AND noderole = 'primary'"
            )
            return [(host, int(port)) for host, port in cursor.fetchall()]


def citus_test_database_create(cfg: dict, test_name: str) -> list[tuple[str, int]]:
    """Make `test_name` on every node of the cluster `cfg` points at; returns the workers."""
    coordinator = (cfg["HOST"] or "127.0.0.1", int(cfg["PORT"] or 5432))
    workers = _workers({**cfg, "HOST": coordinator[0], "PORT": coordinator[1]})
    for host, port in [coordinator, *workers]:
        with (
            closing(_admin(host, port, cfg["USER"], cfg["PASSWORD"], "postgres")) as conn,
            conn.cursor() as cursor,
        ):
            cursor.execute(f'DROP DATABASE IF EXISTS "{test_name}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{test_name}"')
        with (
            closing(_admin(host, port, cfg["USER"], cfg["PASSWORD"], test_name)) as conn,
            conn.cursor() as cursor,
        ):
            cursor.execute("CREATE EXTENSION IF NOT EXISTS citus")
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    # One xdist worker at a time: citus_add_node propagates roles to the worker nodes, and two at
    # once collide there ("tuple concurrently updated"). The lock is taken in the coordinator's
    # `postgres` database, which every test session shares, and goes with its connection.
    with (
        closing(_admin(*coordinator, cfg["USER"], cfg["PASSWORD"], "postgres")) as lock,
        lock.cursor() as locking,
        closing(_admin(*coordinator, cfg["USER"], cfg["PASSWORD"], test_name)) as conn,
        conn.cursor() as cursor,
    ):
        locking.execute("SELECT pg_advisory_lock(%s)", [_REGISTRATION_LOCK])
        cursor.execute("SELECT citus_set_coordinator_host(%s, %s)", list(coordinator))
        for host, port in workers:
            cursor.execute("SELECT citus_add_node(%s, %s)", [host, port])
    return workers


def citus_test_database_drop(cfg: dict, test_name: str, workers: list[tuple[str, int]]) -> None:
    for host, port in workers:
        with (
            closing(_admin(host, port, cfg["USER"], cfg["PASSWORD"], "postgres")) as conn,
            conn.cursor() as cursor,
        ):
            cursor.execute(f'DROP DATABASE IF EXISTS "{test_name}" WITH (FORCE)')
