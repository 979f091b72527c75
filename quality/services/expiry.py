"""Evidence expiry clocks (issue 13): reminders 60, 30 and 7 days before an item expires, a flag
to the lead authority on expiry, and "insurance expired" on the provider's settings until the
lead authority accepts a renewal.

The clock watches every current (not replaced) item with a `valid_until`. An item replaced in
the provider's library before it expires stops its clock: nothing lapsed. An item still current
after its last valid day (`Evidence.is_valid_on`) becomes an `EvidenceLapse` for a member of a
purchasing system (active or suspended): the lead authority is told and the lapse stays open
until a renewal is accepted, here (`lapse_decide`) or as a changed item of a re-check.

Each stage is one `ExpiryNotice` row (unique per item and stage) made under the item's row lock,
so beat run twice, or two workers at once, tell nobody twice. An item first seen with fewer days
left than a stage (uploaded with 20 days to go) gets only the reminder its days call for.
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record
from fps_portal.errors import InvalidInput, NotAllowed, WrongState
from fps_portal.notifications.services import notify
from fps_portal.transitions import lock, transition
from providers.models import Evidence, EvidenceKind, FpsMembership, MembershipState, Setting
from providers.services._common import lead_evaluators, provider_users, require_provider
from providers.services.evidence import evidence_add
from quality.models import (
    LAPSE_TRANSITIONS,
    OPEN_LAPSE_STATES,
    REMINDER_DAYS,
    EvidenceLapse,
    ExpiryNotice,
    ExpiryStage,
    LapseState,
)

#: The furthest reminder: items expiring later than this are not looked at yet.
HORIZON_DAYS = max(days for days, _ in REMINDER_DAYS)
LAPSE_DECISIONS = ("accept", "return")
LAPSE_DECISION_MISSING = "Select whether to accept the renewal or return it."
LAPSE_RETURN_REASON_MISSING = "Enter why the renewal is returned, so the provider can put it right."
RENEWAL_IN_THE_PAST = "The renewal must still be valid: enter a date after today."
NOT_WAITING = "There is no renewal waiting for a decision: it was decided already."
LAPSE_RESOLVED = "The renewal of this evidence has already been accepted."


def stage_due(*, valid_until: datetime.date, today: datetime.date) -> str | None:
    """The stage an item's clock is at today: the closest reminder whose day has come, EXPIRED
    after its last valid day, None when more than 60 days remain."""
    days_left = (valid_until - today).days
    if days_left < 0:
        return ExpiryStage.EXPIRED
    for days, stage in REMINDER_DAYS:  # latest first, so 5 days left is the 7-day stage
        if days_left <= days:
            return stage
    return None


def _is_member(provider_id: int) -> bool:
    return FpsMembership.objects.filter(
        provider_id=provider_id, state__in=(MembershipState.ACTIVE, MembershipState.SUSPENDED)
    ).exists()


def expiry_clocks_run(*, today: datetime.date | None = None) -> int:
    """The scheduled job: every item whose clock reached a stage not yet sent is told once.
    Answers how many notices were made (0 on a second run the same day)."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=HORIZON_DAYS)
    candidates = Evidence.objects.filter(
        superseded_at__isnull=True, valid_until__isnull=False, valid_until__lte=horizon
    ).values_list("pk", flat=True)
    return sum(expiry_clock_tick(evidence_id=pk, today=today) for pk in candidates)


