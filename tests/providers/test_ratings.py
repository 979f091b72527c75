"""The ratings rules of docs/ratings.md, row by row, with no database."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import pytest

from providers.inspections.bands import (
    BAND_SEVERITY,
    DEFAULT_POLICY,
    RULE_VERSION,
    Band,
    BandResult,
    TenderOutcome,
    derive_band,
    is_alert_worthy,
    policy_errors,
    tender_outcome,
    worst_band,
)
from providers.inspections.frameworks import (
    CATEGORIES_OF_CONCERN,
    FRAMEWORK_REMIT,
    FRAMEWORK_SPEC,
    Framework,
    Remit,
    normalise_category,
    normalise_grades,
    validate_grades,
)

F = Framework

# A complete judgement per framework that passes under the default policy; cases change from it.
PASSING: dict[str, dict[str, str]] = {
    F.OFSTED_4POINT: {"overall_effectiveness": "2"},
    F.OFSTED_EIF_NO_HEADLINE: {
        "overall_effectiveness": "Not judged",
        "quality_of_education": "2",
        "behaviour_and_attitudes": "1",
        "personal_development": "2",
        "effectiveness_of_leadership_and_management": "2",
        "safeguarding_is_effective": "Yes",
    },
    F.OFSTED_REPORT_CARD: {
        "inclusion": "Expected standard",
        "curriculum_and_teaching": "Strong standard",
        "achievement": "Expected standard",
        "attendance_and_behaviour": "Exceptional",
        "personal_development_and_wellbeing": "Expected standard",
        "leadership_and_governance": "Strong standard",
        "safeguarding": "Met",
    },
    F.OFSTED_ISS: {f"part_{n}": "Met" for n in range(1, 9)},
    F.SCCIF: {
        "overall_experiences_and_progress": "Good",
        "helped_and_protected": "Outstanding",
        "leaders_and_managers": "Good",
    },
    F.ISI_2023: {
        "leadership_and_management": "Met",
        "quality_of_education": "Met",
        "wellbeing": "Met",
        "social_and_economic_education": "Met",
        "safeguarding": "Met",
    },
    F.ESTYN_2022: {"follow_up": "None"},
    F.SCOTLAND_6POINT: {"leadership_of_change": "4", "learning_teaching_and_assessment": "5"},
    F.CQC: {"overall": "Good", "safe": "Outstanding"},
}


def grades(framework: str, **changes: str | None) -> dict[str, str]:
    """PASSING[framework] with changes applied; None removes an area."""
    result = dict(PASSING[framework])
    for key, value in changes.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = value
    return result


def derived(framework: str, category: str = "", **changes: str | None) -> BandResult:
    return derive_band(framework, grades(framework, **changes), category_of_concern=category)


# --- bands, frameworks and remits -------------------------------------------------------------


def test_band_values_and_labels() -> None:
    assert {b.value: b.label for b in Band} == {
        "pass": "Pass",
        "concern": "Concern",
        "fail": "Fail",
        "unknown": "Unknown – needs review",
    }


def test_severity_puts_fail_then_concern_then_unknown_then_pass() -> None:
    assert sorted(Band, key=lambda b: BAND_SEVERITY[b], reverse=True) == [
        Band.FAIL,
        Band.CONCERN,
        Band.UNKNOWN,
        Band.PASS,
    ]


def test_every_framework_has_a_spec_a_remit_and_default_rules() -> None:
    assert set(FRAMEWORK_SPEC) == set(F.values)
    assert set(FRAMEWORK_REMIT) == set(F.values)
    assert set(DEFAULT_POLICY["frameworks"]) == set(F.values)
    assert set(FRAMEWORK_REMIT.values()) <= set(Remit.values)


@pytest.mark.parametrize(
    ("framework", "remit"),
    [
        (F.OFSTED_4POINT, Remit.EDUCATION),
        (F.OFSTED_EIF_NO_HEADLINE, Remit.EDUCATION),
        (F.OFSTED_REPORT_CARD, Remit.EDUCATION),
        (F.OFSTED_ISS, Remit.COMPLIANCE),
        (F.SCCIF, Remit.SOCIAL_CARE),
        (F.ISI_2023, Remit.EDUCATION),
        (F.ESTYN_2022, Remit.EDUCATION),
        (F.SCOTLAND_6POINT, Remit.EDUCATION),
        (F.CQC, Remit.HEALTH),
    ],
)
def test_framework_remit(framework: str, remit: str) -> None:
    assert FRAMEWORK_REMIT[framework] == remit


@pytest.mark.parametrize("framework", F.values)
def test_area_keys_are_unique_snake_case_with_labels(framework: str) -> None:
    keys = [area.key for area in FRAMEWORK_SPEC[framework]]
    assert len(keys) == len(set(keys))
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", key) for key in keys)
    assert all(area.label for area in FRAMEWORK_SPEC[framework])


def _areas(framework: str) -> dict[str, tuple[bool, tuple[str, ...]]]:
    return {a.key: (a.required, a.scale.values) for a in FRAMEWORK_SPEC[framework]}


def test_report_card_areas_values_and_which_apply_only_where_applicable() -> None:
    areas = _areas(F.OFSTED_REPORT_CARD)
    five = tuple(
        [
            "Exceptional",
            "Strong standard",
            "Expected standard",
            "Needs attention",
            "Urgent improvement",
        ]
    )
    assert areas == {
        "inclusion": (True, five),
        "curriculum_and_teaching": (True, five),
        "achievement": (True, five),
        "attendance_and_behaviour": (True, five),
        "personal_development_and_wellbeing": (True, five),
        "early_years": (False, five),
        "post_16": (False, five),
        "leadership_and_governance": (True, five),
        "safeguarding": (True, ("Met", "Not met")),
    }


@pytest.mark.parametrize(
    ("framework", "area", "values"),
    [
        (F.OFSTED_4POINT, "overall_effectiveness", {"1", "2", "3", "4", "8", "9"}),
        (F.OFSTED_4POINT, "safeguarding_is_effective", {"Yes", "No"}),
        (F.OFSTED_EIF_NO_HEADLINE, "overall_effectiveness", {"Not judged"}),
        (F.OFSTED_ISS, "part_3", {"Met", "Not met"}),
        (F.ISI_2023, "safeguarding", {"Met", "Not met"}),
        (
            F.SCCIF,
            "helped_and_protected",
            {"Outstanding", "Good", "Requires improvement to be good", "Inadequate"},
        ),
        (
            F.ESTYN_2022,
            "follow_up",
            {"Special measures", "Significant improvement", "Estyn review", "None"},
        ),
        (F.SCOTLAND_6POINT, "leadership", {"1", "2", "3", "4", "5", "6"}),
        (F.CQC, "well_led", {"Outstanding", "Good", "Requires improvement", "Inadequate"}),
    ],
)
def test_published_values(framework: str, area: str, values: set[str]) -> None:
    assert set(_areas(framework)[area][1]) == values


def test_required_areas_of_the_older_frameworks() -> None:
    required = {k for k, (req, _) in _areas(F.OFSTED_4POINT).items() if req}
    assert required == {"overall_effectiveness"}  # key judgements differ between CIF and EIF
    assert {k for k, (req, _) in _areas(F.OFSTED_ISS).items() if req} == {
        f"part_{n}" for n in range(1, 9)
    }
    assert not any(req for req, _ in _areas(F.SCOTLAND_6POINT).values())


def test_categories_of_concern() -> None:
    assert set(CATEGORIES_OF_CONCERN) == {"SM", "RSI", "SWK", "NTI"}


# --- validation and normalisation -------------------------------------------------------------


@pytest.mark.parametrize("framework", F.values)
def test_the_passing_fixture_of_every_framework_is_valid(framework: str) -> None:
    assert validate_grades(framework, PASSING[framework]) == {}


@pytest.mark.parametrize(
    ("framework", "area", "raw"),
    [
        (F.OFSTED_REPORT_CARD, "inclusion", "  strong   STANDARD "),
        (F.OFSTED_REPORT_CARD, "safeguarding", "NOT\tMET"),
        (F.OFSTED_4POINT, "overall_effectiveness", " 3 "),
        (F.OFSTED_4POINT, "safeguarding_is_effective", "no"),
        (F.SCCIF, "leaders_and_managers", "requires  improvement to be GOOD"),
        (F.ESTYN_2022, "follow_up", "estyn REVIEW"),
    ],
)
def test_validation_folds_case_and_whitespace(framework: str, area: str, raw: str) -> None:
    assert validate_grades(framework, grades(framework, **{area: raw})) == {}


@pytest.mark.parametrize(
    ("framework", "area", "raw", "message"),
    [
        (F.OFSTED_4POINT, "overall_effectiveness", "5", "'5' is not a published grade"),
        (F.OFSTED_4POINT, "overall_effectiveness", "Strong standard", "1 (Outstanding)"),
        # A report card area never takes the old words: one framework's grade is not another's.
        (F.OFSTED_REPORT_CARD, "inclusion", "Good", "use one of: Exceptional, Strong standard"),
        (F.OFSTED_ISS, "part_4", "Partly met", "Part 4"),
        (F.SCCIF, "leaders_and_managers", "Requires improvement", "Effectiveness of leaders"),
        (F.SCOTLAND_6POINT, "leadership", "7", "6 (Excellent)"),
        (F.CQC, "safe", "Requires improvement to be good", "Inadequate"),
        (F.OFSTED_4POINT, "inclusion", "Exceptional", "does not grade 'inclusion'"),
        (F.CQC, "well-led", "Good", "does not grade 'well-led'"),
        (F.OFSTED_REPORT_CARD, "inclusion", None, "Inclusion is required."),
        (F.OFSTED_REPORT_CARD, "safeguarding", "NULL", "Safeguarding standards is required."),
        (F.OFSTED_EIF_NO_HEADLINE, "safeguarding_is_effective", "", "is required"),
        (F.OFSTED_ISS, "part_8", None, "Part 8: quality of leadership and management is required."),
        (F.ESTYN_2022, "follow_up", None, "Follow-up activity is required."),
    ],
)
def test_validation_errors(framework: str, area: str, raw: str | None, message: str) -> None:
    errors = validate_grades(framework, grades(framework, **{area: raw}))
    assert list(errors) == [area]
    assert message in errors[area]


@pytest.mark.parametrize(
    ("framework", "area"),
    [
        (F.OFSTED_REPORT_CARD, "early_years"),
        (F.OFSTED_REPORT_CARD, "post_16"),
        (F.OFSTED_ISS, "overall_compliance"),
        (F.OFSTED_EIF_NO_HEADLINE, "sixth_form_provision"),
        (F.OFSTED_4POINT, "quality_of_education"),
    ],
)
def test_optional_areas_may_be_absent_or_graded(framework: str, area: str) -> None:
    assert area not in PASSING[framework]
    spec = {a.key: a for a in FRAMEWORK_SPEC[framework]}
    value = spec[area].scale.values[0]
    assert validate_grades(framework, grades(framework, **{area: value})) == {}


def test_unknown_framework_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="Unknown inspection framework"):
        validate_grades("ofsted_5point", {})
    with pytest.raises(ValueError, match="Unknown inspection framework"):
        derive_band("ofsted_5point", {})


@pytest.mark.parametrize(
    ("framework", "raw", "expected"),
    [
        (
            F.OFSTED_REPORT_CARD,
            {"inclusion": " needs  ATTENTION"},
            {"inclusion": "Needs attention"},
        ),
        (F.OFSTED_REPORT_CARD, {"safeguarding": "not met"}, {"safeguarding": "Not met"}),
        # Ofsted's numbers are what it publishes; its words for them are read as the same grade.
        (F.OFSTED_4POINT, {"overall_effectiveness": "good"}, {"overall_effectiveness": "2"}),
        (
            F.OFSTED_4POINT,
            {"overall_effectiveness": "Requires Improvement", "early_years_provision": "9"},
            {"overall_effectiveness": "3", "early_years_provision": "9"},
        ),
        (F.OFSTED_4POINT, {"overall_effectiveness": "NULL", "outcomes_for_pupils": ""}, {}),
        (
            F.SCOTLAND_6POINT,
            {"leadership": "adequate", "setting": "Very Good"},
            {"leadership": "3", "setting": "5"},
        ),
        (F.ESTYN_2022, {"follow_up": "no follow-up"}, {"follow_up": "None"}),
        (F.CQC, {"safe": "REQUIRES improvement"}, {"safe": "Requires improvement"}),
    ],
)
def test_normalise_grades_gives_the_published_spelling(
    framework: str, raw: dict[str, str], expected: dict[str, str]
) -> None:
    assert normalise_grades(framework, raw) == expected


def test_normalise_grades_refuses_what_it_cannot_read() -> None:
    with pytest.raises(ValueError, match="not a published grade for Inclusion"):
        normalise_grades(F.OFSTED_REPORT_CARD, {"inclusion": "Good"})
    with pytest.raises(ValueError, match="does not grade 'overall'"):
        normalise_grades(F.OFSTED_REPORT_CARD, {"overall": "Good"})


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("sm", "SM"),
        (" Special   measures ", "SM"),
        ("rsi", "RSI"),
        ("SWK", "SWK"),
        ("NTI", "NTI"),
        ("NULL", ""),
        ("", ""),
        ("  ", ""),
    ],
)
def test_normalise_category(raw: str, expected: str) -> None:
    assert normalise_category(raw) == expected


def test_normalise_category_refuses_unknown_codes() -> None:
    with pytest.raises(ValueError, match="not a category of concern"):
        normalise_category("XYZ")


# --- derived band: every row of the RATINGS.md table -------------------------------------------

FAIL, CONCERN, PASS, UNKNOWN = Band.FAIL, Band.CONCERN, Band.PASS, Band.UNKNOWN

# (framework, category of concern, changes to PASSING, band, a reason that must be given)
BAND_CASES: list[tuple[str, str, dict[str, str | None], Band, str]] = [
    # Ofsted 4-point
    (
        F.OFSTED_4POINT,
        "",
        {"overall_effectiveness": "1"},
        PASS,
        "Overall effectiveness: 1 (Outstanding)",
    ),
    (F.OFSTED_4POINT, "", {}, PASS, "Overall effectiveness: 2 (Good)"),
    (F.OFSTED_4POINT, "", {"overall_effectiveness": "3"}, CONCERN, "3 (Requires improvement)"),
    (
        F.OFSTED_4POINT,
        "",
        {"overall_effectiveness": "4"},
        FAIL,
        "Overall effectiveness: 4 (Inadequate)",
    ),
    (F.OFSTED_4POINT, "SM", {}, FAIL, "Category of concern: SM (Special measures)"),
    (F.OFSTED_4POINT, "swk", {"overall_effectiveness": "3"}, FAIL, "SWK (Serious weaknesses)"),
    (F.OFSTED_4POINT, "RSI", {}, FAIL, "RSI (Requires significant improvement)"),
    (
        F.OFSTED_4POINT,
        "",
        {"safeguarding_is_effective": "No"},
        FAIL,
        "Safeguarding is effective: No",
    ),
    (F.OFSTED_4POINT, "NULL", {"safeguarding_is_effective": "Yes"}, PASS, "2 (Good)"),
    # the key judgements do not decide the band where there is an overall grade
    (F.OFSTED_4POINT, "", {"quality_of_education": "3"}, PASS, "Overall effectiveness: 2"),
    (F.OFSTED_4POINT, "", {"overall_effectiveness": "9"}, UNKNOWN, "9 (Not applicable)"),
    (F.OFSTED_4POINT, "", {"overall_effectiveness": "NULL"}, UNKNOWN, "is required"),
    (F.OFSTED_4POINT, "", {"overall_effectiveness": ""}, UNKNOWN, "is required"),
    (F.OFSTED_4POINT, "", {"overall_effectiveness": None}, UNKNOWN, "is required"),
    (F.OFSTED_4POINT, "", {"overall_effectiveness": "5"}, UNKNOWN, "'5' is not a published grade"),
    # a fail is not hidden by an unreadable area next to it
    (F.OFSTED_4POINT, "", {"overall_effectiveness": "4", "inclusion": "x"}, FAIL, "4 (Inadequate)"),
    # Ofsted EIF without headline grade
    (F.OFSTED_EIF_NO_HEADLINE, "", {}, PASS, "Quality of education: 2 (Good)"),
    (F.OFSTED_EIF_NO_HEADLINE, "", {"quality_of_education": "4"}, FAIL, "Quality of education: 4"),
    (
        F.OFSTED_EIF_NO_HEADLINE,
        "",
        {"early_years_provision": "4"},
        FAIL,
        "Early years provision: 4",
    ),
    (F.OFSTED_EIF_NO_HEADLINE, "", {"safeguarding_is_effective": "No"}, FAIL, "effective: No"),
    (F.OFSTED_EIF_NO_HEADLINE, "SM", {}, FAIL, "Category of concern: SM"),
    (
        F.OFSTED_EIF_NO_HEADLINE,
        "",
        {"personal_development": "3"},
        CONCERN,
        "Personal development: 3",
    ),
    (
        F.OFSTED_EIF_NO_HEADLINE,
        "",
        {"sixth_form_provision": "9"},
        PASS,
        "Behaviour and attitudes: 1",
    ),
    (F.OFSTED_EIF_NO_HEADLINE, "", {"behaviour_and_attitudes": None}, UNKNOWN, "is required"),
    (F.OFSTED_EIF_NO_HEADLINE, "", {"safeguarding_is_effective": None}, UNKNOWN, "is required"),
    # a concern is not hidden by a gap either, and the gap is still reported
    (
        F.OFSTED_EIF_NO_HEADLINE,
        "",
        {"quality_of_education": "3", "safeguarding_is_effective": None},
        CONCERN,
        "Safeguarding is effective is required.",
    ),
    # Ofsted report card
    (F.OFSTED_REPORT_CARD, "", {}, PASS, "Safeguarding standards: Met"),
    (F.OFSTED_REPORT_CARD, "", {"early_years": "Exceptional"}, PASS, "Early years: Exceptional"),
    (
        F.OFSTED_REPORT_CARD,
        "",
        {"safeguarding": "Not met"},
        FAIL,
        "Safeguarding standards: Not met",
    ),
    (F.OFSTED_REPORT_CARD, "", {"achievement": "Urgent improvement"}, FAIL, "Achievement: Urgent"),
    (F.OFSTED_REPORT_CARD, "RSI", {}, FAIL, "Category of concern: RSI"),
    (F.OFSTED_REPORT_CARD, "sm", {}, FAIL, "Category of concern: SM"),
    (F.OFSTED_REPORT_CARD, "", {"inclusion": "Needs attention"}, CONCERN, "Inclusion: Needs"),
    (F.OFSTED_REPORT_CARD, "", {"post_16": "Needs attention"}, CONCERN, "Post-16 provision: Needs"),
    (
        F.OFSTED_REPORT_CARD,
        "",
        {"inclusion": "Needs attention", "attendance_and_behaviour": "Urgent improvement"},
        FAIL,
        "Attendance and behaviour: Urgent improvement",
    ),
    (F.OFSTED_REPORT_CARD, "", {"inclusion": None}, UNKNOWN, "Inclusion is required."),
    (F.OFSTED_REPORT_CARD, "", {"safeguarding": None}, UNKNOWN, "Safeguarding standards is req"),
    # ISS compliance
    (F.OFSTED_ISS, "", {}, PASS, "Part 3: welfare, health and safety of pupils: Met"),
    (F.OFSTED_ISS, "", {"part_3": "Not met"}, FAIL, "Part 3: welfare, health and safety"),
    (F.OFSTED_ISS, "", {"part_8": "not met"}, FAIL, "Part 8: quality of leadership"),
    (F.OFSTED_ISS, "", {"part_5": "Not met"}, CONCERN, "Part 5: premises and accommodation: Not"),
    (F.OFSTED_ISS, "", {"overall_compliance": "Not met"}, CONCERN, "Overall compliance"),
    (F.OFSTED_ISS, "", {"part_2": None}, UNKNOWN, "is required"),
    # SCCIF
    (F.SCCIF, "", {}, PASS, "Overall experiences and progress: Good"),
    (F.SCCIF, "", {"overall_experiences_and_progress": "Inadequate"}, FAIL, "progress: Inadequate"),
    (F.SCCIF, "", {"helped_and_protected": "inadequate"}, FAIL, "protected: Inadequate"),
    (
        F.SCCIF,
        "",
        {"overall_experiences_and_progress": "Requires improvement to be good"},
        CONCERN,
        "Overall experiences and progress: Requires improvement to be good",
    ),
    (F.SCCIF, "", {"leaders_and_managers": "Inadequate"}, CONCERN, "leaders and managers: Inad"),
    (F.SCCIF, "", {"leaders_and_managers": None}, UNKNOWN, "is required"),
    # ISI 2023
    (F.ISI_2023, "", {}, PASS, "Safeguarding: Met"),
    (F.ISI_2023, "", {"safeguarding": "Not met"}, FAIL, "Safeguarding: Not met"),
    (F.ISI_2023, "", {"wellbeing": "Not met"}, CONCERN, "emotional wellbeing: Not met"),
    (F.ISI_2023, "", {"quality_of_education": None}, UNKNOWN, "is required"),
    # Estyn
    (F.ESTYN_2022, "", {}, PASS, "Follow-up activity: None"),
    (F.ESTYN_2022, "", {"follow_up": "special measures"}, FAIL, "Follow-up activity: Special"),
    (F.ESTYN_2022, "", {"follow_up": "Significant improvement"}, FAIL, "Significant improvement"),
    (F.ESTYN_2022, "", {"follow_up": "Estyn review"}, CONCERN, "Follow-up activity: Estyn review"),
    (F.ESTYN_2022, "", {"follow_up": None}, UNKNOWN, "Follow-up activity is required."),
    # Scotland 6-point
    (F.SCOTLAND_6POINT, "", {}, PASS, "2.3 Learning, teaching and assessment: 5 (Very good)"),
    (F.SCOTLAND_6POINT, "", {"setting": "6"}, PASS, "How good is our setting?: 6 (Excellent)"),
    (F.SCOTLAND_6POINT, "", {"leadership": "3"}, CONCERN, "leadership?: 3 (Satisfactory)"),
    (F.SCOTLAND_6POINT, "", {"staff_team": "2"}, FAIL, "staff team?: 2 (Weak)"),
    (F.SCOTLAND_6POINT, "", {"staff_team": "1"}, FAIL, "1 (Unsatisfactory)"),
    (
        F.SCOTLAND_6POINT,
        "",
        {"leadership_of_change": None, "learning_teaching_and_assessment": None},
        UNKNOWN,
        "No area has a grade.",
    ),
    # CQC
    (F.CQC, "", {}, PASS, "Safe: Outstanding"),
    (F.CQC, "", {"safe": "Inadequate"}, FAIL, "Safe: Inadequate"),
    (F.CQC, "", {"overall": "Requires improvement"}, CONCERN, "Overall: Requires improvement"),
    (F.CQC, "", {"overall": None, "safe": None}, UNKNOWN, "No area has a grade."),
    # categories of concern that cannot be read, or that the framework does not use
    (F.OFSTED_4POINT, "XYZ", {}, UNKNOWN, "'XYZ' is not a category of concern."),
    (F.CQC, "SM", {}, UNKNOWN, "does not say what category of concern SM means here"),
]


@pytest.mark.parametrize(
    ("framework", "category", "changes", "band", "reason"),
    BAND_CASES,
    ids=[f"{c[0]}-{c[3]}-{i}" for i, c in enumerate(BAND_CASES)],
)
def test_derived_band(
    framework: str, category: str, changes: dict[str, str | None], band: Band, reason: str
) -> None:
    result = derived(framework, category, **changes)
    assert result.band == band, result.reasons
    assert any(reason in r for r in result.reasons), result.reasons
    assert result.rule_version == RULE_VERSION


def test_derived_band_folds_case_and_whitespace() -> None:
    result = derived(F.OFSTED_REPORT_CARD, inclusion="  needs\tATTENTION ")
    assert result.band == CONCERN
    assert result.reasons == ("Inclusion: Needs attention",)


def test_reasons_follow_the_order_of_the_report() -> None:
    result = derived(
        F.OFSTED_REPORT_CARD,
        safeguarding="Not met",
        inclusion="Urgent improvement",
    )
    assert result.reasons == ("Inclusion: Urgent improvement", "Safeguarding standards: Not met")


@pytest.mark.parametrize(
    ("framework", "category", "changes", "recorded"),
    [
        (F.OFSTED_REPORT_CARD, "special measures", {"safeguarding": "not met"}, ("SM", True)),
        (F.OFSTED_REPORT_CARD, "NULL", {}, ("", False)),
        (F.OFSTED_4POINT, "swk", {"safeguarding_is_effective": "No"}, ("SWK", True)),
        (F.OFSTED_EIF_NO_HEADLINE, "", {"safeguarding_is_effective": "No"}, ("", True)),
        (F.ISI_2023, "", {"safeguarding": "Not met"}, ("", True)),
        (F.ISI_2023, "", {"wellbeing": "Not met"}, ("", False)),
        (F.SCCIF, "", {"helped_and_protected": "Inadequate"}, ("", True)),
        (F.CQC, "", {"safe": "Inadequate"}, ("", False)),
    ],
)
def test_result_records_category_and_safeguarding(
    framework: str, category: str, changes: dict[str, str], recorded: tuple[str, bool]
) -> None:
    result = derived(framework, category, **changes)
    assert (result.category_of_concern, result.safeguarding_not_met) == recorded


def test_residential_school_takes_the_worst_of_its_remits() -> None:
    education = derived(F.OFSTED_REPORT_CARD)
    social_care = derived(F.SCCIF, helped_and_protected="Requires improvement to be good")
    assert FRAMEWORK_REMIT[F.OFSTED_REPORT_CARD] != FRAMEWORK_REMIT[F.SCCIF]
    assert (education.band, social_care.band) == (PASS, CONCERN)
    assert worst_band([education.band, social_care.band]) == CONCERN


# --- the policy as data ------------------------------------------------------------------------


def test_default_policy_is_json_and_valid() -> None:
    assert DEFAULT_POLICY["version"] == RULE_VERSION
    assert json.loads(json.dumps(DEFAULT_POLICY)) == DEFAULT_POLICY
    assert policy_errors(DEFAULT_POLICY) == []


def _local_policy() -> dict[str, Any]:
    """A lead authority's stricter policy, as it would come back from a JSON field."""
    policy = copy.deepcopy(DEFAULT_POLICY)
    policy["version"] = "LA-2027.1"
    rules = policy["frameworks"]
    rules["ofsted_4point"]["fail"]["overall_effectiveness"] = ["3", "4"]
    rules["ofsted_4point"]["concern"] = {}
    rules["ofsted_report_card"]["concern"]["*"] = ["needs attention", "expected standard"]
    rules["cqc"]["fail"]["*"] = ["inadequate", "requires improvement"]
    stored: dict[str, Any] = json.loads(json.dumps(policy))
    return stored


