"""Each supported file, hand-built from the headers in RATINGS.md, and the real 2015-2019 file:
what is stored, in which framework, with which grades as published."""

from __future__ import annotations

import datetime

import pytest

from providers.inspections.bands import Band
from providers.inspections.models import CheckStatus, InspectionJudgement, JudgementSource
from quality.models import ImportStatus
from tests.quality.imports_world import (
    EIF,
    FPS_URNS,
    INDEPENDENT,
    OXFORDSHIRE,
    REPORT_CARDS,
    as_xlsx,
    rows_of,
    run_bytes,
    run_file,
    settings_for,
)

pytestmark = pytest.mark.django_db


def _judgement(urn: str, framework: str) -> InspectionJudgement:
    return InspectionJudgement.objects.get(setting__urn=urn, framework=framework)


def test_the_current_report_card_file_stores_each_inspection_in_its_own_framework() -> None:
    settings = settings_for(*FPS_URNS)
    job = run_file(REPORT_CARDS)
    assert job.status == ImportStatus.DONE, job.refusal
    assert job.file_format == "report_card"
    assert (job.rows_read, job.rows_matched) == (6, 5)
    assert job.skipped == {"urn_not_on_fps": 1, "no_inspection": 1}
    # 100001: a report card and its older graded inspection; 100002: a report card and an EIF
    # inspection without headline grade; 100003: a predecessor's report card; 100004: graded
    # (six in all).
    assert job.inspections_new == 6
    card = _judgement("100001", "ofsted_report_card")
    assert card.inspection_number == "10300001"
    assert card.grades == {
        "safeguarding": "Met",
        "inclusion": "Expected standard",
        "curriculum_and_teaching": "Expected standard",
        "achievement": "Expected standard",
        "attendance_and_behaviour": "Expected standard",
        "personal_development_and_wellbeing": "Expected standard",
        "early_years": "Strong standard",
        "leadership_and_governance": "Expected standard",
    }
    assert card.inspection_start_date == datetime.date(2025, 12, 2)
    assert card.publication_date == datetime.date(2026, 1, 9)
    assert card.source == JudgementSource.OFSTED_FILE
    assert card.source_reference == "state_funded_report_cards_2026.csv, row 2"
    assert card.check_status == CheckStatus.CONFIRMED
    assert card.band == Band.PASS and card.rule_version
    older = _judgement("100001", "ofsted_4point")
    # The two-space "Latest OEIF  safeguarding is effective?" column is read; 9 is kept as
    # published (not applicable), NULL is left out.
    assert older.grades["safeguarding_is_effective"] == "Yes"
    assert older.grades["early_years_provision"] == "9"
    assert "sixth_form_provision" not in older.grades
    no_headline = _judgement("100002", "ofsted_eif_no_headline")
    assert no_headline.grades["overall_effectiveness"] == "Not judged"
    assert _judgement("100002", "ofsted_report_card").band == Band.CONCERN
    inadequate = _judgement("100004", "ofsted_4point")
    assert inadequate.category_of_concern == "SM" and inadequate.band == Band.FAIL
    settings["100004"].refresh_from_db()
    assert settings["100004"].current_band == Band.FAIL
    settings["100001"].refresh_from_db()
    assert settings["100001"].current_band == Band.PASS
    # 100001, 100002 and 100004; 100003 stays unknown (see the predecessor test).
    assert job.bands_changed == 3


def test_a_predecessor_schools_inspection_is_kept_but_never_the_settings_own() -> None:
    settings = settings_for(*FPS_URNS)
    job = run_file(REPORT_CARDS)
    predecessor = _judgement("100003", "ofsted_report_card")
    assert predecessor.relates_to_current_urn is False
    assert predecessor.band == Band.FAIL  # Urgent improvement: the predecessor school's band
    assert job.predecessor_inspections == 1
    settings["100003"].refresh_from_db()
    # Its only inspection is its predecessor's: unknown, for a person to review, never fail.
    assert settings["100003"].current_band == Band.UNKNOWN


