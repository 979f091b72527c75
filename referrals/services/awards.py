"""The award and its reasons (A28, A61-A76), and a direct award's completion. Its approval and
rejection are `award_decisions`, the outcome letters `award_letters`, no suitable provider and
re-running on another route `referral_outcomes`.

Lock order, everywhere: the referral, then its award, then its invitations. Two commissioners
awarding at once queue on the referral's row, and the second finds the first's award (a partial
unique constraint, one live award per referral, backs this up where rows are not locked).

An award completes at once, or after its named approver (a senior manager) approves it when its
annual value is above the authority's threshold, or after the RI/Inadequate steps when the
setting's band is concern or fail (`referrals.services.risk`). On completion the referral is
awarded, every invitation's outcome is set, the awarded provider is told and may read the
child's record, and every other invitee gets its outcome letter once (its own scores per
criterion, the winning scores, the reasons; never the child's identity).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from fps_portal.accounts.models import Role, User
from fps_portal.accounts.recipients import provider_users
from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record, snapshot
from fps_portal.errors import InvalidInput, NotAllowed, WrongState
from fps_portal.notifications.services import notify
from fps_portal.scoping import dangerously_unscoped
from fps_portal.transitions import lock, transition
from providers.inspections.bands import Band
from providers.models import Setting
from referrals.models import (
    AWARD_TRANSITIONS,
    REFERRAL_TRANSITIONS,
    AuthorisationState,
    AuthorityPlacementRules,
    Award,
    AwardService,
    AwardState,
    Child,
    Invitation,
    Outcome,
    Referral,
    ReferralState,
    Response,
    RiskApproval,
    RouteCase,
)
from referrals.permissions import SIGN_OFF_POSITIONS
from referrals.selectors.awards import live_award
from referrals.selectors.ranking import evaluation_ranking
from referrals.services.award_handlers import award_completed
from referrals.services.award_letters import outcome_letters_send
from referrals.services.evaluation import _closed_referral, can_evaluate

#: Bands whose award waits for the Requires Improvement / Inadequate steps (C5-C8).
RISK_BANDS = frozenset({Band.CONCERN, Band.FAIL})
AWARD_FIELDS = [
    "state",
    "response",
    "provider",
    "setting",
    "reasons",
    "agreed_weekly_price",
    "price_negotiation_note",
    "start_date",
    "end_date",
    "differs_from_parental_preference",
    "parental_preference_reason",
    "approver",
    "band_at_award",
]

ALREADY_DECIDED = "This referral already has an award ({state}); a second cannot be made."
REASONS_MISSING = (
    "Enter the reasons for the award: they are the evidence base, and unsuccessful providers "
    "are told them."
)
PRICE_MISSING = "Enter the agreed weekly price."
PRICE_NOTE_MISSING = "Enter why the agreed price differs from the bid of {bid}."
START_MISSING = "Enter the start date."
END_BEFORE_START = "The end date must be after the start date."
PREFERENCE_REASON_MISSING = "Enter why the award differs from the parents' preference."
APPROVER_MISSING = (
    "Select the senior manager who will approve this award: its annual value of £{value} is "
    "above your authority's threshold of £{threshold}."
)
APPROVER_INVALID = "Select a senior manager of your authority other than yourself."
EXCLUDED = "This response failed a pass or fail criterion, so it cannot be awarded."
INCOMPLETE = "Mark every criterion of this response before awarding it."
NAMES_THE_CHILD = "Do not name the child or give the case number: providers are told these words."


@dataclass(frozen=True)
class ServiceLine:
    """An additional service carried into the award (from the response, or changed)."""

    name: str
    unit: str
    rate: Decimal
    quantity: Decimal


def names_the_child(text: str, child: Child | None) -> bool:
    """Whether `text` holds the child's given or family name or case number (as a whole word)."""
    if child is None or not text:
        return False
    for value in (child.given_name, child.family_name, child.case_number):
        value = value.strip()
        if value and re.search(rf"(?<!\w){re.escape(value)}(?!\w)", text, re.IGNORECASE):
            return True
    return False


def annual_value(*, weekly_price: Decimal, places: int, weeks: int = 52) -> Decimal:
    return weekly_price * weeks * places