@pytest.mark.parametrize(
    ("framework", "changes", "default_band", "local_band"),
    [
        (F.OFSTED_4POINT, {"overall_effectiveness": "3"}, CONCERN, FAIL),
        (F.OFSTED_REPORT_CARD, {}, PASS, CONCERN),
        (F.CQC, {"safe": "Requires improvement"}, CONCERN, FAIL),
    ],
)
def test_a_local_policy_changes_the_band_and_the_version(
    framework: str, changes: dict[str, str], default_band: Band, local_band: Band
) -> None:
    judgement = grades(framework, **changes)
    default = derive_band(framework, judgement)
    local = derive_band(framework, judgement, policy=_local_policy())
    assert (default.band, default.rule_version) == (default_band, RULE_VERSION)
    assert (local.band, local.rule_version) == (local_band, "LA-2027.1")


def test_a_grade_the_policy_does_not_place_is_unknown() -> None:
    policy = copy.deepcopy(DEFAULT_POLICY)
    policy["frameworks"]["ofsted_4point"]["pass"]["overall_effectiveness"] = ["1"]
    result = derive_band(F.OFSTED_4POINT, {"overall_effectiveness": "2"}, policy=policy)
    assert result.band == UNKNOWN
    assert result.reasons == (
        "Overall effectiveness: 2 (Good) is not a pass, a concern or a fail in this policy.",
    )


