"""A provider's response to an invitation: one costed proposal per setting (A47-A55).

A response is drafted (`response_start`, `response_update`, its services and attachments),
submitted (`response_submit`: complete, priced against the setting's approved indicative price
for the lot, with a reason for a different price, an answer to every criterion, and the
inspection judgement confirmed), withdrawn (`response_withdraw`) and resubmitted
(`response_resubmit`: a draft again, from the withdrawn answers) until the deadline. After it,
every change is refused with the deadline's message (`invitations.deadline_passed_message`).

The authority reads none of it before the referral closes (sealed bids: `scope_rules`), so
nothing here tells the authority; the provider gets a receipt when it submits.

Lock order, as in `invitations.py`: the referral, then the invitation, then the response.
"""

from __future__ import annotations

import datetime
import hashlib
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from fps_portal.accounts.recipients import provider_users
from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record, snapshot
from fps_portal.errors import InvalidInput, NotAllowed, WrongState
from fps_portal.notifications.services import notify
from fps_portal.once import create_once
from fps_portal.scoping import dangerously_unscoped
from fps_portal.transitions import transition
from providers.models import AdditionalService, Setting
from providers.uploads import check_upload
from referrals.models import (
    INVITATION_TRANSITIONS,
    RESPONSE_TRANSITIONS,
    Criterion,
    CriterionAnswer,
    Invitation,
    InvitationState,
    Response,
    ResponseAttachment,
    ResponseService,
    ResponseState,
)
from referrals.selectors.invitations import indicative_price
from referrals.services.invitations import (
    lock_invitation,
    lock_open_referral,
    reopen_locked,
    require_invitee,
)

TEXT_LIMIT = 10000
MAX_PRICE = Decimal("99999999.99")
MAX_QUANTITY = Decimal("999999.99")

PRICE_MISSING = "Enter the weekly price, like 3250.00."
PRICE_INVALID = "The weekly price must be an amount of money greater than 0, like 3250.00."
REASON_NEEDED = (
    "Your weekly price differs from your approved indicative price for this lot. Give the "
    "evidenced reason for the difference."
)
START_MISSING = "Enter the date you propose the placement starts."
START_IN_PAST = "The proposed start date must be today or in the future."
NEEDS_MISSING = "Say how you will meet the child's needs."
OUTCOMES_MISSING = "Say how you will achieve the outcomes sought."
ANSWER_MISSING = "Answer this criterion."
JUDGEMENT_MISSING = "Enter the setting's current inspection judgement."
JUDGEMENT_DATE_MISSING = "Enter the date of the setting's last inspection or review."
JUDGEMENT_DATE_FUTURE = "The date of the last inspection must be today or in the past."
NOT_CONFIRMED = "Confirm the inspection judgement and its date are current."
SETTING_NOT_PROPOSABLE = (
    "Select one of your settings that is approved on this referral's lot and not withdrawn."
)
NOT_A_DRAFT = (
    "This response is {state}, so it cannot be changed. Withdraw it first, then change it and "
    "submit it again before the deadline."
)
SERVICE_NAME_MISSING = "Enter the service's name, like 1:1 support."
SERVICE_UNIT_MISSING = "Enter the unit it is charged by, like hour."
SERVICE_RATE_INVALID = "The rate must be an amount of money greater than 0, like 35.00."
SERVICE_QUANTITY_INVALID = "The quantity must be a number greater than 0, like 2 (hours a week)."
SERVICE_NOT_ON_LIST = "Select a service from this setting's price list."
TITLE_MISSING = "Enter a title for the attachment, like 'Transition plan'."
ALREADY_ATTACHED = "This file is already attached to the response."
TEXT_TOO_LONG = "This must be 10,000 characters or fewer."


def _user(actor: Actor) -> Any:
    return actor.user if actor.user.pk else None


def _money(value: object) -> Decimal | None:
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


def _lock_response(response: Response) -> Response:
    return dangerously_unscoped(Response).select_for_update().get(pk=response.pk)


def _lock_draft(
    actor: Actor, response: Response, *, now: datetime.datetime | None
) -> tuple[Invitation, Response]:
    """Within the caller's transaction: the referral open, the invitation and the draft locked."""
    invitation = response.invitation
    require_invitee(actor, invitation)
    lock_open_referral(invitation.referral_id, now=now)
    locked_invitation = lock_invitation(invitation)
    locked = _lock_response(response)
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


