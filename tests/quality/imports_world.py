"""What the import tests share: the fixture files, settings with their URNs, running a file."""

from __future__ import annotations

import csv
import datetime
import io
from pathlib import Path
from typing import cast

import openpyxl

from providers.models import Setting
from quality.imports.accepting import inspection_import_accept
from quality.imports.running import inspection_import_run
from quality.models import ImportOrigin, InspectionImport
from tests.providers.factories import SettingFactory

FILES = Path(__file__).parent / "files"
REPORT_CARDS = FILES / "state_funded_report_cards_2026.csv"
EIF = FILES / "state_funded_eif_2025.csv"
INDEPENDENT = FILES / "independent_schools_2025.csv"
OXFORDSHIRE = (
    FILES / "maintained-schools-and-academies-inspections-and-outcomes-as-at-31-december-2017"
    "-oxfordshire.csv"
)

#: The URNs of the hand-built files that are on the FPS (999999 and 999998 are not).
FPS_URNS = ("100001", "100002", "100003", "100004", "100005", "100006", "100011", "100012")


def settings_for(*urns: str) -> dict[str, Setting]:
    return {urn: cast(Setting, SettingFactory(urn=urn)) for urn in urns}


def run_bytes(raw: bytes, name: str) -> InspectionImport:
    job = inspection_import_accept(
        actor=None, raw=raw, name=name, origin=ImportOrigin.COMMAND, queue=False
    )
    return inspection_import_run(import_id=job.pk)


def run_file(path: Path) -> InspectionImport:
    return run_bytes(path.read_bytes(), path.name)


def rows_of(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    text = raw.decode("utf-8-sig") if raw.startswith(b"\xef\xbb\xbf") else raw.decode("cp1252")
    return list(csv.reader(io.StringIO(text, newline="")))


def csv_bytes(rows: list[list[str]], encoding: str = "cp1252") -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def changed(path: Path, row: int, column: str, value: str) -> bytes:
    """The file with one cell changed (`row` as a spreadsheet numbers it, the header is 1)."""
    rows = rows_of(path)
    rows[row - 1][rows[0].index(column)] = value
    return csv_bytes(rows)


def as_xlsx(path: Path, *, title_rows: int = 0) -> bytes:
    """The CSV as Ofsted's XLSX holds it: dates as date cells, whole numbers as numbers, NULL as
    text, on the second sheet after a notes sheet, with optional title rows above the header."""
    book = openpyxl.Workbook()
    notes = book.active
    notes.title = "Notes"
    notes.append(["Management information: state-funded schools. Published by Ofsted, OGL."])
    data = book.create_sheet("Data")
    for n in range(title_rows):
        data.append([f"Title line {n + 1}"])
    for number, cells in enumerate(rows_of(path)):
        data.append([cells[0], *[_typed(c) for c in cells[1:]]] if number else cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _typed(cell: str) -> object:
    if cell.isdigit() and not cell.startswith("0") and len(cell) < 6:
        return int(cell)
    try:
        return datetime.datetime.strptime(cell, "%d/%m/%Y")
    except ValueError:
        return cell