def _broken(change: str) -> dict[str, Any]:
    policy = copy.deepcopy(DEFAULT_POLICY)
    rules = policy["frameworks"]
    if change == "no version":
        del policy["version"]
    elif change == "missing framework":
        del rules["cqc"]
    elif change == "unknown framework":
        rules["ofsted_5point"] = {"pass": {"*": ["1"]}}
    elif change == "unknown section":
        rules["cqc"]["amber"] = {"*": ["Good"]}
    elif change == "typo in an area":
        rules["ofsted_4point"]["fail"]["overal_effectiveness"] = ["4"]
    elif change == "unpublished value":
        rules["ofsted_report_card"]["fail"]["*"] = ["Inadequate"]
    elif change == "a string, not a list":
        rules["estyn_2022"]["fail"]["follow_up"] = "Special measures"
    elif change == "category in the pass rule":
        rules["ofsted_4point"]["pass"]["category_of_concern"] = ["SM"]
    elif change == "empty pass rule":
        rules["scotland_6point"]["pass"] = {}
    return policy


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("no version", "needs a version"),
        ("missing framework", "No rules for CQC"),
        ("unknown framework", "Unknown framework 'ofsted_5point'"),
        ("unknown section", "'amber' is not a section of rules"),
        ("typo in an area", "unknown area 'overal_effectiveness'"),
        ("unpublished value", "'Inadequate' is not a published value"),
        ("a string, not a list", "give a list of values"),
        ("category in the pass rule", "unknown area 'category_of_concern'"),
        ("empty pass rule", "needs a pass rule"),
    ],
)
def test_an_unusable_policy_is_refused(change: str, message: str) -> None:
    policy = _broken(change)
    assert any(message in error for error in policy_errors(policy)), policy_errors(policy)
    with pytest.raises(ValueError, match="Unusable ratings policy"):
        derive_band(F.OFSTED_4POINT, {"overall_effectiveness": "2"}, policy=policy)


