"""Reading an Ofsted file, CSV or XLSX, into its header and rows of text.

CSV is Windows-1252 as Ofsted publishes it (UTF-8, with or without a BOM, when saved again from a
spreadsheet). XLSX is read with openpyxl in read-only mode, the first sheet that has a URN
column; its dates become dd/mm/yyyy and whole numbers lose their ".0", so both formats reach the
row mapping as the same text. A title above the header is allowed: the header is the first of the
first rows that names a URN column. Rows are numbered as a spreadsheet shows them.
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from openpyxl import load_workbook

from providers.inspections.frameworks import fold
from providers.services.gias import decode_csv
from quality.imports.problems import FileRefused

HEADER_SEARCH_ROWS = 10
_HEAD_BYTES = 256 * 1024
_ZIP_MAGIC = b"PK\x03\x04"


@dataclass
class Table:
    """A file's header, the row number it is on, and its data rows as (row number, cells)."""

    header: list[str]
    header_row: int
    rows: Iterator[tuple[int, list[str]]]
    rows_expected: int | None = None  # about how many data rows, for progress


def _is_header(cells: Sequence[str]) -> bool:
    return any(fold(cell.lstrip("\ufeff")) == "urn" for cell in cells)


def _table(
    numbered: Iterator[tuple[int, list[str]]], source: str, *, lines: int | None = None
) -> Table:
    for number, cells in numbered:
        if _is_header(cells):
            expected = None if lines is None else max(lines - number, 0)
            return Table(header=cells, header_row=number, rows=numbered, rows_expected=expected)
        if number >= HEADER_SEARCH_ROWS:
            break
    raise FileRefused(
        f"No URN column in the first {HEADER_SEARCH_ROWS} rows of the {source}: this is not an "
        "Ofsted inspections file, or its header is missing.",
        row=1,
        column="URN",
    )


def _numbered(text: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    return ((reader.line_num, cells) for cells in reader)


def _rows_after(raw: bytes, header_row: int) -> Iterator[tuple[int, list[str]]]:
    for number, cells in _numbered(decode_csv(raw)):
        if number > header_row:
            yield number, cells


def read_csv(raw: bytes) -> Table:
    lines = raw.count(b"\n") + (0 if raw.endswith(b"\n") else 1)
    # The header is found in the file's first lines, decoded as the whole file is; the rows are
    # decoded only when read (on PostgreSQL, COPY reads them and most are never needed here).
    head = raw[: raw.rfind(b"\n", 0, _HEAD_BYTES) + 1] if len(raw) > _HEAD_BYTES else raw
    if head is not raw and head.count(b"\n") > HEADER_SEARCH_ROWS:
        try:
            raw.decode("utf-8")
            head_text = head.decode("utf-8-sig")
        except UnicodeDecodeError:
            head_text = head.decode("cp1252", errors="replace")
        found = _table(_numbered(head_text), "file", lines=lines)
        return Table(
            header=found.header,
            header_row=found.header_row,
            rows=_rows_after(raw, found.header_row),
            rows_expected=found.rows_expected,
        )
    return _table(_numbered(decode_csv(raw)), "file", lines=lines)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_xlsx(raw: bytes) -> Table:
    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise FileRefused(
            "The file is not a workbook Excel can open (an ODS file must be saved as XLSX or "
            f"CSV first): {exc}",
            row=1,
        ) from exc
    for sheet in book.worksheets:
        numbered = (
            (number, [_cell_text(v) for v in values])
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
        )
        try:
            return _table(numbered, f"sheet {sheet.title!r}", lines=sheet.max_row)
        except FileRefused:
            continue
    raise FileRefused(
        "No sheet of the workbook has a URN column in its first rows: this is not an Ofsted "
        "inspections file.",
        row=1,
        column="URN",
    )


def read_table(raw: bytes) -> Table:
    """The file's table, XLSX when it is a zip (a workbook), CSV otherwise."""
    if raw.startswith(_ZIP_MAGIC):
        return read_xlsx(raw)
    return read_csv(raw)
