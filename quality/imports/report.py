"""What an import did, in words: one list for the page, the command and the API alike."""

from __future__ import annotations

from quality.imports.formats import FileFormat
from quality.imports.rows import SKIP_REASONS
from quality.models import ImportStatus, InspectionImport


def format_label(job: InspectionImport) -> str:
    try:
        return str(FileFormat(job.file_format).label)  # type: ignore[attr-defined]
    except ValueError:
        return ""


def skipped_rows(job: InspectionImport) -> list[tuple[str, int]]:
    """(reason in words, how many), every reason with a count, in a fixed order."""
    counts = {str(k): int(v) for k, v in (job.skipped or {}).items() if v}
    return [(label, counts[key]) for key, label in SKIP_REASONS.items() if key in counts]


def report_rows(job: InspectionImport) -> list[tuple[str, str]]:
    """(what, how many) for a finished import; the refusal for a refused one."""
    if job.status == ImportStatus.REFUSED:
        refusal = job.refusal or {}
        rows = [("Refused at row", str(refusal.get("row", "")))]
        if refusal.get("column"):
            rows.append(("Column", str(refusal["column"])))
        if refusal.get("value"):
            rows.append(("Value", str(refusal["value"])))
        rows.append(("Why", str(refusal.get("message", ""))))
        rows.append(("Written", "Nothing: the file was not imported."))
        return rows
    rows = [
        ("Format", format_label(job)),
        ("Rows read", str(job.rows_read)),
        ("Rows matched to FPS settings", str(job.rows_matched)),
        ("New inspections", str(job.inspections_new)),
        ("Inspections corrected or confirmed", str(job.inspections_updated)),
        ("Inspections already on file", str(job.inspections_unchanged)),
        (
            "Inspections of a predecessor school (kept, never the setting's own)",
            str(job.predecessor_inspections),
        ),
        ("Settings whose band changed", str(job.bands_changed)),
    ]
    rows += [(f"Skipped: {reason}", str(count)) for reason, count in skipped_rows(job)]
    return rows


def report_text(job: InspectionImport) -> str:
    return "; ".join(f"{what}: {value}" for what, value in report_rows(job) if value)
