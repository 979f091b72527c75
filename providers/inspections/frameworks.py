"""Inspection frameworks, the areas each grades and the values each publishes (RATINGS.md).

Pure data and the rules for reading grades as published; no database, and labels are plain
strings, so this imports, and the rules run, without Django settings. The band a judgement earns
is `providers.inspections.bands`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db import models


class Framework(models.TextChoices):
    OFSTED_4POINT = "ofsted_4point", "Ofsted schools, four-point grades (CIF 2015, EIF 2019-2024)"
    OFSTED_EIF_NO_HEADLINE = "ofsted_eif_no_headline", "Ofsted EIF without headline grade"
    OFSTED_REPORT_CARD = "ofsted_report_card", "Ofsted report card"
    OFSTED_ISS = "ofsted_iss", "Ofsted Independent School Standards compliance"
    SCCIF = "sccif", "Ofsted social care (SCCIF)"
    ISI_2023 = "isi_2023", "ISI 2023 framework"
    ESTYN_2022 = "estyn_2022", "Estyn 2022 framework"
    SCOTLAND_6POINT = "scotland_6point", "Education Scotland / Care Inspectorate six-point scale"
    CQC = "cqc", "CQC"


class Remit(models.TextChoices):
    EDUCATION = "education", "Education"
    SOCIAL_CARE = "social_care", "Social care"
    HEALTH = "health", "Health"
    COMPLIANCE = "compliance", "Compliance with standards"


# The default remit of a new judgement: education unless listed. Scotland's six-point scale is
# shared by Education Scotland and the Care Inspectorate, so a Care Inspectorate judgement must be
# recorded as social care by whoever records it.
FRAMEWORK_REMIT: dict[str, str] = {f.value: Remit.EDUCATION.value for f in Framework} | {
    Framework.OFSTED_ISS.value: Remit.COMPLIANCE.value,
    Framework.SCCIF.value: Remit.SOCIAL_CARE.value,
    Framework.CQC.value: Remit.HEALTH.value,
}


# How a band's summary names the framework: "Ofsted: Overall effectiveness: 2 (Good)".
SHORT_FRAMEWORK: dict[str, str] = {
    Framework.OFSTED_4POINT: "Ofsted",
    Framework.OFSTED_EIF_NO_HEADLINE: "Ofsted (no headline grade)",
    Framework.OFSTED_REPORT_CARD: "Ofsted report card",
    Framework.OFSTED_ISS: "Ofsted ISS",
    Framework.SCCIF: "Ofsted social care",
    Framework.ISI_2023: "ISI",
    Framework.ESTYN_2022: "Estyn",
    Framework.SCOTLAND_6POINT: "Scotland",
    Framework.CQC: "CQC",
}


@dataclass(frozen=True)
class Regulator:
    """Who publishes a framework's reports, and where a setting's reports are found by its URN.

    `by_urn` is the address of a setting's page of published reports, with `{urn}` for the URN;
    blank where the regulator does not number settings by the DfE's URN (ISI, Estyn, CQC and
    Scotland's inspectorates use their own references), so no link can be made from the URN.
    """

    name: str
    by_urn: str = ""


# Ofsted's provider pages are `https://reports.ofsted.gov.uk/provider/<type>/<URN>`, and the
# type depends on the kind of provider: 21 for maintained schools, 23 for academies, 27 for
# independent schools, 2 for children's social care, 16 for childcare (as found in public
# code linking them, e.g. from Ofsted's own "Web link" column of its state-funded schools'
# outcomes, and in schools' own sites). `ELS` is the old www.ofsted.gov.uk site's type; nothing
# found shows the current site answering it, so it is not used. A URN alone does not say
# whether a school is maintained, an academy or independent, and the school frameworks (and
# SCCIF, which also inspects residential special schools) cover all of them; Ofsted's search
# takes a URN ("Enter either the name or address or the URN of the provider") and lists that
# provider, whatever its type, one click from its reports, so those link to the search. The
# Independent School Standards are inspected only in independent schools: type 27 is certain.
_OFSTED_BY_SEARCH = Regulator("Ofsted", "https://reports.ofsted.gov.uk/search?q={urn}")
_OFSTED_INDEPENDENT = Regulator("Ofsted", "https://reports.ofsted.gov.uk/provider/27/{urn}")
REGULATOR: dict[str, Regulator] = {
    Framework.OFSTED_4POINT.value: _OFSTED_BY_SEARCH,
    Framework.OFSTED_EIF_NO_HEADLINE.value: _OFSTED_BY_SEARCH,
    Framework.OFSTED_REPORT_CARD.value: _OFSTED_BY_SEARCH,
    Framework.OFSTED_ISS.value: _OFSTED_INDEPENDENT,
    Framework.SCCIF.value: _OFSTED_BY_SEARCH,
    Framework.ISI_2023.value: Regulator("the Independent Schools Inspectorate"),
    Framework.ESTYN_2022.value: Regulator("Estyn"),
    Framework.SCOTLAND_6POINT.value: Regulator("Education Scotland or the Care Inspectorate"),
    Framework.CQC.value: Regulator("the CQC"),
}


def published_report_url(framework: str, urn: str | None) -> str:
    """The regulator's page of a setting's published reports, or "" when there is none to link:
    no URN, a URN that is not one (digits only), or a regulator that does not use URNs."""
    regulator = REGULATOR.get(framework)
    if regulator is None or not regulator.by_urn or not urn:
        return ""
    if not (urn.isascii() and urn.isdigit()):
        return ""
    return regulator.by_urn.format(urn=urn)


def fold(raw: str | None) -> str:
    """The form values are compared in: case-insensitive, runs of whitespace as one space."""
    return " ".join((raw or "").split()).casefold()


def is_blank(raw: str | None) -> bool:
    # Ofsted's files write "NULL" where a school has no inspection of that kind.
    return fold(raw) in ("", "null")


@dataclass(frozen=True)
class Scale:
    """The values one kind of grade takes, each spelt as its inspectorate publishes it."""

    values: tuple[str, ...]
    meanings: Mapping[str, str] = field(default_factory=dict)
    # Published, but saying there is nothing to judge on (Ofsted's 9 = not applicable).
    not_graded: frozenset[str] = frozenset()
    aliases: Mapping[str, str] = field(default_factory=dict)

    def canonical(self, raw: str | None) -> str | None:
        key = fold(raw)
        for value in self.values:
            if key and key in (fold(value), fold(self.meanings.get(value))):
                return value
        return self.aliases.get(key)

    def describe(self, value: str) -> str:
        meaning = self.meanings.get(value)
        return f"{value} ({meaning})" if meaning else value


@dataclass(frozen=True)
class Area:
    key: str
    label: str
    scale: Scale
    required: bool = True


# 8 is not in RATINGS.md but is in Ofsted's 2017 files (early years, no grade given); rejecting it
# would fail real rows, and reading it as a grade would be a guess.
_OFSTED_WORDS = {"1": "Outstanding", "2": "Good", "3": "Requires improvement", "4": "Inadequate"}
_OFSTED_4 = Scale(
    ("1", "2", "3", "4", "8", "9"),
    {**_OFSTED_WORDS, "8": "Not graded", "9": "Not applicable"},
    not_graded=frozenset({"8", "9"}),
)
_YES_NO = Scale(("Yes", "No"))
_NOT_JUDGED = Scale(("Not judged",), not_graded=frozenset({"Not judged"}))
_REPORT_CARD = Scale(
    ("Exceptional", "Strong standard", "Expected standard", "Needs attention", "Urgent improvement")
)
_MET = Scale(("Met", "Not met"))
_SCCIF = Scale(("Outstanding", "Good", "Requires improvement to be good", "Inadequate"))
_ESTYN = Scale(
    ("Special measures", "Significant improvement", "Estyn review", "None"),
    aliases={"no follow-up": "None"},
)
_SCOTLAND_WORDS = ("Unsatisfactory", "Weak", "Satisfactory", "Good", "Very good", "Excellent")
_SCOTLAND = Scale(  # "adequate" is the Care Inspectorate's word for 3
    tuple("123456"), dict(zip("123456", _SCOTLAND_WORDS, strict=True)), aliases={"adequate": "3"}
)
_CQC = Scale(("Outstanding", "Good", "Requires improvement", "Inadequate"))


def _required(scale: Scale, /, **labels: str) -> tuple[Area, ...]:
    return tuple(Area(key, label, scale) for key, label in labels.items())


def _optional(scale: Scale, /, **labels: str) -> tuple[Area, ...]:
    return tuple(Area(key, label, scale, required=False) for key, label in labels.items())


_EIF = {
    "quality_of_education": "Quality of education",
    "behaviour_and_attitudes": "Behaviour and attitudes",
    "personal_development": "Personal development",
    "effectiveness_of_leadership_and_management": "Effectiveness of leadership and management",
}
_EIF_OPTIONAL = {
    "early_years_provision": "Early years provision",
    "sixth_form_provision": "Sixth form",
}
_CIF = {
    "outcomes_for_pupils": "Outcomes for pupils",
    "quality_of_teaching_learning_and_assessment": "Quality of teaching, learning and assessment",
    "personal_development_behaviour_and_welfare": "Personal development, behaviour and welfare",
    "sixteen_to_nineteen_study_programmes": "16 to 19 study programmes",
}
_SAFEGUARDING_EFFECTIVE = {"safeguarding_is_effective": "Safeguarding is effective"}

FRAMEWORK_SPEC: dict[str, tuple[Area, ...]] = {
    # CIF and EIF share a framework because both graded overall effectiveness 1-4; only that is
    # required, since the key judgements changed between them.
    Framework.OFSTED_4POINT.value: (
        Area("overall_effectiveness", "Overall effectiveness", _OFSTED_4),
        *_optional(_OFSTED_4, **_EIF, **_EIF_OPTIONAL),
        *_optional(_OFSTED_4, **_CIF),
        *_optional(_YES_NO, **_SAFEGUARDING_EFFECTIVE),
    ),
    Framework.OFSTED_EIF_NO_HEADLINE.value: (
        *_optional(_NOT_JUDGED, overall_effectiveness="Overall effectiveness"),
        *_required(_OFSTED_4, **_EIF),
        *_optional(_OFSTED_4, **_EIF_OPTIONAL),
        *_required(_YES_NO, **_SAFEGUARDING_EFFECTIVE),
    ),
    Framework.OFSTED_REPORT_CARD.value: (
        *_required(
            _REPORT_CARD,
            inclusion="Inclusion",
            curriculum_and_teaching="Curriculum and teaching",
            achievement="Achievement",
            attendance_and_behaviour="Attendance and behaviour",
            personal_development_and_wellbeing="Personal development and wellbeing",
        ),
        *_optional(_REPORT_CARD, early_years="Early years", post_16="Post-16 provision"),
        Area("leadership_and_governance", "Leadership and governance", _REPORT_CARD),
        Area("safeguarding", "Safeguarding standards", _MET),
    ),
    Framework.OFSTED_ISS.value: (
        *_required(
            _MET,
            part_1="Part 1: quality of education",
            part_2="Part 2: spiritual, moral, social and cultural development",
            part_3="Part 3: welfare, health and safety of pupils",
            part_4="Part 4: suitability of staff, supply staff and proprietors",
            part_5="Part 5: premises and accommodation",
            part_6="Part 6: provision of information",
            part_7="Part 7: manner in which complaints are handled",
            part_8="Part 8: quality of leadership and management",
        ),
        *_optional(_MET, overall_compliance="Overall compliance with the ISS"),
    ),
    Framework.SCCIF.value: _required(
        _SCCIF,
        overall_experiences_and_progress="Overall experiences and progress",
        helped_and_protected="How well children are helped and protected",
        leaders_and_managers="Effectiveness of leaders and managers",
    ),
    Framework.ISI_2023.value: _required(
        _MET,
        leadership_and_management="Leadership and management, and governance",
        quality_of_education="Quality of education, training and recreation",
        wellbeing="Physical and mental health and emotional wellbeing",
        social_and_economic_education="Social and economic education",
        safeguarding="Safeguarding",
    ),
    Framework.ESTYN_2022.value: _required(_ESTYN, follow_up="Follow-up activity"),
    # Which indicators are graded varies by inspectorate and visit, so none is required on its
    # own; a judgement with no graded indicator at all is unknown.
    Framework.SCOTLAND_6POINT.value: _optional(
        _SCOTLAND,
        leadership_of_change="1.3 Leadership of change",
        learning_teaching_and_assessment="2.3 Learning, teaching and assessment",
        wellbeing_equality_and_inclusion="3.1 Ensuring wellbeing, equality and inclusion",
        raising_attainment="3.2 Raising attainment and achievement",
        support_for_wellbeing="How well do we support people's wellbeing?",
        leadership="How good is our leadership?",
        staff_team="How good is our staff team?",
        setting="How good is our setting?",
        care_and_support_planning="How well is our care and support planned?",
    ),
    Framework.CQC.value: _optional(
        _CQC,
        overall="Overall",
        safe="Safe",
        effective="Effective",
        caring="Caring",
        responsive="Responsive",
        well_led="Well-led",
    ),
}

# NTI (notice to improve, before 2012) is not in RATINGS.md but is in Ofsted's 2017 files.
CATEGORIES_OF_CONCERN: dict[str, str] = {
    "SM": "Special measures",
    "RSI": "Requires significant improvement",
    "SWK": "Serious weaknesses",
    "NTI": "Notice to improve",
}
CATEGORY_SCALE = Scale(tuple(CATEGORIES_OF_CONCERN), CATEGORIES_OF_CONCERN)


def areas_of(framework: str) -> dict[str, Area]:
    if framework not in FRAMEWORK_SPEC:
        raise ValueError(f"Unknown inspection framework {framework!r}.")
    return {area.key: area for area in FRAMEWORK_SPEC[framework]}


def validate_grades(framework: str, grades: Mapping[str, str]) -> dict[str, str]:
    """{area key: message} for unknown areas, unpublished values and missing required areas."""
    areas = areas_of(framework)
    errors: dict[str, str] = {}
    for key, raw in grades.items():
        area = areas.get(key)
        if area is None:
            errors[key] = f"{Framework(framework).label} does not grade {key!r}."
        elif not is_blank(raw) and area.scale.canonical(raw) is None:
            expected = ", ".join(area.scale.describe(v) for v in area.scale.values)
            errors[key] = (
                f"{raw!r} is not a published grade for {area.label}; use one of: {expected}."
            )
    for area in areas.values():
        if area.required and is_blank(grades.get(area.key)):
            errors[area.key] = f"{area.label} is required."
    return errors


def normalise_grades(framework: str, grades: Mapping[str, str]) -> dict[str, str]:
    """The grades in their published spelling, blank ones left out; ValueError if unreadable."""
    areas = areas_of(framework)
    errors = validate_grades(framework, grades)
    if unreadable := [msg for key, msg in errors.items() if not is_blank(grades.get(key))]:
        raise ValueError(" ".join(unreadable))
    return {
        key: value
        for key, raw in grades.items()
        if not is_blank(raw) and (value := areas[key].scale.canonical(raw)) is not None
    }


def normalise_category(raw: str | None) -> str:
    """The category of concern's code ("SM", "RSI", ...), or "" for none; ValueError if unknown."""
    code = "" if is_blank(raw) else CATEGORY_SCALE.canonical(raw)
    if code is None:
        raise ValueError(
            f"{raw!r} is not a category of concern ({', '.join(CATEGORIES_OF_CONCERN)})."
        )
    return code
