"""The band a judgement's grades earn, and what a band means for a tender and for alerts.

Versioned (RULE_VERSION), pure and without a database: the policy is JSON-shaped data, so a lead
authority's own policy (the shape of DEFAULT_POLICY) can be stored and passed in. The frameworks
and their grades are `providers.inspections.frameworks`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from django.db import models

from providers.inspections.frameworks import (
    CATEGORIES_OF_CONCERN,
    CATEGORY_SCALE,
    FRAMEWORK_SPEC,
    Area,
    Framework,
    areas_of,
    fold,
    is_blank,
    validate_grades,
)

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
        areas = areas_of(framework)
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
                scales += [CATEGORY_SCALE] if key == _CATEGORY and section != "pass" else []
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
    areas = areas_of(framework)
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
    category = CATEGORY_SCALE.canonical(category_of_concern) or ""
    if not category and not is_blank(category_of_concern):
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
        if category and category in map(CATEGORY_SCALE.canonical, rule.get(_CATEGORY, [])):
            reasons.append(f"Category of concern: {CATEGORY_SCALE.describe(category)}")
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
