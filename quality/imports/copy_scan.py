"""On PostgreSQL, reading a CSV file through `COPY`: the server parses the 22,000 rows into a
temporary table at its own speed, and Python reads back only what it must.

What the file holds is checked as the row-by-row reading checks it (`rows.RowReader`): each
column's distinct values are checked once in Python; the first row (in file order) holding a
value that was refused, or a URN that is not a number, is read back and checked in full (its
`FileRefused`), so the
refusal names the same row, column and value as reading row by row would. Then only the rows of
FPS settings' URNs are read back. Anything `COPY` cannot take (bytes Windows-1252 does not
define, a ragged row, a blank line, a title above the header) returns None, and the caller reads
the file row by row, which explains what is wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import DatabaseError, connection, transaction

from quality.imports.readers import Table
from quality.imports.rows import Located, RowReader

Cells = list[str]
RowCheck = Callable[[int, Sequence[str]], None]


@dataclass(frozen=True)
class CopiedFile:
    rows: int  # rows that are not blank
    matched: list[tuple[int, Cells]]  # (row number, cells) of FPS settings' URNs, in file order


def _col(position: int) -> str:
    return f"c{position}"


def _text(column: str) -> str:
    """The cell as the file wrote it: COPY stores an unquoted NULL (Ofsted's empty cell) as SQL
    NULL, which keeps the table small and its scans fast, and this gives the text back."""
    return f"coalesce({column}, 'NULL')"


def _blank(column: str) -> str:
    return f"lower(btrim({_text(column)})) IN ('', 'null')"


def _checked_columns(place: Located) -> Iterator[tuple[int, str]]:
    for where in (place.start, place.publication, place.relates, place.category, place.opened):
        if where is not None:
            yield where
    yield from place.grades.values()


def _first_scan(
    cursor: Any, located: Sequence[Located], not_blank: str, urn_refused: str
) -> tuple[int, int, dict[int, set[str]]]:
    """(rows, rows whose URN may be refused, {column position: its distinct values}), every
    checked column in one scan of the table (a hashed grouping set per column)."""
    positions = sorted({p for place in located for p, _ in _checked_columns(place)})
    columns = [_col(p) for p in positions]
    sets = ", ".join(["()", *(f"({c})" for c in columns)])
    # Each row's two facts worked out once, below, not once per grouping set.
    cursor.execute(
        f"SELECT {', '.join(['GROUPING(' + c + ')' for c in columns] or ['0'])}, "
        f"{', '.join(columns or ['NULL'])}, sum(counted), sum(counted * suspect) "
        f"FROM (SELECT {''.join(c + ', ' for c in columns)}({not_blank})::int AS counted, "
        f"({urn_refused})::int AS suspect FROM ofsted_import_rows) AS row_facts "
        f"GROUP BY GROUPING SETS ({sets})"
    )
    rows = suspect_urns = 0
    values: dict[int, set[str]] = {p: set() for p in positions}
    width = max(len(columns), 1)
    for found in cursor.fetchall():
        grouped = [n for n in range(len(columns)) if found[n] == 0]
        if len(grouped) != 1:  # the () set: the whole table
            rows, suspect_urns = int(found[-2] or 0), int(found[-1] or 0)
            continue
        n = grouped[0]
        value = found[width + n]
        values[positions[n]].add("NULL" if value is None else value)
    return rows, suspect_urns, values


def copy_scan(
    raw: bytes,
    table: Table,
    located: Sequence[Located],
    *,
    urn_at: int,
    urns: Collection[str],
    reader: RowReader,
    check_row: RowCheck,
) -> CopiedFile | None:
    if connection.vendor != "postgresql" or table.header_row != 1:
        return None
    try:
        raw.decode("utf-8")
        encoding = "UTF8"
    except UnicodeDecodeError:
        encoding = "WIN1252"
    width = len(table.header)
    columns = [_col(n) for n in range(width)]
    urn = _col(urn_at)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            # A caller's own transaction (a test's, the benchmark's) may still hold the last one.
            cursor.execute("DROP TABLE IF EXISTS ofsted_import_rows")
            cursor.execute(
                "CREATE TEMPORARY TABLE ofsted_import_rows (line bigserial, "
                + ", ".join(f"{c} text" for c in columns)
                + ") ON COMMIT DROP"
            )
            cursor.cursor.copy_expert(
                f"COPY ofsted_import_rows ({', '.join(columns)}) FROM STDIN "
                f"WITH (FORMAT csv, HEADER true, ENCODING '{encoding}', NULL 'NULL')",
                _Reader(raw),
            )
            # A blank row (all its cells empty) is no row; only a row without a URN can be one,
            # so the whole row is looked at only then (a NULL is a cell that says NULL).
            not_blank = (
                f"CASE WHEN btrim(coalesce({urn}, 'x')) = '' "
                f"THEN num_nulls({', '.join(columns)}) > 0 "
                f"OR btrim(concat({', '.join(columns)})) <> '' ELSE true END"
            )
            urn_refused = f"NOT (btrim({_text(urn)}) ~ '^[0-9]+$')"
            rows, suspect_urns, distinct = _first_scan(cursor, located, not_blank, urn_refused)
            suspect = [urn_refused] if suspect_urns else []
            params: list[Any] = []
            for place in located:
                bad: list[str] = []
                for position, name in _checked_columns(place):
                    refused = [
                        v
                        for v in sorted(distinct.get(position, ()))
                        if reader.refuses(place, position, name, v)
                    ]
                    if refused:
                        bad.append(f"{_text(_col(position))} = ANY(%s)")
                        params.append(refused)
                if bad:
                    number = _col(place.number[0])
                    suspect.append(f"(NOT {_blank(number)} AND ({' OR '.join(bad)}))")
            selected = ", ".join(_text(c) for c in columns)
            after = 0
            while suspect:
                condition = f"{not_blank} AND ({' OR '.join(suspect)})"
                cursor.execute(
                    f"SELECT line, {selected} FROM ofsted_import_rows "
                    f"WHERE line > %s AND {condition} ORDER BY line LIMIT 1",
                    [after, *params],
                )
                found = cursor.fetchone()
                if found is None:
                    break
                after = found[0]
                check_row(int(found[0]) + 1, list(found[1:]))  # raises FileRefused
            # A hashed semi-join: the URNs on the FPS are a few hundred of the file's thousands.
            cursor.execute(
                f"SELECT line, {selected} FROM ofsted_import_rows "
                f"WHERE btrim({urn}) IN (SELECT unnest(%s::text[])) ORDER BY line",
                [list(urns)],
            )
            matched = [(int(r[0]) + 1, list(r[1:])) for r in cursor.fetchall()]
    except (DatabaseError, _driver_error()):  # copy_expert raises psycopg2's own errors
        return None
    return CopiedFile(rows=rows, matched=matched)


def _driver_error() -> type[Exception]:
    error: type[Exception] = connection.Database.Error  # type: ignore[attr-defined]
    return error


class _Reader:
    """The file's bytes as psycopg2's copy_expert reads them."""

    def __init__(self, raw: bytes) -> None:
        self._raw = memoryview(raw)
        self._at = 0

    def read(self, size: int = -1) -> bytes:
        end = len(self._raw) if size is None or size < 0 else self._at + size
        chunk = bytes(self._raw[self._at : end])
        self._at += len(chunk)
        return chunk

    def readline(self, size: int = -1) -> bytes:
        return self.read(size)
