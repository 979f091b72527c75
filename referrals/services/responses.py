"""A provider's response to an invitation: one costed proposal per setting (A47-A55), drafted
(`response_start`, `response_update`); its submission, withdrawal and resubmission are
`response_submission`, its additional services and attachments `response_parts`.

A response is submitted complete, priced against the setting's approved indicative price for the
lot, with a reason for a different price, an answer to every criterion, and the inspection
judgement confirmed; withdrawn and resubmitted (a draft again, from the withdrawn answers) until
the deadline. After it, every change is refused with the deadline's message
(`invitations.deadline_passed_message`).

The authority reads none of it before the referral closes (sealed bids: `scope_rules`), so
nothing here tells the authority; the provider gets a receipt when it submits.

Lock order, as in `invitations.py`: the referral, then the invitation, then the response.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record, snapshot
from fps_portal.errors import InvalidInput, NotAllowed, WrongState
from fps_portal.scoping import dangerously_unscoped
from providers.models import Setting
from referrals.models import (
    Criterion,
    CriterionAnswer,
    Invitation,
    InvitationState,
    Response,
    ResponseState,
)
from referrals.selectors.invitations import indicative_price
from referrals.services.invitations import (
    lock_invitation,
    lock_open_referral,
    require_invitee,
)

TEXT_LIMIT = 10000
MAX_PRICE = Decimal("99999999.99")

PRICE_INVALID = "The weekly price must be an amount of money greater than 0, like 3250.00."
START_IN_PAST = "The proposed start date must be today or in the future."
JUDGEMENT_DATE_FUTURE = "The date of the last inspection must be today or in the past."
SETTING_NOT_PROPOSABLE = (
    "Select one of your settings that is approved on this referral's lot and not withdrawn."
)
NOT_A_DRAFT = (
    "This response is {state}, so it cannot be changed. Withdraw it first, then change it and "
    "submit it again before the deadline."
)
TEXT_TOO_LONG = "This must be 10,000 characters or fewer."


def acting_user(actor: Actor) -> Any:
    return actor.user if actor.user.pk else None


def money_or_none(value: object) -> Decimal | None:
    """A positive amount of money to the penny, or None."""
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    if not amount.is_finite() or amount <= 0 or amount > MAX_PRICE:
        return None
    if amount != amount.quantize(Decimal("0.01")):  # not to the penny
        return None
    return amount


def lock_response(response: Response) -> Response:
    return dangerously_unscoped(Response).select_for_update().get(pk=response.pk)


def lock_draft(
    actor: Actor, response: Response, *, now: datetime.datetime | None
) -> tuple[Invitation, Response]:
    """Within the caller's transaction: the referral open, the invitation and the draft locked."""
    invitation = response.invitation
    require_invitee(actor, invitation)
    lock_open_referral(invitation.referral_id, now=now)
    locked_invitation = lock_invitation(invitation)
    locked = lock_response(response)
    if locked.state != ResponseState.DRAFT:
        raise WrongState(NOT_A_DRAFT.format(state=locked.get_state_display().lower()))
    locked.invitation = locked_invitation
    return locked_invitation, locked


def _proposable(invitation: Invitation, setting: Setting) -> bool:
    return (
        setting.provider_id == invitation.provider_id
        and setting.withdrawn_at is None
        and indicative_price(setting, invitation.referral.lot_id) is not None
    )


RESPONSE_FIELDS = [
    "state",
    "weekly_price",
    "indicative_price",
    "price_difference_reason",
    "proposed_start_date",
    "how_needs_met",
    "how_outcomes_met",
    "inspection_judgement",
    "inspection_date",
    "inspection_confirmed",
]


def jsonable(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: (str(v) if isinstance(v, Decimal | datetime.date) else v) for k, v in values.items()}


@transaction.atomic
def response_start(
    *,
    actor: Actor,
    invitation: Invitation,
    setting: Setting,
    now: datetime.datetime | None = None,
) -> Response:
    """The draft response for `setting`, made if there is none: the weekly price and the
    inspection judgement pre-filled from the setting's record (approved indicative price for the
    lot; its current band's summary and date), for the provider to confirm or change. A setting
    already proposed answers with its response (one per setting)."""
    require_invitee(actor, invitation)
    referral = lock_open_referral(invitation.referral_id, now=now)
    locked = lock_invitation(invitation)
    if locked.state not in (
        InvitationState.INVITED,
        InvitationState.RESPONDED,
        InvitationState.DECLINED,
    ):
        raise WrongState(f"This invitation is {locked.get_state_display().lower()}.")
    existing = dangerously_unscoped(Response).filter(invitation=locked, setting=setting).first()
    if existing is not None:
        return existing
    locked.referral = referral
    if not _proposable(locked, setting):
        raise InvalidInput.on_fields({"setting": [SETTING_NOT_PROPOSABLE]})
    price = indicative_price(setting, referral.lot_id)
    response = Response.objects.create(
        invitation=locked,
        setting=setting,
        weekly_price=price,
        indicative_price=price,
        proposed_start_date=referral.start_date,
        inspection_judgement=setting.current_band_summary or setting.get_current_band_display(),
        inspection_date=setting.current_band_as_at,
        created_by=acting_user(actor),
    )
    audit_record(
        actor=actor,
        verb=AuditVerb.CREATED,
        obj=response,
        after=jsonable(snapshot(response, ["invitation_id", "setting_id", *RESPONSE_FIELDS])),
    )
    return response