def approval_threshold(referral: Referral) -> Decimal | None:
    rules = (
        dangerously_unscoped(AuthorityPlacementRules)
        .filter(authority_id=referral.authority_id)
        .first()
    )
    return rules.award_approval_threshold if rules is not None else None


def needs_approval(referral: Referral, weekly_price: Decimal | None) -> bool:
    threshold = approval_threshold(referral)
    if threshold is None or weekly_price is None:
        return False
    return annual_value(weekly_price=weekly_price, places=referral.places) > threshold


def approvers_for(referral: Referral) -> list[User]:
    """The authority's senior managers, who may be named to approve an award."""
    return list(
        User.objects.filter(
            is_active=True,
            memberships__organisation_id=referral.authority_id,
            memberships__role=Role.SENIOR_MANAGER,
            memberships__is_active=True,
        )
        .distinct()
        .order_by("full_name", "email")
    )


def sign_off_managers(referral: Referral) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            memberships__organisation_id=referral.authority_id,
            memberships__role=Role.SENIOR_MANAGER,
            memberships__senior_position__in=SIGN_OFF_POSITIONS,
            memberships__is_active=True,
        ).distinct()
    )


def _check_services(services: Sequence[ServiceLine], errors: dict[str, str]) -> None:
    for index, line in enumerate(services):
        if not line.name.strip():
            errors[f"services.{index}.name"] = "Enter the service's name."
        if not line.unit.strip():
            errors[f"services.{index}.unit"] = "Enter the unit, e.g. hour."
        if line.rate is None or line.rate < 0:
            errors[f"services.{index}.rate"] = "Enter a rate of £0 or more."
        if line.quantity is None or line.quantity <= 0:
            errors[f"services.{index}.quantity"] = "Enter a quantity greater than 0."


def current_band(setting_id: int | None) -> str:
    if setting_id is None:
        return ""
    return (
        dangerously_unscoped(Setting)
        .filter(pk=setting_id)
        .values_list("current_band", flat=True)
        .first()
        or ""
    )


def child_of(referral: Referral) -> Child | None:
    if referral.child_id is None:
        return None
    return dangerously_unscoped(Child).filter(pk=referral.child_id).first()


def referral_of(response: Response) -> Referral:
    return (
        dangerously_unscoped(Referral)
        .select_related("child")
        .get(pk=response.invitation.referral_id)
    )


