"""The lead authority's decision on a fail band: suspend the provider's membership, or keep it
and record why not.

A rating alert whose new band is a fail waits on the lead authority's queue (DecisionState
PENDING) and puts the setting "under review" in search and on its page. The decision is taken
for the setting: every alert of it still pending is decided with it, the setting stops being
under review, and each is audited. Suspending goes through the providers app's own membership
service (`membership_change`), which audits the suspension and tells the provider; a provider
with no active membership has none to suspend, and the page says so at the field.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record, snapshot
from fps_portal.dates import govuk_date
from fps_portal.errors import InvalidInput, NotAllowed, WrongState
from fps_portal.scoping import dangerously_unscoped
from fps_portal.transitions import transition
from providers.models import FpsMembership, MembershipState, Setting
from providers.services.membership import membership_change
from quality.models import DECISION_TRANSITIONS, DecisionState, RatingAlert

OUTCOMES = (DecisionState.SUSPENDED, DecisionState.KEPT)
OUTCOME_MISSING = "Select whether to suspend the provider's membership or keep it."
REASON_MISSING = "Enter the reason for the decision."
REVIEW_MISSING = "Enter the date the suspension will be reviewed."
REVIEW_NOT_FUTURE = "The review date must be in the future."
NOTHING_TO_SUSPEND = (
    "The provider has no active membership to suspend. Keep it and record why (for example, "
    "it is already suspended)."
)


def _already_decided(alert: RatingAlert) -> str:
    if alert.decision_state == DecisionState.NONE:
        return "This alert is not a fail band, so there is no decision to make."
    return (
        f"The lead authority already decided on {govuk_date(alert.decided_at)}: "
        f"{alert.get_decision_state_display().lower()}."
    )


@transaction.atomic
def alert_decide(
    *,
    actor: Actor,
    alert: RatingAlert,
    outcome: str,
    reason: str,
    review_on: datetime.date | None = None,
) -> RatingAlert:
    """Records the lead authority's decision on the fail band of `alert`'s setting."""
    if not actor.is_lead_evaluator:
        raise NotAllowed("Only the lead authority's evaluators decide on a fail band.")
    reason = reason.strip()
    errors: dict[str, list[str]] = {}
    if outcome not in OUTCOMES:
        errors["outcome"] = [OUTCOME_MISSING]
    if not reason:
        errors["reason"] = [REASON_MISSING]
    if outcome == DecisionState.SUSPENDED:
        if review_on is None:
            errors["review_on"] = [REVIEW_MISSING]
        elif review_on <= timezone.localdate():
            errors["review_on"] = [REVIEW_NOT_FUTURE]
    if errors:
        raise InvalidInput.on_fields(errors)
    # The setting first, the order the recording of a judgement (which raises alerts) takes.
    setting = dangerously_unscoped(Setting).select_for_update().get(pk=alert.setting_id)
    locked = RatingAlert.objects.select_for_update().get(pk=alert.pk)
    if locked.decision_state != DecisionState.PENDING:
        raise WrongState(_already_decided(locked))
    if outcome == DecisionState.SUSPENDED:
        memberships = list(
            dangerously_unscoped(FpsMembership).filter(
                provider_id=setting.provider_id, state=MembershipState.ACTIVE
            )
        )
        if not memberships:
            raise InvalidInput.on_fields({"outcome": [NOTHING_TO_SUSPEND]})
        for membership in memberships:
            membership_change(
                actor=actor,
                membership=membership,
                action="suspend",
                reason=f"{setting.name}: {reason}",
                review_on=review_on,
            )
    pending = RatingAlert.objects.select_for_update().filter(
        setting_id=setting.pk, decision_state=DecisionState.PENDING
    )
    for each in pending:
        transition(
            each,
            to=outcome,
            table=DECISION_TRANSITIONS,
            field="decision_state",
            event="decided",
            by=actor.user if actor.user.pk else None,
            also={"decision_reason": reason},
            what="decision",
            actor=actor,
            verb=AuditVerb.DECIDED,
            reason=reason,
        )
    _end_review(setting, actor)
    locked.refresh_from_db()
    return locked


def _end_review(setting: Setting, actor: Actor) -> None:
    if setting.under_review_since is None:
        return
    before = snapshot(setting, ["under_review_since"])
    dangerously_unscoped(Setting).filter(pk=setting.pk).update(under_review_since=None)
    setting.under_review_since = None
    audit_record(
        actor=actor,
        verb=AuditVerb.STATE_CHANGED,
        obj=setting,
        before=before,
        after={"under_review_since": None},
        reason="No longer under review: the lead authority decided on the fail band.",
    )
