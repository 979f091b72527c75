"""Running one import: every row read and checked first, then every matched inspection recorded
set-based (`judgements_record_many`, `judgement_record`'s rules and events, in a number of
queries that does not grow with the file) in one transaction, under the import lock.

All or nothing: a row that cannot be read refuses the whole file with its row, column and value,
before anything is written; a refusal by `judgement_record` (a date in the future, say) rolls the
file back. Imports take one lock (on PostgreSQL an advisory lock held to commit; SQLite's writer
lock serialises them anyway), so two at once run one after the other and each sees the other's
judgements: one consistent result. Recording with `judgement_record`'s rules is what makes the same
inspection a no-op the second time (and what tells the alerts, through its hook, of a new or
changed one, never of one that did not change).

Progress is committed on the import's row as the rows are read, before the transaction; then the
phase says how many inspections are being recorded (that transaction is invisible until it
commits, and then the import is done).
"""

from __future__ import annotations

import datetime
import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record
from fps_portal.errors import InvalidInput
from fps_portal.scoping import dangerously_unscoped
from providers.inspections.services import (
    BulkItem,
    BulkRefused,
    Outcome,
    judgements_record_many,
)
from providers.models import Setting
from quality.imports.copy_scan import copy_scan
from quality.imports.formats import URN, detect_format, find_column, header_index
from quality.imports.problems import FileRefused
from quality.imports.readers import read_table
from quality.imports.rows import (
    SKIP_INCOMPLETE,
    SKIP_NO_INSPECTION,
    SKIP_NOT_ON_FPS,
    RowInspection,
    RowReader,
    locate,
)
from quality.models import ImportStatus, InspectionImport

logger = logging.getLogger(__name__)

#: The advisory lock every import takes (an arbitrary constant: "OFST" in ASCII).
IMPORT_LOCK = 0x4F465354
PROGRESS_EVERY = 500


@dataclass
class Report:
    file_format: str = ""
    rows_read: int = 0
    rows_matched: int = 0
    inspections_new: int = 0
    inspections_updated: int = 0
    inspections_unchanged: int = 0
    predecessor_inspections: int = 0
    bands_changed: int = 0
    skipped: Counter[str] = field(default_factory=Counter)


@dataclass(frozen=True)
class _Matched:
    row: int
    setting_id: int
    inspection: RowInspection


def _set_progress(import_id: int, phase: str, done: int, total: int | None) -> None:
    # Outside the import's transaction, so the page sees it at once.
    dangerously_unscoped(InspectionImport).filter(pk=import_id).update(
        progress_phase=phase, progress_done=done, progress_total=total
    )


def _claim(import_id: int) -> InspectionImport | None:
    with transaction.atomic():
        job = dangerously_unscoped(InspectionImport).select_for_update().get(pk=import_id)
        if job.status != ImportStatus.QUEUED:
            return None  # already run, or running in another worker
        job.status, job.started_at = ImportStatus.RUNNING, timezone.now()
        job.save(update_fields=["status", "started_at"])
    return job


def _finish(job: InspectionImport, report: Report | None, refusal: FileRefused | None) -> None:
    with transaction.atomic():
        locked = dangerously_unscoped(InspectionImport).select_for_update().get(pk=job.pk)
        if report is not None:
            locked.file_format = report.file_format
        # A refused file's counts so far are no report of it: nothing of it was written.
        if report is not None and refusal is None:
            locked.rows_read, locked.rows_matched = report.rows_read, report.rows_matched
            locked.inspections_new = report.inspections_new
            locked.inspections_updated = report.inspections_updated
            locked.inspections_unchanged = report.inspections_unchanged
            locked.predecessor_inspections = report.predecessor_inspections
            locked.bands_changed = report.bands_changed
            locked.skipped = dict(report.skipped)
        locked.status = ImportStatus.REFUSED if refusal else ImportStatus.DONE
        locked.refusal = refusal.as_dict() if refusal else {}
        locked.finished_at = timezone.now()
        locked.save()
        audit_record(
            actor=None,
            verb=AuditVerb.STATE_CHANGED,
            obj=locked,
            before={"status": ImportStatus.RUNNING},
            after={"status": locked.status, "refusal": locked.refusal},
            reason=str(refusal) if refusal else "Ofsted file imported.",
        )


def inspection_import_run(*, import_id: int) -> InspectionImport:
    """Runs a queued import to done or refused; an import not queued is left as it is."""
    job = _claim(import_id)
    if job is None:
        return dangerously_unscoped(InspectionImport).get(pk=import_id)
    report = Report()
    try:
        with job.file.open("rb") as handle:
            raw = handle.read()
        _import(job, raw, report)
    except FileRefused as refused:
        _finish(job, report, refused)
    except Exception as exc:
        # Nothing of the file was written (the transaction rolled back); say so, and keep the
        # trace in the log for whoever runs the service.
        logger.exception("Ofsted import %s failed", import_id)
        _finish(job, report, FileRefused(f"The import stopped unexpectedly: {exc}", row=0))
    else:
        _finish(job, report, None)
    return dangerously_unscoped(InspectionImport).get(pk=import_id)


