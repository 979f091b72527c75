"""Inspection frameworks, their published grades, and the band derived from them (RATINGS.md).

No database: the policy is JSON-shaped data, so a lead authority's own policy (the shape of
DEFAULT_POLICY) can be stored and passed in. Labels are plain strings so that the module imports,
and the rules run, without Django settings.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from django.db import models

RULE_VERSION = "2026-11.1"


class Band(models.TextChoices):
    PASS = "pass", "Pass"
    CONCERN = "concern", "Concern"
    FAIL = "fail", "Fail"
    UNKNOWN = "unknown", "Unknown – needs review"


# Worst first: fail, concern, unknown, pass. Unknown only says that grades are missing or
# unreadable, so it must not outrank something an inspectorate actually published: a missing report
# card in one remit would otherwise hide an Inadequate, or a Requires improvement, in another from
# the alerts and from QA's risk order. It still outranks pass, since nobody has vouched for it.
BAND_SEVERITY: dict[str, int] = {Band.PASS: 0, Band.UNKNOWN: 1, Band.CONCERN: 2, Band.FAIL: 3}


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


def fold(raw: str | None) -> str:
    """The form values are compared in: case-insensitive, runs of whitespace as one space."""
    return " ".join((raw or "").split()).casefold()


def _is_blank(raw: str | None) -> bool:
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
_CATEGORY_SCALE = Scale(tuple(CATEGORIES_OF_CONCERN), CATEGORIES_OF_CONCERN)
_CATEGORY = "category_of_concern"  # a policy rule's key for the category, beside area keys
_ANY = "*"  # a policy rule's key for every area that the rule does not name

# Safeguarding not met, under each framework's name for it; SCCIF's helped and protected is the
# social care safeguarding judgement.
_SAFEGUARDING_FAILURES = {
    "safeguarding_is_effective": "No",
    "safeguarding": "Not met",
    "helped_and_protected": "Inadequate",
}

# Rules per framework. Fail, then concern, match when any graded area holds a value they list for
# it ("*" stands for every area the rule does not name). Pass needs each graded area it names, and
# with "*" every other graded area, to hold a listed value, and every required area to be graded.
# Anything else is unknown. Every category of concern is Ofsted's formal finding that a school is
# failing, so each one fails wherever Ofsted uses them.
DEFAULT_POLICY: dict[str, Any] = {
    "version": RULE_VERSION,
    "frameworks": {
        "ofsted_4point": {
            "fail": {
                "overall_effectiveness": ["4"],
                "safeguarding_is_effective": ["No"],
                _CATEGORY: list(CATEGORIES_OF_CONCERN),
            },
            "concern": {"overall_effectiveness": ["3"]},
            "pass": {"overall_effectiveness": ["1", "2"]},
        },
        "ofsted_eif_no_headline": {
            "fail": {
                "*": ["4"],
                "safeguarding_is_effective": ["No"],
                _CATEGORY: list(CATEGORIES_OF_CONCERN),
            },
            "concern": {"*": ["3"]},
            "pass": {"*": ["1", "2"], "safeguarding_is_effective": ["Yes"]},
        },
        "ofsted_report_card": {
            "fail": {
                "*": ["Urgent improvement"],
                "safeguarding": ["Not met"],
                _CATEGORY: list(CATEGORIES_OF_CONCERN),
            },
            "concern": {"*": ["Needs attention"]},
            "pass": {
                "*": ["Exceptional", "Strong standard", "Expected standard"],
                "safeguarding": ["Met"],
            },
        },
        "ofsted_iss": {
            "fail": {"part_3": ["Not met"], "part_8": ["Not met"]},
            "concern": {"*": ["Not met"]},
            "pass": {"*": ["Met"]},
        },
        # Helped and protected is SCCIF's limiting judgement: Inadequate there cannot sit under a
        # better overall grade, so it fails even when the overall grade is missing.
        "sccif": {
            "fail": {
                "overall_experiences_and_progress": ["Inadequate"],
                "helped_and_protected": ["Inadequate"],
            },
            "concern": {"*": ["Requires improvement to be good", "Inadequate"]},
            "pass": {"*": ["Outstanding", "Good"]},
        },
        "isi_2023": {
            "fail": {"safeguarding": ["Not met"]},
            "concern": {"*": ["Not met"]},
            "pass": {"*": ["Met"]},
        },
        "estyn_2022": {
            "fail": {"follow_up": ["Special measures", "Significant improvement"]},
            "concern": {"follow_up": ["Estyn review"]},
            "pass": {"follow_up": ["None"]},
        },
        "scotland_6point": {
            "fail": {"*": ["1", "2"]},
            "concern": {"*": ["3"]},
            "pass": {"*": ["4", "5", "6"]},
        },
        "cqc": {
            "fail": {"*": ["Inadequate"]},
            "concern": {"*": ["Requires improvement"]},
            "pass": {"*": ["Outstanding", "Good"]},
        },
    },
}


@dataclass(frozen=True)
class BandResult:
    """A derived band, the grades that decided it, and the version of the policy that decided."""

    band: Band
    reasons: tuple[str, ...]
    rule_version: str
    category_of_concern: str = ""
    safeguarding_not_met: bool = False


def _areas(framework: str) -> dict[str, Area]:
    if framework not in FRAMEWORK_SPEC:
        raise ValueError(f"Unknown inspection framework {framework!r}.")
    return {area.key: area for area in FRAMEWORK_SPEC[framework]}


def validate_grades(framework: str, grades: Mapping[str, str]) -> dict[str, str]:
    """{area key: message} for unknown areas, unpublished values and missing required areas."""
    areas = _areas(framework)
    errors: dict[str, str] = {}
    for key, raw in grades.items():
        area = areas.get(key)
        if area is None:
            errors[key] = f"{Framework(framework).label} does not grade {key!r}."
        elif not _is_blank(raw) and area.scale.canonical(raw) is None:
            expected = ", ".join(area.scale.describe(v) for v in area.scale.values)
            errors[key] = (
                f"{raw!r} is not a published grade for {area.label}; use one of: {expected}."
            )
    for area in areas.values():
        if area.required and _is_blank(grades.get(area.key)):
            errors[area.key] = f"{area.label} is required."
    return errors


def normalise_grades(framework: str, grades: Mapping[str, str]) -> dict[str, str]:
    """The grades in their published spelling, blank ones left out; ValueError if unreadable."""
    areas = _areas(framework)
    errors = validate_grades(framework, grades)
    if unreadable := [msg for key, msg in errors.items() if not _is_blank(grades.get(key))]:
        raise ValueError(" ".join(unreadable))
    return {
        key: value
        for key, raw in grades.items()
        if not _is_blank(raw) and (value := areas[key].scale.canonical(raw)) is not None
    }


def normalise_category(raw: str | None) -> str:
    """The category of concern's code ("SM", "RSI", ...), or "" for none; ValueError if unknown."""
    code = "" if _is_blank(raw) else _CATEGORY_SCALE.canonical(raw)
    if code is None:
        raise ValueError(
            f"{raw!r} is not a category of concern ({', '.join(CATEGORIES_OF_CONCERN)})."
        )
    return code