# --- worst band and the tender rule -----------------------------------------------------------


@pytest.mark.parametrize(
    ("bands", "expected"),
    [
        ([], UNKNOWN),
        ([PASS], PASS),
        ([PASS, PASS], PASS),
        ([PASS, UNKNOWN], UNKNOWN),
        ([UNKNOWN, CONCERN], CONCERN),  # a gap in one remit does not hide a concern in another
        ([FAIL, UNKNOWN], FAIL),
        ([CONCERN, FAIL, PASS], FAIL),
        (["pass", "concern"], CONCERN),
        (iter(["unknown", "pass"]), UNKNOWN),
    ],
)
def test_worst_band(bands: list[Band | str], expected: Band) -> None:
    assert worst_band(bands) == expected


def test_worst_band_refuses_what_is_not_a_band() -> None:
    with pytest.raises(ValueError):
        worst_band(["red"])


@pytest.mark.parametrize(
    ("band", "outcome"),
    [
        (FAIL, "fail"),
        (CONCERN, "pass_with_flag"),
        (UNKNOWN, "needs_evaluator"),
        (PASS, "pass"),
        ("concern", TenderOutcome.PASS_WITH_FLAG),
    ],
)
def test_tender_outcome(band: Band | str, outcome: str) -> None:
    assert tender_outcome(band) == outcome