@dataclass(frozen=True)
class ResponseData:
    """What the response form and the API's update send (None: leave as it is)."""

    weekly_price: Decimal | None = None
    price_difference_reason: str | None = None
    proposed_start_date: datetime.date | None = None
    how_needs_met: str | None = None
    how_outcomes_met: str | None = None
    inspection_judgement: str | None = None
    inspection_date: datetime.date | None = None
    inspection_confirmed: bool | None = None
    #: Criterion id -> the answer.
    answers: Mapping[int, str] | None = None


def _check_text(errors: dict[str, list[str]], name: str, value: str | None) -> None:
    if value is not None and len(value) > TEXT_LIMIT:
        errors[name] = [TEXT_TOO_LONG]


@transaction.atomic
def response_update(
    *,
    actor: Actor,
    response: Response,
    data: ResponseData,
    now: datetime.datetime | None = None,
) -> Response:
    """Saves the draft's fields and answers (only those given). Checks the values it is given
    (a price is money, a start date not in the past, answers to the referral's own criteria);
    completeness is checked when it is submitted. A changed judgement or date must be
    confirmed again."""
    invitation, locked = lock_draft(actor, response, now=now)
    errors: dict[str, list[str]] = {}
    if data.weekly_price is not None and money_or_none(data.weekly_price) is None:
        errors["weekly_price"] = [PRICE_INVALID]
    today = timezone.localdate()
    if data.proposed_start_date is not None and data.proposed_start_date < today:
        errors["proposed_start_date"] = [START_IN_PAST]
    if data.inspection_date is not None and data.inspection_date > today:
        errors["inspection_date"] = [JUDGEMENT_DATE_FUTURE]
    for name in (
        "price_difference_reason",
        "how_needs_met",
        "how_outcomes_met",
    ):
        _check_text(errors, name, getattr(data, name))
    if data.inspection_judgement is not None and len(data.inspection_judgement) > 200:
        errors["inspection_judgement"] = ["The judgement must be 200 characters or fewer."]
    criteria = {
        c.pk: c for c in dangerously_unscoped(Criterion).filter(referral_id=invitation.referral_id)
    }
    answers = dict(data.answers or {})
    for criterion_id, text in answers.items():
        key = f"answers.{criterion_id}"
        if criterion_id not in criteria:
            errors[key] = ["This criterion is not one of the referral's."]
        elif len(text) > TEXT_LIMIT:
            errors[key] = [TEXT_TOO_LONG]
    if errors:
        raise InvalidInput.on_fields(errors)
    before = jsonable(snapshot(locked, RESPONSE_FIELDS))
    changed: list[str] = []
    for name in (
        "weekly_price",
        "price_difference_reason",
        "proposed_start_date",
        "how_needs_met",
        "how_outcomes_met",
        "inspection_judgement",
        "inspection_date",
        "inspection_confirmed",
    ):
        value = getattr(data, name)
        if value is None:
            continue
        if isinstance(value, str):
            value = value.strip()
        if getattr(locked, name) != value:
            setattr(locked, name, value)
            changed.append(name)
    judgement_changed = {"inspection_judgement", "inspection_date"} & set(changed)
    if judgement_changed and data.inspection_confirmed is None and locked.inspection_confirmed:
        locked.inspection_confirmed = False
        changed.append("inspection_confirmed")
    locked.updated_at = timezone.now()
    locked.save(update_fields=[*changed, "updated_at"])
    answers_changed = []
    for criterion_id, text in answers.items():
        text = text.strip()
        current = CriterionAnswer.objects.filter(response=locked, criterion_id=criterion_id)
        if not text:
            if current.delete()[0]:
                answers_changed.append(criterion_id)
            continue
        row = current.first()
        if row is None:
            CriterionAnswer.objects.create(response=locked, criterion_id=criterion_id, answer=text)
            answers_changed.append(criterion_id)
        elif row.answer != text:
            row.answer = text
            row.save(update_fields=["answer"])
            answers_changed.append(criterion_id)
    if changed or answers_changed:
        audit_record(
            actor=actor,
            verb=AuditVerb.UPDATED,
            obj=locked,
            before=before,
            after={
                **jsonable(snapshot(locked, RESPONSE_FIELDS)),
                "answers_changed": sorted(answers_changed),
            },
        )
    return locked


def require_own_response(actor: Actor, response: Response) -> None:
    if not (actor.is_provider and actor.organisation_id == response.invitation.provider_id):
        raise NotAllowed("Only the provider's own users can change its response.")