def _json(values: Mapping[str, Any]) -> dict[str, Any]:
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
        created_by=_user(actor),
    )
    audit_record(
        actor=actor,
        verb=AuditVerb.CREATED,
        obj=response,
        after=_json(snapshot(response, ["invitation_id", "setting_id", *RESPONSE_FIELDS])),
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
    invitation, locked = _lock_draft(actor, response, now=now)
    errors: dict[str, list[str]] = {}
    if data.weekly_price is not None and _money(data.weekly_price) is None:
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
    before = _json(snapshot(locked, RESPONSE_FIELDS))
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
                **_json(snapshot(locked, RESPONSE_FIELDS)),
                "answers_changed": sorted(answers_changed),
            },
        )
    return locked


_UNSET: Any = object()


def submission_problems(
    response: Response,
    *,
    criteria: list[Criterion] | None = None,
    indicative: Decimal | None = _UNSET,
) -> dict[str, list[str]]:
    """What the response still lacks before it can be submitted, by field (the page lists them
    and offers Submit only when there are none). A page that has read the referral's criteria
    and the indicative price passes them."""
    problems: dict[str, list[str]] = {}
    if indicative is _UNSET:
        indicative = indicative_price(response.setting, response.invitation.referral.lot_id)
    if response.weekly_price is None:
        problems["weekly_price"] = [PRICE_MISSING]
    elif (
        indicative is not None
        and response.weekly_price != indicative
        and not response.price_difference_reason.strip()
    ):
        problems["price_difference_reason"] = [REASON_NEEDED]
    if response.proposed_start_date is None:
        problems["proposed_start_date"] = [START_MISSING]
    elif response.proposed_start_date < timezone.localdate():
        problems["proposed_start_date"] = [START_IN_PAST]
    if not response.how_needs_met.strip():
        problems["how_needs_met"] = [NEEDS_MISSING]
    if not response.how_outcomes_met.strip():
        problems["how_outcomes_met"] = [OUTCOMES_MISSING]
    # Read through the response's answers (prefetched by the page, fresh in a service).
    answered = {a.criterion_id for a in response.answers.all() if a.answer.strip()}
    if criteria is None:
        criteria = list(
            dangerously_unscoped(Criterion).filter(referral_id=response.invitation.referral_id)
        )
    for criterion in criteria:
        if criterion.pk not in answered:
            problems[f"answers.{criterion.pk}"] = [f"{ANSWER_MISSING[:-1]}: {criterion.title}."]
    if not response.inspection_judgement.strip():
        problems["inspection_judgement"] = [JUDGEMENT_MISSING]
    if response.inspection_date is None:
        problems["inspection_date"] = [JUDGEMENT_DATE_MISSING]
    if not response.inspection_confirmed:
        problems["inspection_confirmed"] = [NOT_CONFIRMED]
    return problems


@transaction.atomic
def response_submit(
    *, actor: Actor, response: Response, now: datetime.datetime | None = None
) -> Response:
    """Submits a complete draft before the deadline; the invitation is then responded (a
    declined one is reopened first). InvalidInput lists what is missing; WrongState after the
    deadline (the same under a race with beat's close: the referral's row lock decides)."""
    invitation, locked = _lock_draft(actor, response, now=now)
    problems = submission_problems(locked)
    if problems:
        raise InvalidInput.on_fields(
            problems, message="The response is not complete: " + next(iter(problems.values()))[0]
        )
    at = now or timezone.now()
    moved = transition(
        locked,
        to=ResponseState.SUBMITTED,
        table=RESPONSE_TRANSITIONS,
        event="submitted",
        by=_user(actor),
        at=at,
        also={
            "indicative_price": indicative_price(locked.setting, invitation.referral.lot_id),
            "updated_at": at,
        },
        what="response",
    )
    audit_record(
        actor=actor,
        verb=AuditVerb.STATE_CHANGED,
        obj=locked,
        before=_json(moved.before),
        after=_json(moved.after),
    )
    if invitation.state == InvitationState.DECLINED:
        reopen_locked(invitation, actor=actor, reason="The provider responded after declining.")
    if invitation.state == InvitationState.INVITED:
        moved_invitation = transition(
            invitation,
            to=InvitationState.RESPONDED,
            table=INVITATION_TRANSITIONS,
            what="invitation",
        )
        audit_record(
            actor=actor,
            verb=AuditVerb.STATE_CHANGED,
            obj=invitation,
            before=moved_invitation.before,
            after=moved_invitation.after,
        )
    notify(
        recipients=provider_users(invitation.provider_id),
        event_key=f"response-submitted:{locked.pk}:{at.timestamp():.6f}",
        template="notifications/referrals_response_submitted",
        context={"response": locked, "referral": invitation.referral, "setting": locked.setting},
        url=reverse("referrals:response-edit", args=[locked.pk]),
    )
    return locked


