"""The automatic checks: each requirement becomes pass, fail or 'needs an evaluator', with why.

Run when evaluation starts (at window close, or at submission on a DPS), against the evidence the
application links to and the settings' current inspection judgements on that day.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from providers.models import (
    Application,
    CheckResult,
    Evidence,
    EvidenceKind,
    InspectionJudgement,
    InsuranceType,
    Requirement,
    RequirementResult,
    Setting,
    SettingOverview,
)
from providers.ratings import Band, TenderOutcome, tender_outcome, worst_band

# The tender's minimum cover per insurance type. Less than this is not an automatic fail: an
# evaluator judges whether the cover is adequate for the settings offered.
MINIMUM_COVER: dict[str, Decimal] = {
    InsuranceType.EMPLOYERS_LIABILITY: Decimal("5000000"),
    InsuranceType.PUBLIC_LIABILITY: Decimal("5000000"),
    InsuranceType.PROFESSIONAL_INDEMNITY: Decimal("1000000"),
}
INSURANCE_REQUIREMENTS = {
    Requirement.EMPLOYERS_LIABILITY: InsuranceType.EMPLOYERS_LIABILITY,
    Requirement.PUBLIC_LIABILITY: InsuranceType.PUBLIC_LIABILITY,
    Requirement.PROFESSIONAL_INDEMNITY: InsuranceType.PROFESSIONAL_INDEMNITY,
}

Outcome = tuple[str, str]


def _money(amount: Decimal) -> str:
    return f"£{amount:,.0f}"


def _insurance(items: list[Evidence], insurance_type: str, on: datetime.date) -> Outcome:
    label = InsuranceType(insurance_type).label.lower()
    of_type = [
        e for e in items if e.kind == EvidenceKind.INSURANCE and e.insurance_type == insurance_type
    ]
    if not of_type:
        return CheckResult.FAIL, f"No {label} insurance certificate was provided."
    valid = [e for e in of_type if e.is_valid_on(on)]
    if not valid:
        latest = max((e.valid_until for e in of_type if e.valid_until), default=None)
        return (
            CheckResult.FAIL,
            f"The {label} insurance expired on {latest:%-d %B %Y}."
            if latest
            else (
                f"The {label} insurance has been replaced and no current certificate is attached."
            ),
        )
    best = max(valid, key=lambda e: e.cover_amount or Decimal(0))
    minimum = MINIMUM_COVER[insurance_type]
    cover = best.cover_amount or Decimal(0)
    expiry = f", valid until {best.valid_until:%-d %B %Y}" if best.valid_until else ""
    if cover < minimum:
        return CheckResult.NEEDS_EVALUATOR, (
            f"Cover of {_money(cover)} with {best.insurer} is below the usual minimum of "
            f"{_money(minimum)}."
        )
    return CheckResult.PASS, f"{_money(cover)} cover with {best.insurer}{expiry}."


def _present(
    items: list[Evidence], kind: str, on: datetime.date, *, judged: bool, what: str
) -> Outcome:
    """Presence of current evidence; `judged` ones still need an evaluator to read them."""
    of_kind = [e for e in items if e.kind == kind]
    if not of_kind:
        return CheckResult.FAIL, f"No {what} was provided."
    valid = [e for e in of_kind if e.is_valid_on(on)]
    if not valid:
        return CheckResult.FAIL, f"The {what} provided has expired."
    names = ", ".join(f"'{e.title}'" for e in valid)
    if judged:
        return (
            CheckResult.NEEDS_EVALUATOR,
            f"Provided: {names}. An evaluator judges whether it is appropriate.",
        )
    return CheckResult.PASS, f"Provided: {names}."


def current_judgements(settings: Iterable[Setting]) -> dict[int, list[InspectionJudgement]]:
    """The latest judgement per remit for each setting (predecessor schools' judgements ignored)."""
    latest: dict[tuple[int, str], InspectionJudgement] = {}
    judgements = InspectionJudgement.objects.filter(
        setting__in=list(settings), relates_to_current_urn=True
    ).order_by("setting_id", "remit", "-inspection_start_date", "-id")
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
        f"{j.inspection_start_date:%-d %B %Y}: "
        f"{Band(j.band).label.lower()}"
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


def run_checks(
    *, application: Application, on: datetime.date
) -> list[tuple[Requirement, Setting | None, Outcome]]:
    """Every requirement of the application with its automatic result and reason."""
    items = list(application.evidence.all())
    org_items = [e for e in items if e.setting_id is None]
    results: list[tuple[Requirement, Setting | None, Outcome]] = []
    for requirement, insurance_type in INSURANCE_REQUIREMENTS.items():
        results.append((requirement, None, _insurance(org_items, insurance_type, on)))
    results.append(
        (
            Requirement.POLICIES,
            None,
            _present(org_items, EvidenceKind.POLICY, on, judged=True, what="policy or procedure"),
        )
    )
    results.append(
        (
            Requirement.REGISTRATION,
            None,
            _present(
                org_items,
                EvidenceKind.REGISTRATION,
                on,
                judged=False,
                what="organisation registration",
            ),
        )
    )
    results.append(
        (
            Requirement.FINANCIAL_CHECK,
            None,
            _present(
                org_items,
                EvidenceKind.FINANCIAL_CHECK,
                on,
                judged=True,
                what="financial check evidence",
            ),
        )
    )
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
    judgements = current_judgements(settings)
    overviews = {o.setting_id: o for o in SettingOverview.objects.filter(setting__in=settings)}
    prices = list(application.prices.select_related("lot"))
    for setting in settings:
        mine = [e for e in items if e.setting_id == setting.pk]
        results.append(
            (
                Requirement.REGISTRATION_CERTIFICATE,
                setting,
                _present(
                    mine,
                    EvidenceKind.REGISTRATION_CERTIFICATE,
                    on,
                    judged=False,
                    what="registration certificate",
                ),
            )
        )
        dfe = _present(
            mine, EvidenceKind.DFE_REGISTRATION, on, judged=False, what="DfE registration"
        )
        if dfe[0] == CheckResult.PASS and setting.dfe_number:
            dfe = (CheckResult.PASS, f"DfE number {setting.dfe_number}. {dfe[1]}")
        results.append((Requirement.DFE_REGISTRATION, setting, dfe))
        reports = [
            e for e in mine if e.kind == EvidenceKind.INSPECTION_REPORT and e.is_valid_on(on)
        ]
        results.append(
            (Requirement.INSPECTION, setting, _inspection(judgements.get(setting.pk, []), reports))
        )
        results.append(
            (
                Requirement.STATEMENT_OF_PURPOSE,
                setting,
                _present(
                    mine,
                    EvidenceKind.STATEMENT_OF_PURPOSE,
                    on,
                    judged=True,
                    what="Statement of Purpose",
                ),
            )
        )
        overview = overviews.get(setting.pk)
        results.append(
            (
                Requirement.SERVICES_OVERVIEW,
                setting,
                (CheckResult.NEEDS_EVALUATOR, "Overview provided; an evaluator reads it.")
                if overview is not None and overview.is_complete()
                else (
                    CheckResult.FAIL,
                    "The overview of services, work with parents and the learner's "
                    "voice was not provided.",
                ),
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