def _import(job: InspectionImport, raw: bytes, report: Report) -> None:
    matched = _read_and_check(job, raw, report)
    _set_progress(job.pk, "recording", 0, len(matched))
    with transaction.atomic():
        _take_import_lock()
        _record(matched, report)


def _read_and_check(job: InspectionImport, raw: bytes, report: Report) -> list[_Matched]:
    table = read_table(raw)
    index = header_index(table.header)
    detected = detect_format(index)
    if detected is None:
        raise FileRefused(
            "The header matches none of Ofsted's files the portal reads (state-funded schools' "
            "report cards, EIF 2019 to 2025 or 2015 to 2019, or non-association independent "
            "schools): no inspection number column was found.",
            row=table.header_row,
        )
    file_format, blocks = detected
    report.file_format = file_format.value
    located = [place for block in blocks if (place := locate(block, index, table.header))]
    urn_at = find_column(index, URN)
    assert urn_at is not None  # the reader found the header by its URN column
    urn_column = table.header[urn_at]
    settings_by_urn: dict[str, int] = {
        str(urn): pk
        for urn, pk in dangerously_unscoped(Setting)
        .exclude(urn=None)
        .exclude(urn="")
        .values_list("urn", "pk")
    }
    reader = RowReader(source_name=job.original_name)
    matched: list[_Matched] = []

    def checked(row: int, cells: Sequence[str]) -> tuple[str, list[RowInspection], int]:
        urn = cells[urn_at].strip() if urn_at < len(cells) else ""
        if not (urn.isascii() and urn.isdigit()):
            raise FileRefused(
                "A URN is a number, and every row must have one.",
                row=row,
                column=urn_column,
                value=urn,
            )
        inspections, incomplete = reader.inspections(located, cells, row=row)
        return urn, inspections, incomplete

    def on_fps(row: int, setting_id: int, found: list[RowInspection], incomplete: int) -> None:
        report.rows_matched += 1
        if incomplete:
            report.skipped[SKIP_INCOMPLETE] += incomplete
        if not found and not incomplete:
            report.skipped[SKIP_NO_INSPECTION] += 1
        matched.extend(_Matched(row, setting_id, inspection) for inspection in found)

    def check_only(row: int, cells: Sequence[str]) -> None:
        checked(row, cells)  # raises FileRefused for a row that cannot be read

    copied = copy_scan(
        raw,
        table,
        located,
        urn_at=urn_at,
        urns=settings_by_urn,
        reader=reader,
        check_row=check_only,
    )
    if copied is not None:
        report.rows_read = copied.rows
        for row, cells in copied.matched:
            urn, found, incomplete = checked(row, cells)
            on_fps(row, settings_by_urn[urn], found, incomplete)
        if copied.rows > report.rows_matched:
            report.skipped[SKIP_NOT_ON_FPS] = copied.rows - report.rows_matched
        return matched
    for row, cells in table.rows:
        if not any(cell.strip() for cell in cells):
            continue  # a blank line (a spreadsheet's trailing rows)
        report.rows_read += 1
        urn, found, incomplete = checked(row, cells)
        if report.rows_read % PROGRESS_EVERY == 0:
            _set_progress(job.pk, "reading", report.rows_read, table.rows_expected)
        setting_id = settings_by_urn.get(urn)
        if setting_id is None:
            report.skipped[SKIP_NOT_ON_FPS] += 1
            continue
        on_fps(row, setting_id, found, incomplete)
    return matched


def _take_import_lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK])


def _record(matched: list[_Matched], report: Report) -> None:
    """Every matched inspection recorded as `judgement_record` would, in order, set-based
    (`judgements_record_many`): the queries do not grow with the file."""
    try:
        recorded = judgements_record_many(
            actor=None,
            items=[BulkItem(setting_id=m.setting_id, data=m.inspection.data) for m in matched],
        )
    except BulkRefused as refused:
        raise _refusal(matched[refused.index], refused.error) from refused
    for outcome, relates in zip(recorded.outcomes, recorded.relates_to_current_urn, strict=True):
        if outcome in (Outcome.KEPT, Outcome.UNCHANGED):
            report.inspections_unchanged += 1
        elif outcome is Outcome.UPDATED:
            report.inspections_updated += 1
        else:
            report.inspections_new += 1
        # A kept one is not looked at again, so not counted again (as before).
        if relates is False:
            report.predecessor_inspections += 1
    report.bands_changed = recorded.bands_changed


def _refusal(item: _Matched, exc: InvalidInput) -> FileRefused:
    field_name, messages = next(iter(exc.fields.items()), ("", [exc.message]))
    column = item.inspection.columns.get(field_name, field_name)
    data = item.inspection.data
    value = {
        "inspection_start_date": data.inspection_start_date,
        "publication_date": data.publication_date,
        "inspection_number": data.inspection_number,
        "category_of_concern": data.category_of_concern,
    }.get(field_name)
    if field_name.startswith("grades."):
        value = data.grades.get(field_name.removeprefix("grades."), "")
    shown = value.strftime("%d/%m/%Y") if isinstance(value, datetime.date) else str(value or "")
    return FileRefused(
        messages[0] if messages else exc.message, row=item.row, column=column, value=shown
    )
