"""A file that cannot be read is refused with the row, column and value at fault, and nothing of
it is written: no judgement, no band, no audit of a judgement."""

from __future__ import annotations

import pytest

from fps_portal.audit.models import AuditEvent
from providers.inspections.models import InspectionJudgement
from providers.models import Setting
from quality.models import ImportStatus, InspectionImport
from tests.quality.imports_world import (
    EIF,
    FPS_URNS,
    REPORT_CARDS,
    changed,
    csv_bytes,
    rows_of,
    run_bytes,
    settings_for,
)

pytestmark = pytest.mark.django_db


def _nothing_written() -> None:
    assert not InspectionJudgement.objects.exists()
    assert not AuditEvent.objects.filter(object_type="providers.inspectionjudgement").exists()
    assert set(Setting.objects.values_list("current_band", flat=True)) == {"unknown"}


def _refused(raw: bytes, name: str = "broken.csv") -> dict[str, object]:
    job = run_bytes(raw, name)
    assert job.status == ImportStatus.REFUSED
    assert job.inspections_new == 0
    _nothing_written()
    return dict(job.refusal)


@pytest.fixture(autouse=True)
def _settings() -> None:
    settings_for(*FPS_URNS)


def test_a_bad_date_names_its_row_column_and_value() -> None:
    column = "Inspection start date of latest OEIF graded inspection"
    refusal = _refused(changed(REPORT_CARDS, 5, column, "31/02/2023"))
    assert refusal["row"] == 5
    assert refusal["column"] == column
    assert refusal["value"] == "31/02/2023"
    assert "dd/mm/yyyy" in str(refusal["message"])


def test_a_grade_ofsted_does_not_publish() -> None:
    refusal = _refused(changed(REPORT_CARDS, 2, "Inclusion", "Quite good"))
    assert (refusal["row"], refusal["column"], refusal["value"]) == (2, "Inclusion", "Quite good")
    assert "Expected standard" in str(refusal["message"])


def test_a_bad_grade_in_a_row_not_on_the_fps_still_refuses_the_file() -> None:
    # Row 6 is URN 999999, not on the FPS: a file with a broken row is not what it claims to be.
    refusal = _refused(changed(REPORT_CARDS, 6, "Latest OEIF overall effectiveness", "5"))
    assert (refusal["row"], refusal["value"]) == (6, "5")


def test_a_category_of_concern_that_is_not_one() -> None:
    refusal = _refused(changed(EIF, 4, "Category of concern", "XYZ"))
    assert (refusal["row"], refusal["column"], refusal["value"]) == (
        4,
        "Category of concern",
        "XYZ",
    )


def test_relates_to_the_current_urn_must_be_yes_or_no() -> None:
    column = "Does the latest graded inspection relate to the URN of the current school?"
    refusal = _refused(changed(EIF, 3, column, "Maybe"))
    assert (refusal["row"], refusal["column"], refusal["value"]) == (3, column, "Maybe")


def test_a_row_without_a_urn() -> None:
    refusal = _refused(changed(EIF, 3, "URN", ""))
    assert (refusal["row"], refusal["column"]) == (3, "URN")


def test_a_file_without_a_urn_column() -> None:
    rows = rows_of(EIF)
    rows[0][0] = "Unique reference"
    refusal = _refused(csv_bytes(rows))
    assert refusal["row"] == 1 and refusal["column"] == "URN"


def test_an_unknown_format() -> None:
    refusal = _refused(csv_bytes([["URN", "School name"], ["100001", "Bootle Park School"]]))
    assert refusal["row"] == 1
    assert "none of Ofsted's files" in str(refusal["message"])


def test_a_future_date_refused_by_the_recording_rules_names_its_row() -> None:
    # Dates after today are typing slips; judgement_record refuses them, and the import rolls the
    # whole file back, naming the row and column the date came from.
    column = "Inspection start date of latest OEIF graded inspection"
    publication = "Publication date of latest OEIF graded inspection"
    raw = changed(REPORT_CARDS, 2, column, "01/01/2099")
    rows = rows_of(REPORT_CARDS)
    assert rows  # the source file is intact
    job = run_bytes(raw.replace(b"20/04/2022", b"20/04/2099"), "future.csv")
    assert job.status == ImportStatus.REFUSED
    assert job.refusal["row"] == 2
    assert job.refusal["column"] in (column, publication)
    assert job.refusal["value"] in ("01/01/2099", "20/04/2099")
    _nothing_written()


def test_an_xlsx_that_is_not_a_workbook() -> None:
    refusal = _refused(b"PK\x03\x04 not really a zip", "broken.xlsx")
    assert refusal["row"] == 1
    assert "workbook" in str(refusal["message"])


def test_a_refused_file_is_kept_with_its_refusal_and_not_imported_again() -> None:
    raw = changed(REPORT_CARDS, 2, "Inclusion", "Quite good")
    run_bytes(raw, "broken.csv")
    job = InspectionImport.objects.get()
    assert job.file.read() == raw
    assert job.finished_at is not None