# --- alerts -----------------------------------------------------------------------------------


def result(band: Band, *, category: str = "", safeguarding_not_met: bool = False) -> BandResult:
    return BandResult(band, (), RULE_VERSION, category, safeguarding_not_met)


@pytest.mark.parametrize(
    ("previous", "current", "alert", "reason"),
    [
        (result(PASS), result(CONCERN), True, "The band fell from Pass to Concern."),
        (result(CONCERN), result(FAIL), True, "fell from Concern to Fail"),
        (result(PASS), result(FAIL), True, "fell from Pass to Fail"),
        (result(UNKNOWN), result(CONCERN), True, "fell from Unknown"),
        (None, result(FAIL), True, "The band is Fail, with no earlier judgement on record."),
        (None, result(CONCERN), True, "The band is Concern"),
        (None, result(UNKNOWN), False, "did not fall"),
        (None, result(PASS), False, "did not fall"),
        (result(FAIL), result(FAIL), False, "did not fall"),
        (result(CONCERN), result(PASS), False, "did not fall"),
        # a gap in the data goes to an evaluator, not to senior managers
        (result(PASS), result(UNKNOWN), False, "did not fall"),
        (
            result(FAIL),
            result(FAIL, safeguarding_not_met=True),
            True,
            "Safeguarding became not met.",
        ),
        (
            result(FAIL, safeguarding_not_met=True),
            result(FAIL, safeguarding_not_met=True),
            False,
            "did not fall",
        ),
        (
            result(FAIL),
            result(FAIL, category="SM"),
            True,
            "Category of concern SM (Special measures) appeared.",
        ),
        (result(FAIL, category="SWK"), result(FAIL, category="SM"), True, "SM (Special measures)"),
        (result(FAIL, category="SM"), result(FAIL, category="SM"), False, "did not fall"),
    ],
)
def test_alert_rules(
    previous: BandResult | None, current: BandResult, alert: bool, reason: str
) -> None:
    worthy, why = is_alert_worthy(previous, current)
    assert worthy is alert
    assert reason in why


