"""The lead authority's check of inspection judgements a provider reported for its own setting.

A provider's report waits (CheckStatus.AWAITING_CHECK) and never counts towards the band, so an
invented later inspection cannot lift a setting that councils should avoid. An evaluator looks it
up in the published report and confirms it (it counts from then on and the band is refreshed in
the same transaction) or rejects it with a reason (kept, shown to the provider with the reason,
never counts). Each decision is audited and the provider's users are told through the outbox.
"""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse

from fps_portal.accounts.recipients import provider_users
from fps_portal.actors import Actor
from fps_portal.dates import govuk_date
from fps_portal.errors import InvalidInput, NotAllowed, WrongState
from fps_portal.notifications.services import notify
from fps_portal.scoping import dangerously_unscoped
from fps_portal.transitions import allowed, transition
from providers.inspections.models import CHECK_TRANSITIONS, CheckStatus, InspectionJudgement
from providers.inspections.permissions import can_check_judgement
from providers.inspections.services.hooks import (
    confirmed_event,
    current_in_remit,
    run_confirmed_handlers,
)
from providers.inspections.services.setting_band import setting_refresh_band
from providers.models import Setting

OUTCOMES = (CheckStatus.CONFIRMED, CheckStatus.REJECTED)
OUTCOME_MISSING = "Select whether the judgement matches the published report."
REASON_MISSING = "Enter why the judgement is rejected, so the provider can put it right."


def _wrong_state_message(judgement: InspectionJudgement) -> str:
    on = f" on {govuk_date(judgement.checked_at)}" if judgement.checked_at else ""
    return (
        f"This judgement was already {judgement.get_check_status_display().lower()}{on}. "
        "A decision stands: if it was wrong, record the inspection again as published."
    )


@transaction.atomic
def judgement_check(
    *, judgement: InspectionJudgement, actor: Actor, outcome: str, reason: str
) -> InspectionJudgement:
    """Confirms or rejects a provider's report (`outcome` is CheckStatus.CONFIRMED or REJECTED).

    Raises NotAllowed for anyone but the lead authority's evaluators, InvalidInput for an unknown
    outcome or a rejection without a reason, WrongState when it is not awaiting check (checked
    already, or confirmed on entry).
    """
    if not can_check_judgement(actor):
        raise NotAllowed("Only the lead authority's evaluators can check a judgement.")
    reason = reason.strip()
    errors: dict[str, list[str]] = {}
    if outcome not in OUTCOMES:
        errors["outcome"] = [OUTCOME_MISSING]
    if outcome == CheckStatus.REJECTED and not reason:
        errors["reason"] = [REASON_MISSING]
    if errors:
        raise InvalidInput.on_fields(errors)
    # The setting first, then the judgement: the order `judgement_record` takes them in, so a
    # check and a new judgement for the same setting queue rather than deadlock.
    setting = dangerously_unscoped(Setting).select_for_update().get(pk=judgement.setting_id)
    locked = dangerously_unscoped(InspectionJudgement).select_for_update().get(pk=judgement.pk)
    # Checked before `transition`, which would name the state but not when it was decided.
    if not allowed(CHECK_TRANSITIONS, locked.check_status, outcome):
        raise WrongState(_wrong_state_message(locked))
    # What was current in the remit before the report counts, for the confirmed handlers.
    current_before = current_in_remit(setting_id=setting.pk, remit=locked.remit)
    transition(
        locked,
        to=outcome,
        table=CHECK_TRANSITIONS,
        field="check_status",
        event="checked",
        by=actor.user if actor.user.pk else None,
        also={"check_reason": reason},
        actor=actor,
        reason=reason
        or ("Confirmed against the published report." if outcome == CheckStatus.CONFIRMED else ""),
    )
    if outcome == CheckStatus.CONFIRMED:
        setting_refresh_band(setting=setting, actor=actor)
        run_confirmed_handlers(
            [confirmed_event(judgement=locked, before=current_before, actor=actor)]
        )
    _tell_provider(locked, setting)
    judgement.check_status, judgement.checked_at = locked.check_status, locked.checked_at
    judgement.checked_by, judgement.check_reason = locked.checked_by, locked.check_reason
    return locked


def _tell_provider(judgement: InspectionJudgement, setting: Setting) -> None:
    confirmed = judgement.check_status == CheckStatus.CONFIRMED
    notify(
        recipients=provider_users(setting.provider_id),
        event_key=f"judgement-checked:{judgement.pk}",
        template=(
            "notifications/judgement_confirmed"
            if confirmed
            else "notifications/judgement_not_confirmed"
        ),
        context={"judgement": judgement, "setting": setting},
        url=reverse("providers:setting-detail", args=[setting.pk]),
    )
