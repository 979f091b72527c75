"""A re-check's answers and reviews: the provider confirms each item is current or uploads what
changed, then sends it; the lead authority's evaluators accept each item or return it with a
reason. When every item is reviewed the re-check is accepted, or (any item returned) goes back
to the provider with a new due date; the returned items are to answer again.

Lock order: the re-check, then its item, so two evaluators reviewing the last two items at once
queue, and the second sees the whole re-check reviewed and closes it once; two reviews of the
same item: the second waits, then is refused (a decision stands).
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
from fps_portal.dates import govuk_date
from fps_portal.errors import InvalidInput, NotAllowed, WrongState
from fps_portal.notifications.services import notify
from fps_portal.transitions import transition
from providers.models import Evidence
from providers.services._common import lead_evaluators, provider_users, require_provider
from providers.services.evidence import evidence_add
from quality.models import (
    RECHECK_TRANSITIONS,
    WITH_PROVIDER,
    ItemResponse,
    ItemReview,
    Recheck,
    RecheckEvent,
    RecheckEventKind,
    RecheckItem,
    RecheckState,
)
from quality.services.expiry import lapse_resolve_by_recheck

#: Days the provider has to answer what was returned (from the return, or the old due date).
RETURN_DAYS = 14
REVIEW_OUTCOMES = (ItemReview.ACCEPTED, ItemReview.RETURNED)
REVIEW_MISSING = "Select whether to accept this item or return it."
RETURN_REASON_MISSING = "Enter why the item is returned, so the provider can put it right."
NOT_WITH_PROVIDER = "This re-check is with the lead authority, so it cannot be changed now."
ALREADY_ACCEPTED = "The lead authority has accepted this item; it needs no answer."
NOT_SUBMITTED = "The provider has not sent this re-check yet, so there is nothing to review."
ALREADY_REVIEWED = "This item was reviewed already. A decision stands."
NEW_EVIDENCE_IN_THE_PAST = "The new evidence must still be valid: enter a date after today."
NOTHING_HELD = (
    "You hold no evidence to confirm. Add your insurance and registrations to this re-check "
    "before sending it."
)


def lock_recheck(recheck: Recheck) -> Recheck:
    return (
        Recheck.objects.select_for_update()
        .select_related("membership__provider")
        .get(pk=recheck.pk)
    )


def _lock_item(item: RecheckItem) -> RecheckItem:
    return RecheckItem.objects.select_for_update().get(pk=item.pk)


def record_event(
    recheck: Recheck,
    kind: str,
    *,
    actor: Actor | None,
    item: RecheckItem | None = None,
    detail: str = "",
) -> RecheckEvent:
    return RecheckEvent.objects.create(
        recheck=recheck,
        item=item,
        kind=kind,
        detail=detail,
        by=actor.user if actor is not None and actor.user.pk else None,
    )


def _require_answerable(actor: Actor, recheck: Recheck, item: RecheckItem) -> None:
    require_provider(actor, recheck.membership.provider_id)
    if item.recheck_id != recheck.pk:
        raise InvalidInput.on_fields({"item": "Select an item of this re-check."})
    if recheck.state not in WITH_PROVIDER:
        raise WrongState(NOT_WITH_PROVIDER)
    if item.review == ItemReview.ACCEPTED:
        raise WrongState(ALREADY_ACCEPTED)


def _answered(item: RecheckItem, actor: Actor, response: str) -> None:
    item.response, item.responded_at, item.responded_by = response, timezone.now(), actor.user
    item.review, item.review_reason = ItemReview.PENDING, ""
    item.save(
        update_fields=[
            "response",
            "responded_at",
            "responded_by",
            "replacement",
            "review",
            "review_reason",
        ]
    )


def recheck_item_confirm(*, actor: Actor, item: RecheckItem) -> RecheckItem:
    """The provider confirms the item it holds is still current. An item that has expired, or
    that was replaced in the library since, cannot be confirmed: upload the current one."""
    with transaction.atomic():
        recheck = lock_recheck(item.recheck)
        locked = _lock_item(item)
        _require_answerable(actor, recheck, locked)
        held = Evidence.objects.get(pk=locked.current_evidence_id)
        today = timezone.localdate()
        if held.superseded_at is not None:
            raise InvalidInput.on_fields(
                {"response": "This evidence was replaced in your library. Upload the current one."}
            )
        if not held.is_valid_on(today):
            raise InvalidInput.on_fields(
                {
                    "response": f"This evidence expired on {govuk_date(held.valid_until)}. "
                    "Upload the current one."
                }
            )
        _answered(locked, actor, ItemResponse.CONFIRMED)
        record_event(
            recheck, RecheckEventKind.CONFIRMED, actor=actor, item=locked, detail=str(held)
        )
    return locked


def recheck_item_change(
    *,
    actor: Actor,
    item: RecheckItem,
    title: str,
    upload: UploadedFile | None,
    valid_until: datetime.date | None,
    reference: str = "",
    insurer: str = "",
    cover_amount: Decimal | None = None,
    submission_key: uuid.UUID | None = None,
) -> RecheckItem:
    """The provider uploads the changed document: stored in its evidence library (replacing the
    one held, every rule of `evidence_add` applies) and answered on the item, in one
    transaction, so a refused upload leaves the item as it was."""
    if valid_until is not None and valid_until <= timezone.localdate():
        raise InvalidInput.on_fields({"valid_until": NEW_EVIDENCE_IN_THE_PAST})
    with transaction.atomic():
        recheck = lock_recheck(item.recheck)
        locked = _lock_item(item)
        _require_answerable(actor, recheck, locked)
        held = Evidence.objects.select_related("setting").get(pk=locked.current_evidence_id)
        new = evidence_add(
            actor=actor,
            provider=recheck.membership.provider,
            kind=held.kind,
            title=title,
            upload=upload,
            setting=held.setting,
            reference=reference,
            insurance_type=held.insurance_type,
            insurer=insurer,
            cover_amount=cover_amount,
            valid_until=valid_until,
            replaces=held if held.superseded_at is None else None,
            submission_key=submission_key,
        )
        locked.replacement = new
        _answered(locked, actor, ItemResponse.CHANGED)
        record_event(recheck, RecheckEventKind.CHANGED, actor=actor, item=locked, detail=new.title)
    return locked


def recheck_submit(*, actor: Actor, recheck: Recheck) -> Recheck:
    """The provider sends the re-check once every item not yet accepted is answered."""
    with transaction.atomic():
        locked = lock_recheck(recheck)
        require_provider(actor, locked.membership.provider_id)
        if locked.state not in WITH_PROVIDER:
            raise WrongState(NOT_WITH_PROVIDER)
        items = list(locked.items.select_related("evidence"))
        if not items:
            raise InvalidInput.on_fields({"items": NOTHING_HELD})
        unanswered = [
            i
            for i in items
            if i.review != ItemReview.ACCEPTED and i.response == ItemResponse.PENDING
        ]
        if unanswered:
            names = ", ".join(i.evidence.title for i in unanswered)
            raise InvalidInput.on_fields(
                {"items": f"Confirm or change every item before sending. Still to answer: {names}."}
            )
        transition(
            locked,
            to=RecheckState.SUBMITTED,
            table=RECHECK_TRANSITIONS,
            event="submitted",
            by=actor.user,
            what="re-check",
            actor=actor,
        )
        record_event(locked, RecheckEventKind.SUBMITTED, actor=actor)
        notify(
            recipients=lead_evaluators(),
            event_key=f"recheck-submitted:{locked.pk}:{locked.submitted_at:%Y%m%d%H%M%S%f}",
            template="notifications/recheck_submitted",
            context={"recheck": locked, "provider": locked.membership.provider},
            url=reverse("quality:recheck", args=[locked.pk]),
            send_email=False,
        )
    return locked


def recheck_item_review(
    *, actor: Actor, item: RecheckItem, outcome: str, reason: str = ""
) -> RecheckItem:
    """The lead authority accepts an answered item or returns it with a reason. The last review
    closes the re-check: accepted, or returned to the provider with the returned items."""
    if not actor.is_lead_evaluator:
        raise NotAllowed("Only the lead authority's evaluators can review a re-check.")
    reason = reason.strip()
    fields: dict[str, str] = {}
    if outcome not in REVIEW_OUTCOMES:
        fields["outcome"] = REVIEW_MISSING
    elif outcome == ItemReview.RETURNED and not reason:
        fields["reason"] = RETURN_REASON_MISSING
    if fields:
        raise InvalidInput.on_fields(fields)
    with transaction.atomic():
        recheck = lock_recheck(item.recheck)
        locked = _lock_item(item)
        if recheck.state != RecheckState.SUBMITTED:
            raise WrongState(NOT_SUBMITTED)
        if locked.review != ItemReview.PENDING or locked.response == ItemResponse.PENDING:
            raise WrongState(ALREADY_REVIEWED)
        locked.review, locked.review_reason = outcome, reason
        locked.reviewed_at, locked.reviewed_by = timezone.now(), actor.user
        locked.save(update_fields=["review", "review_reason", "reviewed_at", "reviewed_by"])
        accepted = outcome == ItemReview.ACCEPTED
        record_event(
            recheck,
            RecheckEventKind.ACCEPTED_ITEM if accepted else RecheckEventKind.RETURNED_ITEM,
            actor=actor,
            item=locked,
            detail=reason,
        )
        if accepted and locked.replacement_id is not None:
            lapse_resolve_by_recheck(
                actor=actor,
                expired=Evidence.objects.get(pk=locked.evidence_id),
                renewal=Evidence.objects.get(pk=locked.replacement_id),
            )
        if not recheck.items.filter(review=ItemReview.PENDING).exists():
            _close(recheck, actor=actor)
    return locked


def _close(recheck: Recheck, *, actor: Actor) -> None:
    returned = list(recheck.items.filter(review=ItemReview.RETURNED).select_related("evidence"))
    provider = recheck.membership.provider
    if not returned:
        transition(
            recheck,
            to=RecheckState.ACCEPTED,
            table=RECHECK_TRANSITIONS,
            event="accepted",
            by=actor.user,
            what="re-check",
            actor=actor,
        )
        record_event(recheck, RecheckEventKind.ACCEPTED, actor=actor)
        template = "notifications/recheck_accepted"
    else:
        today = timezone.localdate()
        due_on = max(recheck.due_on, today) + datetime.timedelta(days=RETURN_DAYS)
        transition(
            recheck,
            to=RecheckState.RETURNED,
            table=RECHECK_TRANSITIONS,
            event="returned",
            by=actor.user,
            also={"due_on": due_on, "reminded_due_soon_on": None, "reminded_overdue_on": None},
            what="re-check",
            actor=actor,
        )
        # The returned items are to answer again; what was accepted stays accepted.
        RecheckItem.objects.filter(pk__in=[i.pk for i in returned]).update(
            response=ItemResponse.PENDING
        )
        record_event(
            recheck,
            RecheckEventKind.RETURNED,
            actor=actor,
            detail=f"{len(returned)} item(s) to answer again by {govuk_date(due_on)}.",
        )
        template = "notifications/recheck_returned"
    notify(
        recipients=provider_users(provider.pk),
        event_key=f"recheck-{recheck.state}:{recheck.pk}:{timezone.now():%Y%m%d%H%M%S%f}",
        template=template,
        context={"recheck": recheck, "provider": provider, "returned": returned},
        url=reverse("quality:recheck", args=[recheck.pk]),
    )
