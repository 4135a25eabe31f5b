"""Copying a schema: a plain pg_dump of it, and replaying such a dump through psycopg2.

Both tenancy (a new tenant is the template's dump replayed under its name) and backups (a backup is
a dump; a restore replays it) use this one module.

Replaying: statements end with `;` at the end of a line outside dollar quotes; `COPY ... FROM
stdin;` is followed by data lines up to `\\.`; psql meta-commands (`\\restrict`...) are skipped, so
psql is not needed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.backends.postgresql.client import DatabaseClient

from core.local_services import embedded_postgres_bin_dir

CHUNK = 1024 * 1024
_VERSION = re.compile(r"(\d+)(?:\.(\d+))?")


class DumpError(Exception):
    pass


def _version(binary: str) -> tuple[int, int] | None:
    try:
        out = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=10).stdout
    except OSError:
        return None
    match = _VERSION.search(out.rsplit(")", 1)[-1]) or _VERSION.search(out)
    return (int(match.group(1)), int(match.group(2) or 0)) if match else None


def server_version() -> tuple[int, int]:
    number = connection.cursor().connection.server_version  # e.g. 150020 or 160002
    return number // 10000, number % 100


def find_pg_dump() -> str:
    """The first pg_dump at least as new as the server: BACKUP_PG_DUMP, else PATH, else the
    embedded PostgreSQL's. A missing or too-old one is a clear error naming both versions."""
    server = server_version()
    embedded = embedded_postgres_bin_dir()
    candidates = (
        [settings.BACKUP_PG_DUMP]
        if settings.BACKUP_PG_DUMP
        else [
            shutil.which("pg_dump"),
            str(embedded / "pg_dump") if embedded else None,
        ]
    )
    seen = []
    for candidate in filter(None, candidates):
        version = _version(candidate)
        if version is None:
            continue
        if version[0] >= server[0]:
            return candidate
        seen.append(f"{candidate} ({version[0]}.{version[1]})")
    if not seen:
        raise DumpError(
            f"No se encontró pg_dump (el servidor es PostgreSQL {server[0]}.{server[1]}); defina BACKUP_PG_DUMP."
        )
    raise DumpError(
        f"pg_dump es demasiado antiguo: {', '.join(seen)}; el servidor es PostgreSQL {server[0]}.{server[1]}. "
        "Instale un pg_dump de esa versión o posterior y defina BACKUP_PG_DUMP."
    )


def _connection_env() -> tuple[list[str], dict[str, str]]:
    """pg_dump's connection, from the same settings as Django's own client (`dbshell`): host, port,
    user, password and the libpq OPTIONS (sslmode, certificates, service...) as PG* variables."""
    db = settings.DATABASES["default"]
    args, env = DatabaseClient.settings_to_cmd_args_env(db, [])
    # ['psql', flags..., dbname]: keep the flags, name the database explicitly
    flags = args[1:-1] if db.get("NAME") and args[-1] == db["NAME"] else args[1:]
    return [*flags, "--dbname", db["NAME"]], {**os.environ, "PGCONNECT_TIMEOUT": "10", **(env or {})}


def dump_schema(schema: str, write, *, section: str | None = None) -> None:
    """Stream a plain-SQL dump of `schema` into `write(bytes)`: one consistent snapshot, only that
    schema, no owners or privileges (only one of pg_dump's sections, if given)."""
    binary = find_pg_dump()
    conn_args, env = _connection_env()
    command = [
        binary,
        "--schema",
        schema,
        "--no-owner",
        "--no-privileges",
        "--format",
        "plain",
        "--no-password",
        *([f"--section={section}"] if section else []),
        *conn_args,
    ]
    with (
        Path(os.devnull).open("rb") as stdin,
        subprocess.Popen(
            command, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
        ) as proc,
    ):
        out, err = proc.stdout, proc.stderr
        assert out is not None and err is not None  # both are pipes
        for chunk in iter(lambda: out.read(CHUNK), b""):
            write(chunk)
        stderr = err.read().decode(errors="replace")
        if proc.wait() != 0:
            raise DumpError(f"pg_dump terminó con código {proc.returncode}: {stderr.strip()[-1000:]}")


# --- replaying -------------------------------------------------------------------------------
_DOLLAR = re.compile(r"\$[A-Za-z_]*\$")


def _lines(chunks: Iterable[bytes]) -> Iterator[str]:
    pending = b""
    for chunk in chunks:
        pending += chunk
        *complete, pending = pending.split(b"\n")
        for line in complete:
            yield line.decode("utf-8") + "\n"
    if pending:
        yield pending.decode("utf-8")


class _CopyData:
    """File-like object psycopg2's copy_expert reads the COPY data from."""

    def __init__(self, lines: Iterator[str]) -> None:
        self.lines = lines
        self.done = False

    def readline(self, size: int = -1) -> str:
        if self.done:
            return ""
        line = next(self.lines, "\\.\n")
        if line.rstrip("\n") == "\\.":
            self.done = True
            return ""
        return line

    def read(self, size: int = -1) -> str:
        out = []
        total = 0
        while size < 0 or total < size:
            line = self.readline()
            if not line:
                break
            out.append(line)
            total += len(line)
        return "".join(out)


def execute_dump(cursor, chunks: Iterable[bytes]) -> int:
    """Run every statement of the dump on `cursor` (inside the caller's transaction)."""
    lines = _lines(chunks)
    buffer: list[str] = []
    quote: str | None = None
    statements = 0
    for line in lines:
        if not buffer and quote is None:
            stripped = line.strip()
            if not stripped or stripped.startswith("--") or stripped.startswith("\\"):
                continue
        buffer.append(line)
        for token in _DOLLAR.findall(line):
            if quote is None:
                quote = token
            elif token == quote:
                quote = None
        if quote is None and line.rstrip().endswith(";"):
            statement = "".join(buffer)
            buffer = []
            statements += 1
            if re.match(r"\s*COPY\s.+\sFROM\s+stdin;\s*$", statement, re.S | re.I):
                data = _CopyData(lines)
                cursor.copy_expert(statement, data)
                while not data.done:  # a COPY that psycopg2 did not read to the end
                    data.readline()
            else:
                cursor.execute(statement)
    if "".join(buffer).strip():
        raise ValueError("el volcado termina con una sentencia incompleta")
    return statements
