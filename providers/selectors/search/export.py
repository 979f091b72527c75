"""The columns of a search export, the same in CSV and XLSX."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from providers.models import Setting
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
    "Ages",
    "Gender",
    "Areas of need",
    "Vacancies",
    "Capacity",
    "Day",
    "Residential",
]


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


def to_csv(rows: Iterable[list[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([_safe(v) for v in row])
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(rows: Iterable[list[Any]]) -> bytes:
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
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