@transaction.atomic
def response_withdraw(
    *, actor: Actor, response: Response, now: datetime.datetime | None = None
) -> Response:
    """Withdraws a submitted response before the deadline; with no other submitted response
    the invitation is invited again (still to answer, and reminded)."""
    invitation = response.invitation
    require_invitee(actor, invitation)
    lock_open_referral(invitation.referral_id, now=now)
    locked_invitation = lock_invitation(invitation)
    locked = _lock_response(response)
    moved = transition(
        locked,
        to=ResponseState.WITHDRAWN,
        table=RESPONSE_TRANSITIONS,
        event="withdrawn",
        by=_user(actor),
        at=now,
        what="response",
    )
    audit_record(
        actor=actor,
        verb=AuditVerb.STATE_CHANGED,
        obj=locked,
        before=moved.before,
        after=moved.after,
    )
    others = (
        dangerously_unscoped(Response)
        .filter(invitation=locked_invitation, state=ResponseState.SUBMITTED)
        .exclude(pk=locked.pk)
        .exists()
    )
    if not others and locked_invitation.state == InvitationState.RESPONDED:
        back = transition(
            locked_invitation,
            to=InvitationState.INVITED,
            table=INVITATION_TRANSITIONS,
            what="invitation",
        )
        audit_record(
            actor=actor,
            verb=AuditVerb.STATE_CHANGED,
            obj=locked_invitation,
            before=back.before,
            after=back.after,
            reason="Its last submitted response was withdrawn.",
        )
    locked.invitation = locked_invitation
    return locked


@transaction.atomic
def response_resubmit(
    *, actor: Actor, response: Response, now: datetime.datetime | None = None
) -> Response:
    """A withdrawn response becomes a draft again, with its answers, to change and submit."""
    invitation = response.invitation
    require_invitee(actor, invitation)
    lock_open_referral(invitation.referral_id, now=now)
    lock_invitation(invitation)
    locked = _lock_response(response)
    moved = transition(
        locked,
        to=ResponseState.DRAFT,
        table=RESPONSE_TRANSITIONS,
        also={"inspection_confirmed": False, "updated_at": now or timezone.now()},
        what="response",
    )
    audit_record(
        actor=actor,
        verb=AuditVerb.STATE_CHANGED,
        obj=locked,
        before=_json(moved.before),
        after=_json(moved.after),
        reason="Reopened to change and submit again.",
    )
    return locked


@transaction.atomic
def response_service_add(
    *,
    actor: Actor,
    response: Response,
    quantity: object,
    price_list_item: AdditionalService | None = None,
    name: str = "",
    unit: str = "",
    rate: object = None,
    submission_key: uuid.UUID | None = None,
    now: datetime.datetime | None = None,
) -> ResponseService:
    """Adds an additional service to the draft: from the setting's price list (its name, unit
    and rate), or a new one with its own; each with a quantity a week."""
    _, locked = _lock_draft(actor, response, now=now)
    errors: dict[str, list[str]] = {}
    amount = _money(quantity)
    if amount is None or amount > MAX_QUANTITY:
        errors["quantity"] = [SERVICE_QUANTITY_INVALID]
    if price_list_item is not None:
        if price_list_item.setting_id != locked.setting_id:
            errors["price_list_item"] = [SERVICE_NOT_ON_LIST]
        name, unit = price_list_item.name, price_list_item.unit
        money: Decimal | None = price_list_item.rate
    else:
        name, unit = (name or "").strip(), (unit or "").strip()
        money = _money(rate)
        if not name:
            errors["name"] = [SERVICE_NAME_MISSING]
        elif len(name) > 200:
            errors["name"] = ["The service's name must be 200 characters or fewer."]
        if not unit:
            errors["unit"] = [SERVICE_UNIT_MISSING]
        elif len(unit) > 40:
            errors["unit"] = ["The unit must be 40 characters or fewer."]
        if money is None:
            errors["rate"] = [SERVICE_RATE_INVALID]
    if errors:
        raise InvalidInput.on_fields(errors)
    assert amount is not None and money is not None

    def make() -> ResponseService:
        return ResponseService.objects.create(
            response=locked,
            price_list_item=price_list_item,
            name=name,
            unit=unit,
            rate=money,
            quantity=amount,
            submission_key=submission_key,
        )

    service, created = create_once(
        earlier=ResponseService.objects.filter(response=locked),
        submission_key=submission_key,
        create=make,
    )
    if created:
        audit_record(
            actor=actor,
            verb=AuditVerb.CREATED,
            obj=service,
            after=_json(
                snapshot(
                    service,
                    ["response_id", "price_list_item_id", "name", "unit", "rate", "quantity"],
                )
            ),
        )
    return service