def policy_errors(policy: Mapping[str, Any]) -> list[str]:
    """Why a policy cannot be used: a mistyped area must not silently stop a rule firing."""
    errors = [] if str(policy.get("version") or "").strip() else ["The policy needs a version."]
    frameworks = policy.get("frameworks")
    if not isinstance(frameworks, Mapping):
        return [*errors, "The policy needs rules for each framework."]
    errors += [f"No rules for {Framework(f).label}." for f in FRAMEWORK_SPEC if f not in frameworks]
    for framework, sections in frameworks.items():
        if framework not in FRAMEWORK_SPEC:
            errors.append(f"Unknown framework {framework!r}.")
            continue
        areas = _areas(framework)
        if not isinstance(sections, Mapping) or not sections.get("pass"):
            errors.append(f"{framework} needs a pass rule, or nothing could ever pass.")
            continue
        for section, rule in sections.items():
            if section not in ("fail", "concern", "pass") or not isinstance(rule, Mapping):
                errors.append(f"{framework}: {section!r} is not a section of rules.")
                continue
            for key, values in rule.items():
                where = f"{framework}.{section}.{key}"
                scales = [a.scale for a in areas.values()] if key == _ANY else []
                scales += [areas[key].scale] if key in areas else []
                scales += [_CATEGORY_SCALE] if key == _CATEGORY and section != "pass" else []
                if not scales:
                    errors.append(f"{where}: unknown area {key!r}.")
                elif not isinstance(values, list):
                    errors.append(f"{where}: give a list of values.")
                else:
                    errors += [
                        f"{where}: {v!r} is not a published value."
                        for v in values
                        if all(s.canonical(v) is None for s in scales)
                    ]
    return errors


def _check(
    rule: Mapping[str, list[str]], areas: dict[str, Area], graded: dict[str, str]
) -> tuple[list[str], list[str]]:
    """(grades the rule lists, grades the rule constrains but does not list)."""
    listed: list[str] = []
    unlisted: list[str] = []
    for key, value in graded.items():
        values = rule[key] if key in rule else rule.get(_ANY)
        if values is not None:
            scale = areas[key].scale
            found = any(scale.canonical(v) == value for v in values)
            (listed if found else unlisted).append(f"{areas[key].label}: {scale.describe(value)}")
    return listed, unlisted


