"""Applications built straight into a state, without walking the service chain.

`factories.ready_provider` and the journey tests go through every service (start, scope, prices,
declarations, submit, window close, two evaluations, moderation, agreement). Most tests only need
an application *in* a state, to test the next step or a page about it; these builders write the
rows that chain would leave behind, and nothing else:

- `provider()`: what `ready_provider` makes (one setting, a good judgement, every piece of
  evidence, an overview), written as rows.
- `draft()`: lots, settings, the provider's evidence attached, a weekly price, declarations made.
- `submitted()`: plus `submitted_at`/`submitted_by` inside the open window.
- `under_evaluation()`: the window closed (evaluating), `evaluation_started_at`/`checks_run_at`,
  and the requirement results the automatic checks produce (`store_checks`, the checks' own
  function, so the results cannot drift from the rules).
- `evaluated()`: plus each evaluator's decision on every requirement (ready to moderate).
- `passed()` / `failed()`: the moderation, final results, outcome stamps, and for a pass the
  settings approved on the lots they priced (`SettingLot`). No membership: that begins when the
  agreement is signed.
- `member()`: a passed application whose agreement is signed (an active `FpsMembership`).

What they do not write: audit events and notifications of the steps skipped. A test that asserts
those walks the services. `tests/providers/onboarding/test_states_smoke.py` shows each state is
accepted by the next real service, so the builders stay honest.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from fps_portal.accounts.models import Role, User
from providers.models import (
    Application,
    ApplicationPrice,
    ApplicationState,
    EvaluationWindow,
    EvaluatorDecision,
    Evidence,
    FpsMembership,
    Lot,
    Moderation,
    Requirement,
    RequirementResult,
    SettingLot,
    SettingOverview,
    Verdict,
    WindowState,
)
from providers.selectors.application_prices import round_offers
from providers.services.checks import store_checks
from tests.factories import person
from tests.providers.onboarding.factories import (
    OVERVIEW,
    PDF_BYTES,
    ReadyProvider,
    lot_for,
    make_membership,
    open_window,
    provider_with_a_setting,
    ready_evidence,
)

PRICE = Decimal("3250.00")
CHECKED = "Checked against the evidence."


def provider(
    *, insurance_expires: datetime.date | None = None, grades: dict[str, str] | None = None
) -> ReadyProvider:
    """The same provider as `factories.ready_provider`, written as rows (no services, no audit)."""
    ready = provider_with_a_setting(grades=grades)
    for fields in ready_evidence(ready.setting, insurance_expires=insurance_expires):
        Evidence.objects.create(
            provider=ready.provider,
            file=ContentFile(PDF_BYTES, name="evidence.pdf"),
            original_filename="evidence.pdf",
            content_type="application/pdf",
            size_bytes=len(PDF_BYTES),
            uploaded_by=ready.user,
            **fields,
        )
    SettingOverview.objects.create(setting=ready.setting, updated_by=ready.user, **OVERVIEW)
    return ready


def draft(
    ready: ReadyProvider | None = None,
    window: EvaluationWindow | None = None,
    *,
    lot: Lot | None = None,
) -> Application:
    """A complete draft, ready to submit: what start, scope, prices and declarations leave."""
    ready = ready or provider()
    window = window or open_window()
    lot = lot or lot_for(window.purchasing_system)
    application = Application.objects.create(
        purchasing_system=window.purchasing_system,
        window=window,
        provider=ready.provider,
        created_by=ready.user,
        declared_accurate=True,
        declared_no_exclusion_grounds=True,
        declared_safeguarding=True,
    )
    application.lots.set([lot])
    application.settings.set([ready.setting])
    # The provider's current evidence, as `application_start` and `application_set_scope` attach.
    application.evidence.set(
        Evidence.objects.filter(provider=ready.provider, superseded_at__isnull=True)
    )
    # The setting's own price list holds the draft's price (issue 10: one list per setting).
    SettingLot.objects.get_or_create(
        setting=ready.setting, lot=lot, defaults={"weekly_price": PRICE}
    )
    return application


def submitted(
    ready: ReadyProvider | None = None,
    window: EvaluationWindow | None = None,
    *,
    lot: Lot | None = None,
) -> Application:
    """Submitted inside its open window by the provider's user."""
    ready = ready or provider()
    application = draft(ready, window, lot=lot)
    # Frozen at submission, as `application_freeze_prices` copies them.
    for offer in round_offers(application):
        ApplicationPrice.objects.create(
            application=application,
            setting=offer.setting,
            lot=offer.lot,
            weekly_price=offer.weekly_price,
        )
    application.state = ApplicationState.SUBMITTED
    application.submitted_at, application.submitted_by = timezone.now(), ready.user
    application.save(update_fields=["state", "submitted_at", "submitted_by"])
    return application


def close_window(window: EvaluationWindow) -> None:
    """The window as `window_close` leaves it (the same moment `factories.close` uses)."""
    if window.state == WindowState.OPEN:
        window.state, window.closed_at = (
            WindowState.EVALUATING,
            window.closes_at + datetime.timedelta(seconds=1),
        )
        window.save(update_fields=["state", "closed_at"])


