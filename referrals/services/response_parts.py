"""A draft response's additional services (from the setting's price list) and attachments
(checked uploads, one copy of each file), added and removed while it is a draft."""

from __future__ import annotations

import datetime
import hashlib
import uuid
from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction

from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record, snapshot
from fps_portal.errors import InvalidInput
from fps_portal.once import create_once
from providers.models import AdditionalService
from providers.uploads import check_upload
from referrals.models import (
    Response,
    ResponseAttachment,
    ResponseService,
)
from referrals.services.responses import acting_user, jsonable, lock_draft, money_or_none

MAX_QUANTITY = Decimal("999999.99")
SERVICE_NAME_MISSING = "Enter the service's name, like 1:1 support."
SERVICE_UNIT_MISSING = "Enter the unit it is charged by, like hour."
SERVICE_RATE_INVALID = "The rate must be an amount of money greater than 0, like 35.00."
SERVICE_QUANTITY_INVALID = "The quantity must be a number greater than 0, like 2 (hours a week)."
SERVICE_NOT_ON_LIST = "Select a service from this setting's price list."
TITLE_MISSING = "Enter a title for the attachment, like 'Transition plan'."
ALREADY_ATTACHED = "This file is already attached to the response."


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
    _, locked = lock_draft(actor, response, now=now)
    errors: dict[str, list[str]] = {}
    amount = money_or_none(quantity)
    if amount is None or amount > MAX_QUANTITY:
        errors["quantity"] = [SERVICE_QUANTITY_INVALID]
    if price_list_item is not None:
        if price_list_item.setting_id != locked.setting_id:
            errors["price_list_item"] = [SERVICE_NOT_ON_LIST]
        name, unit = price_list_item.name, price_list_item.unit
        money: Decimal | None = price_list_item.rate
    else:
        name, unit = (name or "").strip(), (unit or "").strip()
        money = money_or_none(rate)
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
            after=jsonable(
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
    _, locked = lock_draft(actor, service.response, now=now)
    row = ResponseService.objects.filter(pk=service.pk, response=locked).first()
    if row is None:
        return
    audit_record(
        actor=actor,
        verb=AuditVerb.DELETED,
        obj=row,
        before=jsonable(snapshot(row, ["response_id", "name", "unit", "rate", "quantity"])),
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
            _, locked = lock_draft(actor, response, now=now)
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
                uploaded_by=acting_user(actor),
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
    _, locked = lock_draft(actor, attachment.response, now=now)
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