def test_alert_sees_safeguarding_in_grades_when_results_do_not_carry_it() -> None:
    # Results rebuilt from stored rows carry only the band; the stored grades still tell.
    worthy, why = is_alert_worthy(
        result(FAIL),
        result(FAIL),
        previous_grades=grades(F.OFSTED_REPORT_CARD, achievement="Urgent improvement"),
        current_grades=grades(F.OFSTED_REPORT_CARD, safeguarding="not  met"),
    )
    assert (worthy, why) == (True, "Safeguarding became not met.")
    unchanged = grades(F.OFSTED_4POINT, overall_effectiveness="4", safeguarding_is_effective="No")
    worthy, _ = is_alert_worthy(
        result(FAIL), result(FAIL), previous_grades=unchanged, current_grades=unchanged
    )
    assert worthy is False


def test_alert_names_every_reason() -> None:
    current = derived(F.OFSTED_REPORT_CARD, "SM", safeguarding="Not met")
    worthy, why = is_alert_worthy(derived(F.OFSTED_REPORT_CARD), current)
    assert worthy is True
    assert why == (
        "The band fell from Pass to Fail. Safeguarding became not met. "
        "Category of concern SM (Special measures) appeared."
    )


def test_a_predecessor_school_never_alerts() -> None:
    current = derived(F.OFSTED_REPORT_CARD, "SM", safeguarding="Not met")
    worthy, why = is_alert_worthy(
        derived(F.OFSTED_REPORT_CARD), current, relates_to_current_urn=False
    )
    assert worthy is False
    assert "predecessor school" in why


def test_reimporting_the_same_judgement_raises_nothing() -> None:
    judgement = grades(F.OFSTED_4POINT, overall_effectiveness="4", safeguarding_is_effective="No")
    first = derive_band(F.OFSTED_4POINT, judgement, category_of_concern="SM")
    again = derive_band(F.OFSTED_4POINT, judgement, category_of_concern="SM")
    assert first == again
    assert (
        is_alert_worthy(first, again, previous_grades=judgement, current_grades=judgement)[0]
        is False
    )
