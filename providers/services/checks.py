"""The automatic checks: each requirement becomes pass, fail or 'needs an evaluator', with why.

Run when evaluation starts (at window close, or at submission on a DPS), against the evidence the
application links to and the settings' current inspection judgements on that day.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from fps_portal.dates import govuk_date
from providers.inspections.bands import Band, TenderOutcome, tender_outcome, worst_band
from providers.models import (
    Application,
    CheckResult,
    CheckStatus,
    Evidence,
    EvidenceKind,
    InspectionJudgement,
    InsuranceType,
    Requirement,
    RequirementResult,
    Setting,
    SettingOverview,
)
from providers.selectors.application_prices import price_lines

# The tender's minimum cover per insurance type. Less than this is not an automatic fail: an
# evaluator judges whether the cover is adequate for the settings offered.
MINIMUM_COVER: dict[str, Decimal] = {
    InsuranceType.EMPLOYERS_LIABILITY: Decimal("5000000"),
    InsuranceType.PUBLIC_LIABILITY: Decimal("5000000"),
    InsuranceType.PROFESSIONAL_INDEMNITY: Decimal("1000000"),
}


@dataclass(frozen=True)
class RequiredEvidence:
    """One piece of evidence the tender asks for and the evidence that meets it.

    ORGANISATION_EVIDENCE and SETTING_EVIDENCE are the one list of what is required: the
    automatic checks judge each entry when evaluation starts, and `missing_evidence` uses the
    same entries to stop an application being submitted without them.
    """

    requirement: str
    kind: str
    what: str  # as a person names it, fitting "No {what} was provided."
    insurance_type: str = ""
    # Present and current is not enough to pass: an evaluator reads it.
    judged: bool = False

    def met_by(self, item: Evidence) -> bool:
        return item.kind == self.kind and (
            not self.insurance_type or item.insurance_type == self.insurance_type
        )


def _insurance_rule(requirement: str, insurance_type: str) -> RequiredEvidence:
    label = InsuranceType(insurance_type).label.lower()
    return RequiredEvidence(
        requirement, EvidenceKind.INSURANCE, f"{label} insurance certificate", insurance_type
    )


ORGANISATION_EVIDENCE: tuple[RequiredEvidence, ...] = (
    _insurance_rule(Requirement.EMPLOYERS_LIABILITY, InsuranceType.EMPLOYERS_LIABILITY),
    _insurance_rule(Requirement.PUBLIC_LIABILITY, InsuranceType.PUBLIC_LIABILITY),
    _insurance_rule(Requirement.PROFESSIONAL_INDEMNITY, InsuranceType.PROFESSIONAL_INDEMNITY),
    RequiredEvidence(Requirement.POLICIES, EvidenceKind.POLICY, "policy or procedure", judged=True),
    RequiredEvidence(
        Requirement.REGISTRATION, EvidenceKind.REGISTRATION, "organisation registration"
    ),
    RequiredEvidence(
        Requirement.FINANCIAL_CHECK,
        EvidenceKind.FINANCIAL_CHECK,
        "financial check evidence",
        judged=True,
    ),
)
SETTING_EVIDENCE: tuple[RequiredEvidence, ...] = (
    RequiredEvidence(
        Requirement.REGISTRATION_CERTIFICATE,
        EvidenceKind.REGISTRATION_CERTIFICATE,
        "registration certificate",
    ),
    RequiredEvidence(
        Requirement.DFE_REGISTRATION, EvidenceKind.DFE_REGISTRATION, "DfE registration"
    ),
    # Only for a setting with a recorded judgement (see `_required_for`).
    RequiredEvidence(
        Requirement.INSPECTION, EvidenceKind.INSPECTION_REPORT, "last full inspection report"
    ),
    RequiredEvidence(
        Requirement.STATEMENT_OF_PURPOSE,
        EvidenceKind.STATEMENT_OF_PURPOSE,
        "Statement of Purpose",
        judged=True,
    ),
)
SERVICES_OVERVIEW_WHAT = "overview of services, work with parents and the learner's voice"


def _required_for(rule: RequiredEvidence, judgements: list[InspectionJudgement]) -> bool:
    # A setting not inspected yet has no report to give: its inspection requirement goes to an
    # evaluator instead (see `_inspection`).
    return rule.requirement != Requirement.INSPECTION or bool(judgements)


def _overview_given(overview: SettingOverview | None) -> bool:
    return overview is not None and overview.is_complete()


Outcome = tuple[str, str]


def _money(amount: Decimal) -> str:
    return f"£{amount:,.0f}"


def _insurance(items: list[Evidence], rule: RequiredEvidence, on: datetime.date) -> Outcome:
    insurance_type = rule.insurance_type
    label = InsuranceType(insurance_type).label.lower()
    of_type = [e for e in items if rule.met_by(e)]
    if not of_type:
        return CheckResult.FAIL, f"No {label} insurance certificate was provided."
    valid = [e for e in of_type if e.is_valid_on(on)]
    if not valid:
        latest = max((e.valid_until for e in of_type if e.valid_until), default=None)
        return (
            CheckResult.FAIL,
            f"The {label} insurance expired on {govuk_date(latest)}."
            if latest
            else (
                f"The {label} insurance has been replaced and no current certificate is attached."
            ),
        )
    best = max(valid, key=lambda e: e.cover_amount or Decimal(0))
    minimum = MINIMUM_COVER[insurance_type]
    cover = best.cover_amount or Decimal(0)
    expiry = f", valid until {govuk_date(best.valid_until)}" if best.valid_until else ""
    if cover < minimum:
        return CheckResult.NEEDS_EVALUATOR, (
            f"Cover of {_money(cover)} with {best.insurer} is below the usual minimum of "
            f"{_money(minimum)}."
        )
    return CheckResult.PASS, f"{_money(cover)} cover with {best.insurer}{expiry}."


def _present(items: list[Evidence], rule: RequiredEvidence, on: datetime.date) -> Outcome:
    """Presence of current evidence; `judged` ones still need an evaluator to read them."""
    of_kind = [e for e in items if rule.met_by(e)]
    if not of_kind:
        return CheckResult.FAIL, f"No {rule.what} was provided."
    valid = [e for e in of_kind if e.is_valid_on(on)]
    if not valid:
        return CheckResult.FAIL, f"The {rule.what} provided has expired."
    names = ", ".join(f"'{e.title}'" for e in valid)
    if rule.judged:
        return (
            CheckResult.NEEDS_EVALUATOR,
            f"Provided: {names}. An evaluator judges whether it is appropriate.",
        )
    return CheckResult.PASS, f"Provided: {names}."


def latest_unrejected_judgements_by_setting(
    settings: Iterable[Setting],
) -> dict[int, list[InspectionJudgement]]:
    """The latest judgement per remit for each setting (predecessor schools' judgements ignored).

    Unlike the band, the tender's check reads what the applicant reports before the lead
    authority has confirmed it (the evaluators check it against the report as they evaluate),
    but never a report the lead authority has rejected.
    """
    latest: dict[tuple[int, str], InspectionJudgement] = {}
    judgements = (
        InspectionJudgement.objects.filter(setting__in=list(settings), relates_to_current_urn=True)
        .exclude(check_status=CheckStatus.REJECTED)
        .order_by("setting_id", "remit", "-inspection_start_date", "-id")
    )
    for judgement in judgements:
        latest.setdefault((judgement.setting_id, judgement.remit), judgement)
    by_setting: dict[int, list[InspectionJudgement]] = defaultdict(list)
    for (setting_id, _remit), judgement in latest.items():
        by_setting[setting_id].append(judgement)
    return by_setting


def _inspection(judgements: list[InspectionJudgement], reports: list[Evidence]) -> Outcome:
    if not judgements:
        return CheckResult.NEEDS_EVALUATOR, "No inspection judgement is recorded for this setting."
    band = worst_band(j.band for j in judgements)
    described = "; ".join(
        f"{j.get_framework_display()} ({j.get_remit_display().lower()}) of "
        f"{govuk_date(j.inspection_start_date)}: "
        f"{Band(j.band).label.lower()}"
        + (
            " (reported by the provider, awaiting check)"
            if j.check_status == CheckStatus.AWAITING_CHECK
            else ""
        )
        for j in judgements
    )
    outcome = tender_outcome(band)
    if outcome == TenderOutcome.FAIL:
        return CheckResult.FAIL, f"The current inspection band is fail. {described}."
    if outcome == TenderOutcome.NEEDS_EVALUATOR:
        return (
            CheckResult.NEEDS_EVALUATOR,
            f"The band cannot be worked out automatically. {described}.",
        )
    if not reports:
        return CheckResult.FAIL, f"The last full inspection report was not provided. {described}."
    flag = (
        " Passed with a flag: the band is concern."
        if outcome == TenderOutcome.PASS_WITH_FLAG
        else ""
    )
    return CheckResult.PASS, f"{described}.{flag}"


def _check(items: list[Evidence], rule: RequiredEvidence, on: datetime.date) -> Outcome:
    return _insurance(items, rule, on) if rule.insurance_type else _present(items, rule, on)


def run_checks(
    *, application: Application, on: datetime.date
) -> list[tuple[Requirement, Setting | None, Outcome]]:
    """Every requirement of the application with its automatic result and reason."""
    items = list(application.evidence.all())
    org_items = [e for e in items if e.setting_id is None]
    results: list[tuple[Requirement, Setting | None, Outcome]] = [
        (Requirement(rule.requirement), None, _check(org_items, rule, on))
        for rule in ORGANISATION_EVIDENCE
    ]
    declared = (
        application.declared_accurate
        and application.declared_no_exclusion_grounds
        and application.declared_safeguarding
    )
    results.append(
        (
            Requirement.DECLARATIONS,
            None,
            (CheckResult.PASS, "All declarations were made.")
            if declared
            else (CheckResult.FAIL, "Not every declaration was made."),
        )
    )
    settings = list(application.settings.all())
    judgements = latest_unrejected_judgements_by_setting(settings)
    overviews = {o.setting_id: o for o in SettingOverview.objects.filter(setting__in=settings)}
    # The frozen tender lines once submitted; a draft's settings' own list before.
    prices = price_lines(application)
    for setting in settings:
        mine = [e for e in items if e.setting_id == setting.pk]
        for rule in SETTING_EVIDENCE:
            if rule.requirement == Requirement.INSPECTION:
                reports = [e for e in mine if rule.met_by(e) and e.is_valid_on(on)]
                outcome = _inspection(judgements.get(setting.pk, []), reports)
            else:
                outcome = _check(mine, rule, on)
            if (
                rule.requirement == Requirement.DFE_REGISTRATION
                and outcome[0] == CheckResult.PASS
                and setting.dfe_number
            ):
                outcome = (CheckResult.PASS, f"DfE number {setting.dfe_number}. {outcome[1]}")
            results.append((Requirement(rule.requirement), setting, outcome))
        results.append(
            (
                Requirement.SERVICES_OVERVIEW,
                setting,
                (CheckResult.NEEDS_EVALUATOR, "Overview provided; an evaluator reads it.")
                if _overview_given(overviews.get(setting.pk))
                else (CheckResult.FAIL, f"The {SERVICES_OVERVIEW_WHAT} was not provided."),
            )
        )
        setting_prices = [p for p in prices if p.setting_id == setting.pk]
        results.append(
            (
                Requirement.PRICES,
                setting,
                (
                    CheckResult.PASS,
                    ", ".join(
                        f"£{p.weekly_price:,} a week on lot {p.lot.code}" for p in setting_prices
                    )
                    + ".",
                )
                if setting_prices
                else (CheckResult.FAIL, "No weekly price was given for this setting."),
            )
        )
    return results


def missing_evidence(application: Application) -> list[str]:
    """Each piece of required evidence the application has not attached, as a person names it
    (setting-level ones name the setting: "Statement of Purpose for Oakfield House"), including
    each setting's overview of services; empty when nothing is missing.

    This asks only whether something is attached. Whether it is still current is for the checks
    on the day evaluation starts, which is when the tender judges it.
    """
    items = list(application.evidence.all())
    missing = [
        rule.what
        for rule in ORGANISATION_EVIDENCE
        if not any(rule.met_by(e) for e in items if e.setting_id is None)
    ]
    settings = list(application.settings.order_by("name"))
    judgements = latest_unrejected_judgements_by_setting(settings)
    overviews = {o.setting_id: o for o in SettingOverview.objects.filter(setting__in=settings)}
    for setting in settings:
        mine = [e for e in items if e.setting_id == setting.pk]
        missing.extend(
            f"{rule.what} for {setting.name}"
            for rule in SETTING_EVIDENCE
            if _required_for(rule, judgements.get(setting.pk, []))
            and not any(rule.met_by(e) for e in mine)
        )
        if not _overview_given(overviews.get(setting.pk)):
            missing.append(f"{SERVICES_OVERVIEW_WHAT} for {setting.name}")
    return missing


def store_checks(*, application: Application, on: datetime.date) -> list[RequirementResult]:
    RequirementResult.objects.filter(application=application).delete()
    rows = [
        RequirementResult(
            application=application,
            setting=setting,
            requirement=requirement,
            automatic_result=outcome[0],
            automatic_reason=outcome[1],
        )
        for requirement, setting, outcome in run_checks(application=application, on=on)
    ]
    return RequirementResult.objects.bulk_create(rows)