@transaction.atomic
def expiry_clock_tick(*, evidence_id: int, today: datetime.date) -> int:
    """One item's clock under its row lock: the stage due today, if not sent already."""
    evidence = (
        Evidence.objects.select_for_update(of=("self",))
        .select_related("setting")
        .get(pk=evidence_id)
    )
    if evidence.superseded_at is not None or evidence.valid_until is None:
        return 0
    stage = stage_due(valid_until=evidence.valid_until, today=today)
    if stage is None:
        return 0
    sent = set(ExpiryNotice.objects.filter(evidence=evidence).values_list("stage", flat=True))
    # A later stage already sent (a reminder's day skipped by an outage) is never undone.
    order = [s for _, s in reversed(REMINDER_DAYS)] + [ExpiryStage.EXPIRED]
    if any(order.index(s) >= order.index(stage) for s in sent):
        return 0
    if stage == ExpiryStage.EXPIRED and not _is_member(evidence.provider_id):
        return 0  # a provider on no purchasing system: nothing for the lead authority to act on
    ExpiryNotice.objects.create(evidence=evidence, stage=stage, valid_until=evidence.valid_until)
    if stage == ExpiryStage.EXPIRED:
        _flag_lapse(evidence, today=today)
    else:
        notify(
            recipients=provider_users(evidence.provider_id),
            event_key=f"evidence-expiring:{evidence.pk}:{stage}",
            template="notifications/evidence_expiring",
            context={"evidence": evidence, "days": int(stage)},
            url=reverse("providers:evidence-list"),
        )
    return 1


def _flag_lapse(evidence: Evidence, *, today: datetime.date) -> EvidenceLapse:
    lapse = EvidenceLapse.objects.create(
        evidence=evidence,
        provider_id=evidence.provider_id,
        expired_on=evidence.valid_until or today,
    )
    audit_record(
        actor=None,
        verb=AuditVerb.CREATED,
        obj=lapse,
        after={
            "evidence_id": evidence.pk,
            "kind": evidence.kind,
            "expired_on": str(lapse.expired_on),
        },
        reason="Evidence expired without a renewal.",
    )
    refresh_insurance_flag(evidence.provider_id)
    context = {"evidence": evidence, "provider": evidence.provider, "lapse": lapse}
    url = reverse("quality:evidence-lapse", args=[lapse.pk])
    notify(
        recipients=provider_users(evidence.provider_id),
        event_key=f"evidence-expired:{evidence.pk}",
        template="notifications/evidence_expired",
        context=context,
        url=url,
    )
    notify(
        recipients=lead_evaluators(),
        event_key=f"evidence-expired-lead:{evidence.pk}",
        template="notifications/evidence_expired_lead",
        context=context,
        url=url,
    )
    return lapse


def refresh_insurance_flag(provider_id: int) -> bool:
    """Within the caller's transaction: `Setting.insurance_expired` on every setting of the
    provider is whether one of its insurance items has an open lapse. `update()`, not `save()`:
    the flag is no search field, so the search-field signals need not run."""
    expired = EvidenceLapse.objects.filter(
        provider_id=provider_id,
        state__in=OPEN_LAPSE_STATES,
        evidence__kind=EvidenceKind.INSURANCE,
    ).exists()
    Setting.objects.filter(provider_id=provider_id).exclude(insurance_expired=expired).update(
        insurance_expired=expired
    )
    return expired


def lapse_send_renewal(
    *,
    actor: Actor,
    lapse: EvidenceLapse,
    title: str,
    upload: UploadedFile | None,
    valid_until: datetime.date | None,
    reference: str = "",
    insurer: str = "",
    cover_amount: Decimal | None = None,
    submission_key: uuid.UUID | None = None,
) -> EvidenceLapse:
    """The provider uploads the renewal of an expired item (stored in its evidence library,
    replacing the expired one) and sends it to the lead authority."""
    require_provider(actor, lapse.provider_id)
    if valid_until is not None and valid_until <= timezone.localdate():
        raise InvalidInput.on_fields({"valid_until": RENEWAL_IN_THE_PAST})
    with transaction.atomic():
        locked = lock(lapse)
        if locked.state == LapseState.RESOLVED:
            raise WrongState(LAPSE_RESOLVED)
        if locked.state == LapseState.RENEWAL_SENT:
            raise WrongState("A renewal is already waiting for the lead authority.")
        expired = Evidence.objects.select_related("setting").get(pk=locked.evidence_id)
        replaces = _current_of(expired, locked)
        renewal = evidence_add(
            actor=actor,
            provider=expired.provider,
            kind=expired.kind,
            title=title,
            upload=upload,
            setting=expired.setting,
            reference=reference,
            insurance_type=expired.insurance_type,
            insurer=insurer,
            cover_amount=cover_amount,
            valid_until=valid_until,
            replaces=replaces,
            submission_key=submission_key,
        )
        transition(
            locked,
            to=LapseState.RENEWAL_SENT,
            table=LAPSE_TRANSITIONS,
            event="renewal_sent",
            by=actor.user,
            also={"renewal": renewal, "returned_reason": ""},
            what="expired evidence",
            actor=actor,
            reason=f"Renewal {renewal.pk} sent.",
        )
        notify(
            recipients=lead_evaluators(),
            event_key=f"lapse-renewal:{locked.pk}:{renewal.pk}",
            template="notifications/lapse_renewal_sent",
            context={"lapse": locked, "evidence": expired, "provider": expired.provider},
            url=reverse("quality:evidence-lapse", args=[locked.pk]),
        )
    return locked