@transaction.atomic
def award_propose(
    *,
    actor: Actor,
    response: Response,
    reasons: str,
    agreed_weekly_price: Decimal | None,
    start_date: datetime.date | None,
    services: Sequence[ServiceLine] = (),
    price_negotiation_note: str = "",
    end_date: datetime.date | None = None,
    parental_preference_reason: str = "",
    approver: User | None = None,
) -> Award:
    """Awards the referral to this response's setting, with the award's reasons.

    Completes at once unless it needs its named approver (annual value above the authority's
    threshold) or the RI/Inadequate steps (the setting's band is concern or fail). Raises
    NotAllowed for anyone but the placing authority's commissioners and senior managers,
    WrongState unless the referral is closed and has no live award, InvalidInput for what is
    missing or wrong (by field).
    """
    referral = _closed_referral(actor, referral_of(response))
    referral.child = child_of(referral)
    if (existing := live_award(referral)) is not None:
        raise WrongState(ALREADY_DECIDED.format(state=existing.get_state_display().lower()))
    ranking = evaluation_ranking(referral=referral, actor=actor)
    item = ranking.find(response.pk)
    if item is None:
        raise InvalidInput.on_fields({"response": "Select a submitted response to this referral."})
    if item.excluded:
        raise InvalidInput.on_fields({"response": EXCLUDED})
    if not item.complete:
        raise InvalidInput.on_fields({"response": INCOMPLETE})
    reasons = reasons.strip()
    price_negotiation_note = price_negotiation_note.strip()
    parental_preference_reason = parental_preference_reason.strip()
    errors: dict[str, str] = {}
    if not reasons:
        errors["reasons"] = REASONS_MISSING
    elif names_the_child(reasons, referral.child):
        errors["reasons"] = NAMES_THE_CHILD
    if agreed_weekly_price is None or agreed_weekly_price <= 0:
        errors["agreed_weekly_price"] = PRICE_MISSING
    elif agreed_weekly_price != response.weekly_price and not price_negotiation_note:
        errors["price_negotiation_note"] = PRICE_NOTE_MISSING.format(bid=response.weekly_price)
    if start_date is None:
        errors["start_date"] = START_MISSING
    elif end_date is not None and end_date <= start_date:
        errors["end_date"] = END_BEFORE_START
    _check_services(services, errors)
    differs = bool(ranking.preferences) and response.setting_id not in ranking.preferred_setting_ids
    if differs and not parental_preference_reason:
        errors["parental_preference_reason"] = PREFERENCE_REASON_MISSING
    if not differs:
        parental_preference_reason = ""
    approval = agreed_weekly_price is not None and needs_approval(referral, agreed_weekly_price)
    if approval:
        threshold = approval_threshold(referral)
        value = annual_value(weekly_price=agreed_weekly_price, places=referral.places)  # type: ignore[arg-type]
        if approver is None:
            errors["approver"] = APPROVER_MISSING.format(value=value, threshold=threshold)
        elif approver.pk == actor.user.pk or approver not in approvers_for(referral):
            errors["approver"] = APPROVER_INVALID
    if errors:
        raise InvalidInput.on_fields(errors)
    assert agreed_weekly_price is not None and start_date is not None
    # The band as it is now, not as the caller's copy of the setting last read it.
    band = current_band(response.setting_id)
    if approval:
        state = AwardState.AWAITING_APPROVAL
    elif band in RISK_BANDS:
        state = AwardState.AWAITING_SIGN_OFF
    else:
        state = AwardState.COMPLETE
    try:
        with transaction.atomic():
            award = Award.objects.create(
                referral=referral,
                response=response,
                provider_id=response.invitation.provider_id,
                setting_id=response.setting_id,
                state=state,
                reasons=reasons,
                agreed_weekly_price=agreed_weekly_price,
                price_negotiation_note=price_negotiation_note,
                start_date=start_date,
                end_date=end_date,
                differs_from_parental_preference=differs,
                parental_preference_reason=parental_preference_reason,
                approver=approver if approval else None,
                band_at_award=band,
                proposed_by=actor.user if actor.user.pk else None,
                completed_at=timezone.now() if state == AwardState.COMPLETE else None,
            )
    except IntegrityError as exc:  # another award won the race where rows are not locked
        raise WrongState(ALREADY_DECIDED.format(state="made meanwhile")) from exc
    AwardService.objects.bulk_create(
        AwardService(
            award=award,
            name=line.name.strip(),
            unit=line.unit.strip(),
            rate=line.rate,
            quantity=line.quantity,
        )
        for line in services
    )
    audit_record(
        actor=actor,
        verb=AuditVerb.CREATED,
        obj=award,
        after={
            **snapshot(award, AWARD_FIELDS),
            "services": [line.__dict__ for line in services],
        },
        reason=reasons,
    )
    if state == AwardState.AWAITING_APPROVAL:
        _ask_approver(award, referral)
    elif state == AwardState.AWAITING_SIGN_OFF:
        open_sign_off(award, referral)
    else:
        award_complete(award=award, referral=referral, actor=actor)
    return award


def _ask_approver(award: Award, referral: Referral) -> None:
    assert award.approver is not None
    notify(
        recipients=[award.approver],
        event_key=f"referral-award-approval:{award.pk}",
        template="notifications/referrals_award_approval",
        context={"award": award, "referral": referral},
        url=reverse("referrals:award-approval", args=[award.pk]),
    )


def open_sign_off(award: Award, referral: Referral) -> None:
    """The award waits for the RI/Inadequate steps: the record of them, and the two managers
    told. The award's state is AWAITING_SIGN_OFF (set by the caller)."""
    if award.state != AwardState.AWAITING_SIGN_OFF:
        change = transition(
            award, to=AwardState.AWAITING_SIGN_OFF, table=AWARD_TRANSITIONS, what="award"
        )
        audit_record(
            actor=None,
            verb=AuditVerb.STATE_CHANGED,
            obj=award,
            before=change.before,
            after=change.after,
            reason="The setting's band is concern or fail: the risk sign-offs are needed.",
        )
    RiskApproval.objects.get_or_create(award=award)
    notify(
        recipients=sign_off_managers(referral),
        event_key=f"referral-award-sign-off:{award.pk}",
        template="notifications/referrals_award_sign_off",
        context={"award": award, "referral": referral},
        url=reverse("referrals:risk-sign-off", args=[award.pk]),
    )