@transaction.atomic
def response_service_remove(
    *, actor: Actor, service: ResponseService, now: datetime.datetime | None = None
) -> None:
    _, locked = _lock_draft(actor, service.response, now=now)
    row = ResponseService.objects.filter(pk=service.pk, response=locked).first()
    if row is None:
        return
    audit_record(
        actor=actor,
        verb=AuditVerb.DELETED,
        obj=row,
        before=_json(snapshot(row, ["response_id", "name", "unit", "rate", "quantity"])),
    )
    row.delete()


def _sha256(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def response_attachment_add(
    *,
    actor: Actor,
    response: Response,
    title: str,
    upload: UploadedFile | None,
    submission_key: uuid.UUID | None = None,
    now: datetime.datetime | None = None,
) -> ResponseAttachment:
    """Attaches a file to the draft (the upload rules of onboarding: PDF, DOCX, PNG or JPEG by
    content, within the size limit). The same file twice is refused, the same form twice makes
    one attachment."""
    errors: dict[str, list[str]] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = [TITLE_MISSING]
    elif len(title) > 200:
        errors["title"] = ["The title must be 200 characters or fewer."]
    checked = None
    try:
        checked = check_upload(upload)
    except InvalidInput as exc:
        errors.update(exc.fields)
    if errors:
        raise InvalidInput.on_fields(errors)
    assert upload is not None and checked is not None
    digest = _sha256(upload)
    stored_name = ""
    try:
        with transaction.atomic():
            _, locked = _lock_draft(actor, response, now=now)
            mine = ResponseAttachment.objects.filter(response=locked)
            if submission_key is not None and (
                earlier := mine.filter(submission_key=submission_key).first()
            ):
                return earlier
            if mine.filter(sha256=digest).exists():
                raise InvalidInput.on_fields({"file": [ALREADY_ATTACHED]})
            attachment = ResponseAttachment(
                response=locked,
                title=title,
                original_filename=checked.original_filename,
                content_type=checked.content_type,
                size=checked.size,
                sha256=digest,
                uploaded_by=_user(actor),
                submission_key=submission_key,
            )
            attachment.file.save(checked.original_filename, upload, save=False)
            stored_name = attachment.file.name or ""

            def make() -> ResponseAttachment:
                attachment.save()
                return attachment

            saved, created = create_once(earlier=mine, submission_key=submission_key, create=make)
            if not created:
                attachment.file.storage.delete(stored_name)
                return saved
            audit_record(
                actor=actor,
                verb=AuditVerb.CREATED,
                obj=saved,
                after=snapshot(
                    saved, ["response_id", "title", "original_filename", "size", "sha256"]
                ),
            )
            return saved
    except IntegrityError:
        if stored_name:
            ResponseAttachment.file.field.storage.delete(stored_name)
        raise InvalidInput.on_fields({"file": [ALREADY_ATTACHED]}) from None
    except Exception:
        if stored_name:
            ResponseAttachment.file.field.storage.delete(stored_name)
        raise


@transaction.atomic
def response_attachment_remove(
    *, actor: Actor, attachment: ResponseAttachment, now: datetime.datetime | None = None
) -> None:
    _, locked = _lock_draft(actor, attachment.response, now=now)
    row = ResponseAttachment.objects.filter(pk=attachment.pk, response=locked).first()
    if row is None:
        return
    audit_record(
        actor=actor,
        verb=AuditVerb.DELETED,
        obj=row,
        before=snapshot(row, ["response_id", "title", "original_filename", "sha256"]),
    )
    name = row.file.name
    row.delete()
    transaction.on_commit(lambda: ResponseAttachment.file.field.storage.delete(name))


@transaction.atomic
def response_attachment_record_download(*, actor: Actor, attachment: ResponseAttachment) -> None:
    audit_record(
        actor=actor,
        verb=AuditVerb.DOWNLOADED,
        obj=attachment,
        reason=f"Attachment of response {attachment.response_id}.",
    )


def require_own_response(actor: Actor, response: Response) -> None:
    if not (actor.is_provider and actor.organisation_id == response.invitation.provider_id):
        raise NotAllowed("Only the provider's own users can change its response.")