def under_evaluation(
    ready: ReadyProvider | None = None,
    window: EvaluationWindow | None = None,
    *,
    lot: Lot | None = None,
) -> Application:
    """Its window closed and the automatic checks stored, as evaluation starts them."""
    window = window or open_window()
    application = submitted(ready, window, lot=lot)
    close_window(window)
    now = window.closed_at or timezone.now()
    application.state = ApplicationState.UNDER_EVALUATION
    application.evaluation_started_at = application.checks_run_at = now
    application.save(update_fields=["state", "evaluation_started_at", "checks_run_at"])
    store_checks(application=application, on=timezone.localdate(now))
    return application


def _automatic_or_pass(result: RequirementResult) -> str:
    # What `factories.evaluate` decides: the automatic result, pass where it needed an evaluator.
    return result.automatic_result if result.automatic_result in Verdict.values else Verdict.PASS


def _decide(
    application: Application,
    evaluators: Sequence[User],
    verdict_for: Callable[[RequirementResult], str],
) -> list[RequirementResult]:
    results = list(RequirementResult.objects.filter(application=application))
    EvaluatorDecision.objects.bulk_create(
        EvaluatorDecision(
            result=result, evaluator=evaluator, verdict=verdict_for(result), reason=CHECKED
        )
        for result in results
        for evaluator in evaluators
    )
    return results


def evaluated(
    ready: ReadyProvider | None = None,
    window: EvaluationWindow | None = None,
    *,
    evaluators: Sequence[User] | None = None,
    verdict: str | None = None,
) -> Application:
    """Under evaluation with every evaluator's decision on every requirement (two by default):
    what `factories.evaluate` records, ready for `application_moderate`. Each decision is the
    automatic result (pass where the checks needed an evaluator), or `verdict` for all."""
    application = under_evaluation(ready, window)
    _decide(
        application,
        evaluators or [person(Role.LEAD_EVALUATOR), person(Role.LEAD_EVALUATOR)],
        (lambda _result: verdict) if verdict else _automatic_or_pass,
    )
    return application


def _moderate(
    application: Application, *, outcome: str, failing: str | None, reason: str
) -> Moderation:
    def verdict_for(result: RequirementResult) -> str:
        return Verdict.FAIL if result.requirement == failing else _automatic_or_pass(result)

    evaluators = [person(Role.LEAD_EVALUATOR), person(Role.LEAD_EVALUATOR)]
    results = _decide(application, evaluators, verdict_for)
    for result in results:
        result.final_result = verdict_for(result)
        result.final_reason = CHECKED if result.final_result == Verdict.PASS else reason
    RequirementResult.objects.bulk_update(results, ["final_result", "final_reason"])
    moderation = Moderation.objects.create(
        application=application, outcome=outcome, reason=reason, moderator=evaluators[0]
    )
    moderation.evaluators.set(evaluators)
    application.state = (
        ApplicationState.PASSED if outcome == Verdict.PASS else ApplicationState.FAILED
    )
    application.outcome_at, application.outcome_by = moderation.moderated_at, evaluators[0]
    application.outcome_reason = reason
    application.save(update_fields=["state", "outcome_at", "outcome_by", "outcome_reason"])
    return moderation


def passed(
    ready: ReadyProvider | None = None, window: EvaluationWindow | None = None
) -> Application:
    """Moderated as passed by two evaluators: final results, outcome stamps, and each setting
    approved on the lots it priced (what `application_pass` writes)."""
    application = under_evaluation(ready, window)
    _moderate(application, outcome=Verdict.PASS, failing=None, reason="Meets every requirement.")
    now = timezone.now()
    for price in application.prices.all():
        SettingLot.objects.update_or_create(
            setting_id=price.setting_id,
            lot_id=price.lot_id,
            defaults={
                "weekly_price": price.weekly_price,
                "approved_at": now,
                "price_effective_from": timezone.localdate(),
            },
        )
    return application


def failed(
    ready: ReadyProvider | None = None,
    window: EvaluationWindow | None = None,
    *,
    failing: str = Requirement.POLICIES,
    reason: str = "No behaviour policy.",
) -> Application:
    """Moderated as failed on one organisation requirement (`failing`), with `reason`."""
    application = under_evaluation(ready, window)
    _moderate(application, outcome=Verdict.FAIL, failing=failing, reason=reason)
    return application


def member(
    ready: ReadyProvider | None = None, window: EvaluationWindow | None = None
) -> tuple[Application, FpsMembership]:
    """A passed application whose agreement its provider has signed: an active membership."""
    ready = ready or provider()
    application = passed(ready, window)
    now = timezone.now()
    membership = make_membership(
        purchasing_system=application.purchasing_system,
        provider=ready.provider,
        joined_at=now,
        state_changed_at=now,
        state_changed_by=ready.user,
        agreement_signed_at=now,
        agreement_signed_by=ready.user,
        agreement_signatory_name="Alex Morgan",
        agreement_signatory_role="Director",
    )
    return application, membership
