"""The columns of a search export, the same in CSV and XLSX, and what explains the file later.

Each file says what it is (`export_about`): when it was made and by whom, every filter and its
value, the order, how many rows (and whether the export limit cut them), that distances are
approximate, and the search's address to run it again. XLSX keeps that on a second sheet,
"About this export", so the first sheet stays a plain table; CSV has no second sheet, so the same
lines lead the file as comment rows, each starting with "#", then the column headings (read it
with `pandas.read_csv(path, comment="#")`, or skip the rows that start with "#").
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from fps_portal.dates import govuk_datetime
from providers.models import Setting
from providers.postcodes import DISTANCE_NOTE
from providers.selectors.search.criteria import SearchCriteria

EXPORT_LIMIT = 5000
COLUMNS = [
    "Setting",
    "Provider",
    "URN",
    "Town",
    "Postcode",
    "Host authority",
    "Distance (miles)",
    "Lot",
    "Weekly price (£)",
    "Price change pending",
    "Band",
    "Inspection grade",
    "Grade as at",
    "Under review since",
    "Ages",
    "Gender",
    "Areas of need",
    "Vacancies",
    "Capacity",
    "Day",
    "Residential",
]


def _shown(field: forms.Field, value: Any) -> str:
    choices = getattr(field, "choices", None)
    if choices is not None:
        return str(dict((str(k), v) for k, v in choices).get(str(value), value))
    return str(value)


def export_about(
    *,
    form: forms.Form,
    criteria: SearchCriteria,
    made_at: datetime.datetime,
    made_by: str,
    rows: int,
    search_url: str,
) -> list[tuple[str, str]]:
    """What the export is, as (label, value) pairs: the file's own explanation."""
    about = [
        ("Export", "Settings on the North West SEND FPS"),
        ("Made", f"{govuk_datetime(made_at)} (UK time; {made_at.isoformat()})"),
        ("Made by", made_by),
    ]
    chosen = [
        (str(field.label), _shown(field, form.cleaned_data[name]))
        for name, field in form.fields.items()
        if name != "ordering" and form.cleaned_data.get(name) not in (None, "")
    ]
    about += [(f"Filter: {label}", value) for label, value in chosen] or [("Filters", "None")]
    if criteria.location_label:
        about.append(("Distances measured from", criteria.location_label))
        about.append(("Distances", DISTANCE_NOTE))
    about.append(("Sorted by", criteria.ordering_label))
    limited = f" (the first {EXPORT_LIMIT:,}; narrow the search for the rest)"
    about.append(("Rows", f"{rows:,}{limited if rows >= EXPORT_LIMIT else ''}"))
    about.append(("Search", search_url))
    return about


def _distance(setting: Setting) -> Decimal | str:
    value = getattr(setting, "distance", None)
    # A number, so a spreadsheet can sort and filter on it; one decimal place, as the page shows.
    return Decimal(str(value)).quantize(Decimal("0.1")) if value is not None else ""


def export_row(setting: Setting, criteria: SearchCriteria) -> list[Any]:
    price = getattr(setting, "lot_price", None)
    return [
        setting.name,
        setting.provider.name,
        setting.urn or "",
        setting.town,
        setting.postcode,
        setting.host_authority.name if setting.host_authority else "",
        _distance(setting) if criteria.has_location else "",
        getattr(setting, "lot_code", "") or "",
        Decimal(price).quantize(Decimal("0.01")) if price is not None else "",
        # The price above is the approved one; a proposed change is only flagged.
        "Yes" if price is not None and setting.price_change_pending else "",
        setting.get_current_band_display(),
        setting.current_band_summary,
        setting.current_band_as_at or "",
        timezone.localdate(setting.under_review_since) if setting.under_review_since else "",
        setting.age_range.replace("–", "-"),
        setting.get_gender_display(),
        "; ".join(s.name for s in setting.specialisms.all()),
        setting.vacancies,
        setting.capacity,
        "Yes" if setting.offers_day else "No",
        "Yes" if setting.offers_residential else "No",
    ]


def export_rows(settings: Iterable[Setting], criteria: SearchCriteria) -> Iterator[list[Any]]:
    yield COLUMNS
    for setting in settings:
        yield export_row(setting, criteria)


#: What a spreadsheet may read as the start of a formula (OWASP's CSV-injection list): = + - @,
#: and a tab or carriage return, which some spreadsheets strip before reading the formula behind.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _safe(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in _FORMULA_STARTS:
        return "'" + value
    return value


def to_csv(rows: Iterable[list[Any]], about: Sequence[tuple[str, str]] = ()) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for label, value in about:
        # Written as raw lines, not CSV cells: a quoted cell would no longer start with "#".
        line = " ".join(f"# {label}: {value}".split())
        buffer.write(f"{line}\r\n")
    for row in rows:
        cells = [_safe(v) for v in row]
        if cells and isinstance(cells[0], str) and cells[0].startswith("#"):
            # Only the explanation's rows start with "#": a name that does is marked as the
            # formula rule marks its values, so a reader skipping comments keeps the row.
            cells[0] = "'" + cells[0]
        writer.writerow(cells)
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(rows: Iterable[list[Any]], about: Sequence[tuple[str, str]] = ()) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Settings"
    widths: dict[int, int] = {}
    for row in rows:
        sheet.append([_safe(v) for v in row])
        for cell, value in zip(sheet[sheet.max_row], row, strict=False):
            # Numbers and dates as such, so the sheet sorts and filters them properly.
            if isinstance(value, Decimal):
                cell.number_format = "0.00" if value.as_tuple().exponent == -2 else "0.0"
            elif isinstance(value, datetime.date):
                cell.number_format = "d mmm yyyy"
        for i, value in enumerate(row, start=1):
            widths[i] = max(widths.get(i, 0), min(len(str(value)), 50))
    for i, width in widths.items():
        sheet.column_dimensions[get_column_letter(i)].width = width + 2
    sheet.freeze_panes = "A2"
    if about:
        notes = book.create_sheet("About this export")
        for label, value in about:
            notes.append([_safe(label), _safe(value)])
        notes.column_dimensions["A"].width = 32
        notes.column_dimensions["B"].width = 90
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
