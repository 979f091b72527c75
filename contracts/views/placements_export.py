"""The placements list as CSV or XLSX (`?format=csv|xlsx`, CSV when not given): the same
filters and scoping as the page, every row the filters select (up to EXPORT_LIMIT), each export
audited.

The columns are the same in both formats; the file says what it is (when, by whom, which
filters, how many rows, the rules of the figures) on a second sheet in XLSX and as leading "#"
lines in CSV (the search export's convention, `providers/selectors/search/export.py`, whose CSV
writer and formula guard this reuses: a cell that starts = + - @ is prefixed with an apostrophe,
so a spreadsheet never runs a name or a note as a formula)."""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from contracts.models import Agreement
from contracts.permissions import AGREEMENT_PARTIES
from contracts.selectors.placements import children_shown, placements_for
from contracts.services.placement_reads import placements_exported
from contracts.views.placements import filter_form, list_page
from contracts.views.placements_forms import FORMAT_INVALID, PlacementFilterForm
from fps_portal.access import page_access
from fps_portal.actors import Actor
from fps_portal.dates import govuk_datetime
from providers.selectors.search.export import to_csv
from referrals.models import Child

EXPORT_LIMIT = 10_000
PENCE = Decimal("0.01")
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
COLUMNS = [
    "Agreement",
    "Order",
    "Status",
    "Child or young person",
    "Places",
    "Setting",
    "Provider",
    "Placing authority",
    "Weekly cost today (£)",
    "Weekly cost a place today (£)",
    "Weeks a year",
    "Annual cost (£)",
    "Start date",
    "End date",
    "Ends on",
    "How it ends",
    "Next annual review",
    "Uplift proposed: weekly fee a place (£)",
    "Uplift proposed: from",
    "Uplift agreed: weekly fee a place (£)",
    "Uplift agreed: from",
    "Variation proposed",
]
RULES = (
    "Weekly cost today: the fee and additional services in force today, for every place. "
    "Annual cost: the weekly cost today times the weeks a year of the terms in force. "
    "Ends on: the recorded end's last day, else the end date of the terms."
)
#: What a spreadsheet may read as the start of a formula (as the search export guards).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _child(agreement: Agreement, children: dict[int, Child]) -> str:
    if agreement.child_id is None:
        return "Block purchase"
    child = children.get(agreement.child_id)
    return f"{child.given_name} {child.family_name}" if child is not None else ""


def _pounds(value: Decimal | None) -> Decimal | str:
    return "" if value is None else Decimal(value).quantize(PENCE)


def _row(agreement: Any, children: dict[int, Child]) -> list[Any]:
    child = children.get(agreement.child_id) if agreement.child_id else None
    end = getattr(agreement, "placement_end", None)
    return [
        agreement.reference,
        agreement.order.number,
        agreement.get_state_display(),
        _child(agreement, children),
        agreement.order.places,
        agreement.setting.name if agreement.setting else agreement.order.setting_name,
        agreement.provider.name if agreement.provider else agreement.order.provider_name,
        agreement.authority.name,
        _pounds(agreement.cost_today),
        _pounds(agreement.cost_per_place_today),
        agreement.weeks_per_year,
        _pounds(agreement.cost_today * agreement.weeks_per_year),
        agreement.start_date,
        agreement.end_date or "",
        agreement.ends_on or "",
        end.get_kind_display() if end is not None else "",
        (child.ehcp_next_review_on if child is not None else None) or "",
        _pounds(agreement.uplift_proposed_fee),
        agreement.uplift_proposed_from or "",
        _pounds(agreement.uplift_agreed_fee),
        agreement.uplift_agreed_from or "",
        "Yes" if agreement.variation_pending else "No",
    ]


def _safe(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in _FORMULA_STARTS:
        return "'" + value
    return value


def to_xlsx(rows: Iterable[list[Any]], about: Sequence[tuple[str, str]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Placements"
    widths: dict[int, int] = {}
    for row in rows:
        sheet.append([_safe(v) for v in row])
        for cell, value in zip(sheet[sheet.max_row], row, strict=False):
            # Money and dates as such, so the sheet sorts, sums and filters them.
            if isinstance(value, Decimal):
                cell.number_format = "#,##0.00"
            elif isinstance(value, datetime.date):
                cell.number_format = "d mmm yyyy"
        for i, value in enumerate(row, start=1):
            widths[i] = max(widths.get(i, 0), min(len(str(value)), 40))
    for i, width in widths.items():
        sheet.column_dimensions[get_column_letter(i)].width = width + 2
    sheet.freeze_panes = "A2"
    notes = book.create_sheet("About this export")
    for label, value in about:
        notes.append([_safe(label), _safe(value)])
    notes.column_dimensions["A"].width = 28
    notes.column_dimensions["B"].width = 100
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _shown(field: forms.Field, value: Any) -> str:
    choices = getattr(field, "choices", None)
    if choices is not None:
        return str(dict((str(k), v) for k, v in choices).get(str(value), value))
    return str(value)


def _list_address(form: PlacementFilterForm) -> str:
    query = form.query_without_page()
    return f"{reverse('contracts:placements')}{'?' + query if query else ''}"


def _about(
    request: HttpRequest,
    actor: Actor,
    form: PlacementFilterForm,
    rows: int,
    made_at: datetime.datetime,
) -> list[tuple[str, str]]:
    chosen = [
        (f"Filter: {form.fields[name].label}", _shown(form.fields[name], value))
        for name, value in form.cleaned_data.items()
        if value not in (None, "")
    ]
    limited = f" (the first {EXPORT_LIMIT:,}; narrow the filters for the rest)"
    return [
        ("Export", f"Placements of {actor.organisation}"),
        ("Made", f"{govuk_datetime(made_at)} (UK time; {made_at.isoformat()})"),
        ("Made by", f"{actor.user.email}, {actor.organisation}"),
        *(chosen or [("Filters", "None")]),
        ("Sorted by", "Start date, latest first"),
        ("Rows", f"{rows:,}{limited if rows >= EXPORT_LIMIT else ''}"),
        ("Figures", RULES),
        ("List", request.build_absolute_uri(_list_address(form))),
    ]


@page_access(AGREEMENT_PARTIES)
@require_http_methods(["GET"])
def placement_export(request: HttpRequest, actor: Actor) -> HttpResponse:
    form = filter_form(request, actor)
    file_format = request.GET.get("format") or "csv"
    if not form.is_valid() or file_format not in FORMATS:
        if form.is_valid():
            form.add_error(None, FORMAT_INVALID)
        return list_page(request, actor, form, status=400)
    selected = placements_for(actor, form.filters())
    agreements = list(selected[:EXPORT_LIMIT])
    # The children read through the selection as a subquery, not thousands of ids as parameters;
    # only those of the exported rows are kept (and recorded as shown).
    exported = {a.child_id for a in agreements}
    children = {pk: c for pk, c in children_shown(actor, selected).items() if pk in exported}
    made_at = timezone.localtime()
    placements_exported(
        actor=actor,
        child_ids=list(children),
        file_format=file_format,
        rows=len(agreements),
        filters=form.filters().as_audit(),
    )
    table = [COLUMNS, *(_row(a, children) for a in agreements)]
    about = _about(request, actor, form, len(agreements), made_at)
    content = to_csv(table, about) if file_format == "csv" else to_xlsx(table, about)
    response = HttpResponse(content, content_type=FORMATS[file_format])
    stamp = made_at.strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="placements-{stamp}.{file_format}"'
    response["Cache-Control"] = "private, no-store"
    return response
