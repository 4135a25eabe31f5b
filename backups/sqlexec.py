"""Replaying a plain pg_dump file through psycopg2 (psql is not on every machine).

Statements end with `;` at the end of a line outside dollar quotes; `COPY ... FROM stdin;` is
followed by data lines up to `\\.`. psql meta-commands (`\\restrict`, `\\unrestrict`) are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

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
