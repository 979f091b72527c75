"""PostgreSQL reads a CSV through COPY; what it stores, counts and refuses is exactly what reading
row by row does (the suite runs both: SQLite always reads row by row). Bytes COPY cannot take
fall back to reading row by row."""

from __future__ import annotations

import pytest
from django.db import connection

from providers.inspections.models import InspectionJudgement
from providers.models import Setting
from quality.imports import copy_scan as copy_module
from quality.imports import running
from quality.models import ImportStatus, InspectionImport, RatingAlert
from tests.quality.imports_world import (
    EIF,
    FPS_URNS,
    OXFORDSHIRE,
    REPORT_CARDS,
    changed,
    rows_of,
    run_bytes,
    settings_for,
)

pytestmark = pytest.mark.django_db

REPORT_FIELDS = (
    "status", "file_format", "rows_read", "rows_matched", "inspections_new",
    "inspections_updated", "inspections_unchanged", "predecessor_inspections", "bands_changed",
    "skipped", "refusal",
)  # fmt: skip
CASES = {
    "report cards": lambda: REPORT_CARDS.read_bytes(),
    "eif": lambda: EIF.read_bytes(),
    "oxfordshire": lambda: OXFORDSHIRE.read_bytes(),
    "bad date": lambda: changed(
        REPORT_CARDS, 5, "Inspection start date of latest OEIF graded inspection", "31/02/2023"
    ),
    "bad grade off the FPS": lambda: changed(
        REPORT_CARDS, 6, "Latest OEIF overall effectiveness", "5"
    ),
    "no URN": lambda: changed(EIF, 3, "URN", ""),
    "bad category": lambda: changed(EIF, 4, "Category of concern", "XYZ"),
}


def _report(job: InspectionImport) -> dict[str, object]:
    return {name: getattr(job, name) for name in REPORT_FIELDS}


def _stored() -> list[tuple[object, ...]]:
    return sorted(
        InspectionJudgement.objects.values_list(
            "setting__urn", "framework", "inspection_number", "grades", "relates_to_current_urn",
            "source_reference", "band",
        )
    )  # fmt: skip


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
@pytest.mark.parametrize("case", sorted(CASES))
def test_copy_and_row_by_row_agree(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    oxfordshire = [r[rows_of(OXFORDSHIRE)[0].index("URN")] for r in rows_of(OXFORDSHIRE)[1:41]]
    settings_for(*FPS_URNS, *oxfordshire)
    raw = CASES[case]()
    used: list[bool] = []
    real = copy_module.copy_scan

    def spy(*args: object, **kwargs: object) -> object:
        used.append(True)
        result = real(*args, **kwargs)  # type: ignore[arg-type]
        assert result is not None, "COPY could not take the file"
        return result

    monkeypatch.setattr(running, "copy_scan", spy)
    by_copy = _report(run_bytes(raw, "same-name.csv"))
    stored_by_copy = _stored()
    assert used == [True], "the COPY path was not taken"
    InspectionImport.objects.all().delete()
    RatingAlert.objects.all().delete()  # they protect the judgements the first run alerted on
    InspectionJudgement.objects.all().delete()
    Setting.objects.update(current_band="unknown", current_band_summary="", current_band_as_at=None)
    monkeypatch.setattr(running, "copy_scan", lambda *a, **k: None)
    by_rows = _report(run_bytes(raw, "same-name.csv"))
    assert by_copy == by_rows
    assert stored_by_copy == _stored()


def test_bytes_windows_1252_does_not_define_are_read_row_by_row() -> None:
    settings_for(*FPS_URNS)
    # 0x81 is undefined in Windows-1252: PostgreSQL's COPY refuses it; Python reads it as U+FFFD.
    raw = REPORT_CARDS.read_bytes().replace(b"Bootle Park School", b"Bootle Park \x81School")
    job = run_bytes(raw, "damaged.csv")
    assert job.status == ImportStatus.DONE, job.refusal
    assert job.inspections_new == 6
