"""Citus schema-based sharding, detected at run time: the same code runs on plain PostgreSQL and
on a Citus coordinator (`citus` installed and `citus.enable_schema_based_sharding` on).

On Citus each tenant schema is a distributed schema living whole on one worker node; the public
schema and the template stay on the coordinator. Citus refuses some DDL on distributed tables
(identity columns added or changed, constraints renamed), so a schema is always built locally,
with sharding off for its transaction, and distributed once complete.
"""

from __future__ import annotations

import weakref

_ACTIVE = """
    SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus')
       AND coalesce(current_setting('citus.enable_schema_based_sharding', true), 'off') = 'on'
"""


# per database connection (psycopg2's, under Django's cursor too): a new connection asks again
_active_on: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def citus_active(cursor) -> bool:
    """Asked once per database connection: the tenants API and every backup ask it."""
    conn = cursor.connection
    if conn not in _active_on:
        cursor.execute(_ACTIVE)
        _active_on[conn] = bool(cursor.fetchone()[0])
    return _active_on[conn]


def sharding_off(cursor) -> bool:
    """Schemas made from here to the end of the transaction stay local; True on Citus."""
    if not citus_active(cursor):
        return False
    cursor.execute("SET LOCAL citus.enable_schema_based_sharding TO off")
    return True


def schema_distribute(cursor, schema: str) -> None:
    """Make a complete local schema a distributed schema (Citus places it on a worker)."""
    # deferred foreign-key checks still pending would make Citus refuse to move the tables
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute("SELECT citus_schema_distribute(%s)", [schema])


_PLACEMENTS = """
    SELECT DISTINCT s.schema_name::text, n.nodename || ':' || n.nodeport
    FROM citus_schemas s
    JOIN pg_dist_partition p ON p.colocationid = s.colocation_id
    JOIN pg_dist_shard sh ON sh.logicalrelid = p.logicalrelid
    JOIN pg_dist_placement pl ON pl.shardid = sh.shardid
    JOIN pg_dist_node n ON n.groupid = pl.groupid
    WHERE s.schema_name::text = ANY(%s)
"""


def schema_placements(cursor, schemas: list[str]) -> dict[str, str]:
    """The worker ("host:port") holding each distributed schema; empty off Citus."""
    if not schemas or not citus_active(cursor):
        return {}
    cursor.execute(_PLACEMENTS, [schemas])
    return dict(cursor.fetchall())


def worker_nodes(cursor) -> list[str]:
    cursor.execute(
        "SELECT nodename || ':' || nodeport FROM pg_dist_node "
        "WHERE noderole = 'primary' AND isactive AND shouldhaveshards ORDER BY nodename, nodeport"
    )
    return [node for (node,) in cursor.fetchall()]


def schema_move(cursor, schema: str, host: str, port: int) -> None:
    """Move a distributed schema to another worker while it is served: logical replication
    copies it, writes stop only for the final switch."""
    cursor.execute("SELECT citus_schema_move(%s, %s, %s, 'force_logical')", [schema, host, port])


# Citus' catch-up before the switch waits for the source's pg_current_wal_lsn(), the WAL *written*
# so far. A transaction committed with synchronous_commit = off is acknowledged before its commit
# record is written, so it can fall after that point, miss the new node, and stay behind in the
# old shard: measured on Citus 13.2, 2 of 24 moves under load lost 1 to 3 acknowledged writes with
# it off, 0 of 45 with it on.
_COMMIT_SETTING = """
    SELECT result FROM run_command_on_workers('SHOW synchronous_commit')
    WHERE nodename = %s AND nodeport = %s AND success
"""


def commits_asynchronously(cursor, node: str) -> bool:
    """Whether a worker ("host:port") acknowledges commits before writing them to its WAL, as new
    sessions on it (those the coordinator opens for writes) do: `synchronous_commit = off` there,
    or on the coordinator (whose sessions may pass it on). Unknown counts as asynchronous."""
    host, _sep, port = node.rpartition(":")
    cursor.execute("SHOW synchronous_commit")
    if cursor.fetchone()[0] == "off":
        return True
    cursor.execute(_COMMIT_SETTING, [host, int(port)])
    row = cursor.fetchone()
    return row is None or row[0] == "off"
