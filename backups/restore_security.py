"""What a restore must not roll back: access taken away after the backup.

Both run inside the restore's transaction, on its raw cursor, with the live schema moved aside
(`old`) and the backup's data replayed under the tenant's name (`new`).
"""

from __future__ import annotations

from psycopg2 import sql

from core.invalidation import ALL, watcher
from core.tenancy.template import table_columns

SECURITY_FIELDS = ("activo", "rol", "password", "sesion_version")


def _has_column(cursor, schema: str, table: str, column: str) -> bool:
    # by name through pg_class's index: information_schema scans every tenant's columns
    return column in table_columns(cursor, schema, [table]).get(table, [])


def keep_current_security(cursor, *, old: str, new: str) -> list[dict]:
    """Users in both keep today's active flag, role, password and session version. The same
    person is the same `uid` (a backup older than it: the same id and email). Returns the users
    whose state differed from the backup's, as {id, email}."""
    same = sql.SQL(
        "n.uid = o.uid"
        if _has_column(cursor, new, "usuarios_usuario", "uid")
        else "n.id = o.id AND n.email = o.email"
    )
    has_version = _has_column(cursor, new, "usuarios_usuario", "sesion_version")
    fields = [sql.Identifier(f) for f in SECURITY_FIELDS if f != "sesion_version" or has_version]
    assign = sql.SQL(", ").join(sql.SQL("{f} = o.{f}").format(f=f) for f in fields)
    differs = sql.SQL(" OR ").join(sql.SQL("n.{f} IS DISTINCT FROM o.{f}").format(f=f) for f in fields)
    cursor.execute(
        sql.SQL(
            "UPDATE {new}.usuarios_usuario n SET {assign} FROM {old}.usuarios_usuario o "
            "WHERE {same} AND ({differs}) RETURNING n.id, n.email"
        ).format(new=sql.Identifier(new), old=sql.Identifier(old), assign=assign, same=same, differs=differs)
    )
    return [{"id": row[0], "email": row[1]} for row in sorted(cursor.fetchall())]


def end_sessions(cursor, *, old: str, new: str) -> int:
    """End every session and token issued before the restore. Tokens carry the tenant's session
    version, which moves here (in this transaction, with the data); the admin panel's sessions
    and the refresh tokens of the restored data are removed or blacklisted as well. Returns how
    many live sessions (unexpired, unrevoked refresh tokens and admin sessions) ended."""
    old_schema, new_schema = sql.Identifier(old), sql.Identifier(new)
    cursor.execute(
        sql.SQL(
            "SELECT (SELECT count(*) FROM {old}.token_blacklist_outstandingtoken t "
            "  WHERE t.expires_at > now() AND NOT EXISTS (SELECT 1 FROM {old}.token_blacklist_blacklistedtoken b "
            "  WHERE b.token_id = t.id)) "
            "+ (SELECT count(*) FROM {old}.django_session WHERE expire_date > now())"
        ).format(old=old_schema)
    )
    ended = int(cursor.fetchone()[0])
    cursor.execute(sql.SQL("DELETE FROM {new}.django_session").format(new=new_schema))
    cursor.execute(
        sql.SQL(
            "INSERT INTO {new}.token_blacklist_blacklistedtoken (token_id, blacklisted_at) "
            "SELECT t.id, now() FROM {new}.token_blacklist_outstandingtoken t "
            "WHERE NOT EXISTS (SELECT 1 FROM {new}.token_blacklist_blacklistedtoken b WHERE b.token_id = t.id)"
        ).format(new=new_schema)
    )
    cursor.execute(
        "UPDATE public.core_tenant SET sesion_version = sesion_version + 1 WHERE schema_name = %s", [new]
    )
    watcher.bump("public", "tenants", cursor=cursor)
    watcher.bump(new, ALL, cursor=cursor)
    return ended
