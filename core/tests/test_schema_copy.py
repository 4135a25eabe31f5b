"""The dump replayer's statement splitter, against the real PostgreSQL (in a rolled-back transaction)."""

import uuid

import pytest
from django.db import connection, transaction

from core.schema_copy import execute_dump


class _Rollback(Exception):
    pass


@pytest.fixture
def scratch():
    """A schema of its own inside a transaction that is always rolled back."""
    schema = f"sql_{uuid.uuid4().hex[:10]}"
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f'CREATE SCHEMA "{schema}"')
            cursor.execute(f'SET LOCAL search_path = "{schema}"')
            yield schema, cursor
            raise _Rollback
    except _Rollback:
        pass


def _bytes(text: str, size: int | None = None) -> list[bytes]:
    data = text.encode()
    return [data] if size is None else [data[i : i + size] for i in range(0, len(data), size)]


def test_a_dollar_quoted_body_with_semicolons_is_one_statement(scratch):
    _schema, cursor = scratch
    dump = (
        "CREATE FUNCTION dos() RETURNS int LANGUAGE plpgsql AS $fn$\n"
        "BEGIN\n  PERFORM 1;\n  RETURN 2;\nEND;\n$fn$;\n"
        "CREATE TABLE t (n int);\n"
        "INSERT INTO t SELECT dos();\n"
    )
    for size in (None, 1, 7):  # whole, and cut at every possible place
        cursor.execute("DROP TABLE IF EXISTS t; DROP FUNCTION IF EXISTS dos()")
        assert execute_dump(cursor, _bytes(dump, size)) == 3
        cursor.execute("SELECT n FROM t")
        assert cursor.fetchall() == [(2,)]


def test_a_copy_block_is_streamed_and_the_next_statement_runs(scratch):
    _schema, cursor = scratch
    dump = (
        "-- a comment\n\\restrict abc\n"
        "CREATE TABLE t (n int, s text);\n"
        "COPY t (n, s) FROM stdin;\n"
        "1\tuno; con punto y coma\n"
        "2\t\\N\n"
        "\\.\n"
        "INSERT INTO t VALUES (3, 'tres');\n"
        "\\unrestrict abc\n"
    )
    assert execute_dump(cursor, _bytes(dump, 5)) == 3
    cursor.execute("SELECT n, s FROM t ORDER BY n")
    assert cursor.fetchall() == [(1, "uno; con punto y coma"), (2, None), (3, "tres")]


def test_a_truncated_statement_is_an_error_not_a_silent_end(scratch):
    _schema, cursor = scratch
    with pytest.raises(ValueError, match="incompleta"):
        execute_dump(cursor, _bytes("CREATE TABLE t (n int);\nINSERT INTO t VALUES (1),\n(2"))


def test_an_unterminated_dollar_quote_is_an_error(scratch):
    _schema, cursor = scratch
    with pytest.raises(ValueError, match="incompleta"):
        execute_dump(cursor, _bytes("CREATE FUNCTION f() RETURNS int AS $$\nSELECT 1;\n"))