def test_the_eif_file_of_2019_to_2025_with_drifted_headers_and_a_bom() -> None:
    settings_for(*FPS_URNS)
    job = run_file(EIF)
    assert job.status == ImportStatus.DONE, job.refusal
    assert job.file_format == "eif"
    assert job.inspections_new == 4
    graded = _judgement("100001", "ofsted_4point")
    assert graded.grades["behaviour_and_attitudes"] == "2"  # "Behaviour and  attitudes"
    assert graded.grades["personal_development"] == "2"  # "personal development"
    not_judged = _judgement("100002", "ofsted_eif_no_headline")
    assert not_judged.band == Band.CONCERN  # behaviour and attitudes 3
    assert _judgement("100006", "ofsted_4point").relates_to_current_urn is False


def test_the_same_inspection_in_two_formats_is_stored_once() -> None:
    settings_for(*FPS_URNS)
    run_file(REPORT_CARDS)
    job = run_file(EIF)
    assert job.status == ImportStatus.DONE, job.refusal
    # 10200001, 10250002 and 10200004 are in both files with the same grades.
    assert InspectionJudgement.objects.filter(inspection_number="10200001").count() == 1
    assert job.inspections_unchanged + job.inspections_updated == 3
    assert job.inspections_new == 1  # 100006, only in the EIF file


def test_the_independent_schools_file_with_its_standards() -> None:
    settings = settings_for(*FPS_URNS)
    job = run_file(INDEPENDENT)
    assert job.status == ImportStatus.DONE, job.refusal
    assert job.file_format == "independent"
    assert job.skipped == {"urn_not_on_fps": 1}
    met = _judgement("100011", "ofsted_iss")
    assert met.grades == {"overall_compliance": "Met", **{f"part_{n}": "Met" for n in range(1, 9)}}
    assert met.band == Band.PASS
    part_3 = _judgement("100012", "ofsted_iss")
    assert part_3.grades["part_3"] == "Not met"
    assert part_3.inspection_number == "10400912"
    assert part_3.band == Band.FAIL  # Part 3: welfare, health and safety
    # The one-space "Latest OEIF safeguarding is effective?" of the independent file.
    assert _judgement("100011", "ofsted_4point").grades["safeguarding_is_effective"] == "Yes"
    settings["100012"].refresh_from_db()
    assert settings["100012"].current_band == Band.FAIL


def test_xlsx_reads_as_the_csv_does() -> None:
    settings_for(*FPS_URNS)
    job = run_bytes(as_xlsx(REPORT_CARDS, title_rows=2), "state_funded.xlsx")
    assert job.status == ImportStatus.DONE, job.refusal
    assert job.inspections_new == 6
    card = _judgement("100001", "ofsted_report_card")
    assert card.inspection_start_date == datetime.date(2025, 12, 2)
    assert card.source_reference == "state_funded.xlsx, row 4"  # two title rows, the header
    assert _judgement("100004", "ofsted_4point").grades["overall_effectiveness"] == "4"


def test_the_real_2015_to_2019_file() -> None:
    rows = rows_of(OXFORDSHIRE)
    header = rows[0]
    urns = [r[header.index("URN")] for r in rows[1:]]
    on_fps = urns[:40]
    settings_for(*on_fps)
    job = run_file(OXFORDSHIRE)
    assert job.status == ImportStatus.DONE, job.refusal
    assert job.file_format == "cif_2015"
    assert job.rows_read == 299
    assert job.rows_matched == 40
    assert job.skipped["urn_not_on_fps"] == 259
    st_nicolas = _judgement("123166", "ofsted_4point")
    assert st_nicolas.inspection_number == "ITS426502"
    assert st_nicolas.grades["overall_effectiveness"] == "2"
    assert st_nicolas.grades["quality_of_teaching_learning_and_assessment"] == "2"
    assert st_nicolas.grades["sixteen_to_nineteen_study_programmes"] == "9"
    assert st_nicolas.relates_to_current_urn is True
    # Finstock converted to an academy on 01/10/2015; its inspection of 18/09/2013 is that of
    # its predecessor (URN 123095).
    finstock = _judgement("142350", "ofsted_4point")
    assert finstock.relates_to_current_urn is False
    assert job.inspections_new + job.skipped.get("grades_missing", 0) >= 40