def award_complete(*, award: Award, referral: Referral, actor: Actor) -> Award:
    """The award stands: the referral is awarded, outcomes set, the winner told and every other
    invitee sent its letter once. Runs inside the caller's transaction, the referral locked."""
    if award.state != AwardState.COMPLETE:
        change = transition(
            award, to=AwardState.COMPLETE, table=AWARD_TRANSITIONS, event="completed", what="award"
        )
        audit_record(
            actor=actor,
            verb=AuditVerb.STATE_CHANGED,
            obj=award,
            before=change.before,
            after=change.after,
        )
    elif award.completed_at is None:
        award.completed_at = timezone.now()
        award.save(update_fields=["completed_at"])
    referral_change = transition(
        referral,
        to=ReferralState.AWARDED,
        table=REFERRAL_TRANSITIONS,
        event="awarded",
        by=actor.user if actor.user.pk else None,
        what="referral",
    )
    audit_record(
        actor=actor,
        verb=AuditVerb.STATE_CHANGED,
        obj=referral,
        before=referral_change.before,
        after=referral_change.after,
        reason=award.reasons,
    )
    invitations = dangerously_unscoped(Invitation).filter(referral_id=referral.pk)
    invitations.filter(provider_id=award.provider_id).update(outcome=Outcome.AWARDED)
    invitations.exclude(provider_id=award.provider_id).update(outcome=Outcome.UNSUCCESSFUL)
    if award.provider_id is not None:
        notify(
            recipients=provider_users(award.provider_id),
            event_key=f"referral-awarded:{award.pk}",
            template="notifications/referrals_awarded",
            context={"award": award, "referral": referral},
            url=reverse("referrals:awarded-placement", args=[award.pk]),
        )
    outcome_letters_send(referral=referral, actor=actor)
    award_completed(award=award, actor=actor)
    return award


@transaction.atomic
def award_direct(*, actor: Actor, route_case: RouteCase) -> Award:
    """The award of a direct award or spot purchase, once its route case is authorised: to the
    provider and setting the case names, at its weekly price, for the justification it records.
    Called again for the same referral it returns the award made (one award per referral). An
    award to a concern or fail setting waits for the risk sign-offs like any other."""
    referral = dangerously_unscoped(Referral).get(pk=route_case.referral_id)
    if not can_evaluate(actor, referral):
        raise NotAllowed("Only the placing authority's own staff complete its direct awards.")
    referral = lock(referral)
    case = dangerously_unscoped(RouteCase).select_for_update().get(pk=route_case.pk)
    if (existing := live_award(referral)) is not None:
        return existing
    if case.state != AuthorisationState.AUTHORISED:
        raise WrongState("The case must be authorised by a head of service or director first.")
    if referral.state != ReferralState.AWAITING_AUTHORISATION:
        raise WrongState(
            f"This referral is {referral.get_state_display().lower()}, so it cannot be awarded."
        )
    setting = case.setting
    band = current_band(setting.pk) if setting is not None else ""
    state = AwardState.AWAITING_SIGN_OFF if band in RISK_BANDS else AwardState.COMPLETE
    award = Award.objects.create(
        referral=referral,
        response=None,
        provider_id=case.provider_id,
        setting=setting,
        state=state,
        reasons=case.justification,
        agreed_weekly_price=case.weekly_price,
        start_date=referral.start_date,
        end_date=referral.expected_end_date,
        band_at_award=band,
        proposed_by=case.submitted_by,
        completed_at=timezone.now() if state == AwardState.COMPLETE else None,
    )
    audit_record(
        actor=actor,
        verb=AuditVerb.CREATED,
        obj=award,
        after=snapshot(award, AWARD_FIELDS),
        reason=f"{referral.get_route_display()} authorised.",
    )
    if state == AwardState.AWAITING_SIGN_OFF:
        open_sign_off(award, referral)
    else:
        award_complete(award=award, referral=referral, actor=actor)
    return award


def approver_choices(referral: Referral, actor: Actor) -> list[User]:
    """Who the commissioner may name as approver: the authority's senior managers but themself."""
    return [u for u in approvers_for(referral) if u.pk != actor.user.pk]