def _current_of(expired: Evidence, lapse: EvidenceLapse) -> Evidence | None:
    """What the renewal replaces in the library: the expired item, or the returned renewal."""
    for candidate in (lapse.renewal, expired):
        if candidate is not None:
            fresh = Evidence.objects.get(pk=candidate.pk)
            if fresh.superseded_at is None:
                return fresh
    return None


def lapse_decide(*, actor: Actor, lapse: EvidenceLapse, outcome: str, reason: str) -> EvidenceLapse:
    """The lead authority accepts the renewal (the flag goes) or returns it with a reason (the
    item stays expired). A decision taken meanwhile answers WrongState."""
    if not actor.is_lead_evaluator:
        raise NotAllowed("Only the lead authority's evaluators can accept a renewal.")
    reason = reason.strip()
    fields: dict[str, str] = {}
    if outcome not in LAPSE_DECISIONS:
        fields["outcome"] = LAPSE_DECISION_MISSING
    elif outcome == "return" and not reason:
        fields["reason"] = LAPSE_RETURN_REASON_MISSING
    if fields:
        raise InvalidInput.on_fields(fields)
    with transaction.atomic():
        locked = lock(lapse)
        if locked.state != LapseState.RENEWAL_SENT:
            raise WrongState(LAPSE_RESOLVED if locked.state == LapseState.RESOLVED else NOT_WAITING)
        accepted = outcome == "accept"
        transition(
            locked,
            to=LapseState.RESOLVED if accepted else LapseState.EXPIRED,
            table=LAPSE_TRANSITIONS,
            event="resolved" if accepted else "returned",
            by=actor.user,
            also={} if accepted else {"returned_reason": reason},
            what="expired evidence",
            actor=actor,
            reason=reason or "Renewal accepted.",
        )
        refresh_insurance_flag(locked.provider_id)
        evidence = Evidence.objects.get(pk=locked.evidence_id)
        word = "accepted" if accepted else "returned"
        # Each template named in full, so the notification templates' gate finds its caller.
        template = "notifications/lapse_accepted" if accepted else "notifications/lapse_returned"
        notify(
            recipients=provider_users(locked.provider_id),
            event_key=f"lapse-{word}:{locked.pk}:{locked.renewal_id}",
            template=template,
            context={"lapse": locked, "evidence": evidence, "reason": reason},
            url=reverse("quality:evidence-lapse", args=[locked.pk]),
        )
    return locked


def lapse_resolve_by_recheck(*, actor: Actor, expired: Evidence, renewal: Evidence) -> bool:
    """Within the caller's transaction: a re-check item changed from `expired` to `renewal` and
    accepted by the lead authority is a renewal accepted, so an open lapse of it is resolved."""
    found = EvidenceLapse.objects.select_for_update().filter(
        evidence=expired, state__in=OPEN_LAPSE_STATES
    )
    lapse = found.first()
    if lapse is None:
        return False
    transition(
        lapse,
        to=LapseState.RESOLVED,
        table=LAPSE_TRANSITIONS,
        event="resolved",
        by=actor.user,
        also={"renewal": renewal},
        what="expired evidence",
        actor=actor,
        reason=f"Renewal {renewal.pk} accepted in a re-check.",
    )
    refresh_insurance_flag(lapse.provider_id)
    return True