def derive_band(
    framework: str,
    grades: Mapping[str, str],
    *,
    category_of_concern: str = "",
    policy: Mapping[str, Any] | None = None,
) -> BandResult:
    """The band one judgement's grades earn under `policy` (by default DEFAULT_POLICY).

    Fail and concern are decided on whatever grades can be read, so a gap in the data never hides
    them; a missing, unreadable or uncovered grade makes the result unknown only otherwise.
    """
    if policy is None:
        policy = DEFAULT_POLICY
    elif problems := policy_errors(policy):
        raise ValueError("Unusable ratings policy: " + " ".join(problems))
    areas = _areas(framework)
    rules: Mapping[str, Mapping[str, list[str]]] = policy["frameworks"][framework]
    # In spec order, so that reasons read in the same order as the inspection report.
    read = {k: v for k in areas if (v := areas[k].scale.canonical(grades.get(k))) is not None}
    graded = {k: v for k, v in read.items() if v not in areas[k].scale.not_graded}
    problems = list(validate_grades(framework, grades).values())
    problems += [
        f"{areas[k].label} is {areas[k].scale.describe(v)}, so there is no grade to decide on."
        for k, v in read.items()
        if areas[k].required and k not in graded
    ]
    category = _CATEGORY_SCALE.canonical(category_of_concern) or ""
    if not category and not _is_blank(category_of_concern):
        category = category_of_concern.strip()
        problems.append(f"{category!r} is not a category of concern.")
    base = BandResult(
        Band.UNKNOWN,
        (),
        str(policy["version"]),
        category_of_concern=category,
        safeguarding_not_met=any(_SAFEGUARDING_FAILURES.get(k) == v for k, v in graded.items()),
    )

    for band in (Band.FAIL, Band.CONCERN):
        rule = rules.get(band.value, {})
        reasons, _ = _check(rule, areas, graded)
        if category and category in map(_CATEGORY_SCALE.canonical, rule.get(_CATEGORY, [])):
            reasons.append(f"Category of concern: {_CATEGORY_SCALE.describe(category)}")
        if reasons:
            return replace(base, band=band, reasons=tuple(reasons + problems))

    pass_rule = rules.get(Band.PASS.value, {})
    passing, uncovered = _check(pass_rule, areas, graded)
    problems += [
        f"{grade} is not a pass, a concern or a fail in this policy." for grade in uncovered
    ]
    if category in CATEGORIES_OF_CONCERN:
        problems.append(f"The policy does not say what category of concern {category} means here.")
    if not graded:
        problems.append("No area has a grade.")
    if problems:
        return replace(base, reasons=tuple(problems))
    return replace(base, band=Band.PASS, reasons=tuple(passing))


def worst_band(bands: Iterable[Band | str]) -> Band:
    """The worst of the bands by BAND_SEVERITY; unknown when there is none to go on."""
    return max((Band(b) for b in bands), key=lambda b: BAND_SEVERITY[b.value], default=Band.UNKNOWN)


class TenderOutcome(models.TextChoices):
    PASS = "pass", "Pass"
    PASS_WITH_FLAG = "pass_with_flag", "Pass, with a flag"
    NEEDS_EVALUATOR = "needs_evaluator", "Needs an evaluator"
    FAIL = "fail", "Fail"


_TENDER_OUTCOME = {
    Band.PASS.value: TenderOutcome.PASS,
    Band.CONCERN.value: TenderOutcome.PASS_WITH_FLAG,
    Band.UNKNOWN.value: TenderOutcome.NEEDS_EVALUATOR,
    Band.FAIL.value: TenderOutcome.FAIL,
}


def tender_outcome(band: Band | str) -> TenderOutcome:
    """The tender rule: red fails, amber passes with a flag, grey goes to an evaluator."""
    return _TENDER_OUTCOME[Band(band).value]


def _safeguarding_not_met(grades: Mapping[str, str] | None) -> bool:
    return any(
        fold(value) == fold(_SAFEGUARDING_FAILURES.get(key))
        for key, value in (grades or {}).items()
        if key in _SAFEGUARDING_FAILURES
    )


def is_alert_worthy(
    previous: BandResult | None,
    current: BandResult,
    *,
    previous_grades: Mapping[str, str] | None = None,
    current_grades: Mapping[str, str] | None = None,
    relates_to_current_urn: bool = True,
) -> tuple[bool, str]:
    """Whether a newly imported judgement should alert senior managers, and why.

    `previous` is the band of the same setting and remit before the import (None if there was
    none). Re-importing the same judgement compares it with itself, so it raises nothing.
    """
    if not relates_to_current_urn:
        return False, "The inspection belongs to a predecessor school, so it raises no alert."
    reasons = []
    now = Band(current.band).label
    # A move into unknown is a gap in the data, not a fall in a published grade: it goes to an
    # evaluator, not to the director of children's services.
    if current.band in (Band.CONCERN, Band.FAIL):
        if previous is None:
            reasons.append(f"The band is {now}, with no earlier judgement on record.")
        elif BAND_SEVERITY[current.band] > BAND_SEVERITY[previous.band]:
            reasons.append(f"The band fell from {Band(previous.band).label} to {now}.")
    was_not_met = bool(previous and previous.safeguarding_not_met)
    if (current.safeguarding_not_met or _safeguarding_not_met(current_grades)) and not (
        was_not_met or _safeguarding_not_met(previous_grades)
    ):
        reasons.append("Safeguarding became not met.")
    category = current.category_of_concern
    if category and category != (previous.category_of_concern if previous else ""):
        meaning = CATEGORIES_OF_CONCERN.get(category, "not a known category")
        reasons.append(f"Category of concern {category} ({meaning}) appeared.")
    if reasons:
        return True, " ".join(reasons)
    return False, "The band did not fall; no safeguarding failure or category of concern is new."
