"""Evidence the provider adds to its open re-check: what it did not hold when the re-check
opened (a provider that joined with its insurance held elsewhere, or whose certificate was
withdrawn), or anything more the lead authority asks for.

The document goes into the provider's evidence library (every rule of `evidence_add` applies)
and onto the re-check as an item answered "confirmed" (it is current: it was uploaded now), in
one transaction, so a refused upload adds nothing to either. A re-check that opened with no
evidence at all can then be sent.
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record
from fps_portal.errors import InvalidInput, WrongState
from providers.models import Setting
from providers.services._common import require_provider
from providers.services.evidence import evidence_add
from quality.models import WITH_PROVIDER, ItemResponse, Recheck, RecheckEventKind, RecheckItem
from quality.services.rechecks import (
    NEW_EVIDENCE_IN_THE_PAST,
    NOT_WITH_PROVIDER,
    lock_recheck,
    record_event,
)


def recheck_item_add(
    *,
    actor: Actor,
    recheck: Recheck,
    kind: str,
    title: str,
    upload: UploadedFile | None,
    setting: Setting | None = None,
    valid_until: datetime.date | None = None,
    reference: str = "",
    insurance_type: str = "",
    insurer: str = "",
    cover_amount: Decimal | None = None,
    submission_key: uuid.UUID | None = None,
) -> RecheckItem:
    """Adds a new evidence item to the provider's library and to its open re-check."""
    if valid_until is not None and valid_until <= timezone.localdate():
        raise InvalidInput.on_fields({"valid_until": NEW_EVIDENCE_IN_THE_PAST})
    with transaction.atomic():
        locked = lock_recheck(recheck)
        require_provider(actor, locked.membership.provider_id)
        if locked.state not in WITH_PROVIDER:
            raise WrongState(NOT_WITH_PROVIDER)
        new = evidence_add(
            actor=actor,
            provider=locked.membership.provider,
            kind=kind,
            title=title,
            upload=upload,
            setting=setting,
            reference=reference,
            insurance_type=insurance_type,
            insurer=insurer,
            cover_amount=cover_amount,
            valid_until=valid_until,
            submission_key=submission_key,
        )
        item = RecheckItem.objects.create(
            recheck=locked,
            evidence=new,
            response=ItemResponse.CONFIRMED,
            responded_at=timezone.now(),
            responded_by=actor.user,
        )
        record_event(
            locked, RecheckEventKind.CHANGED, actor=actor, item=item, detail=f"Added: {new.title}"
        )
        audit_record(
            actor=actor,
            verb=AuditVerb.CREATED,
            obj=item,
            after={"recheck_id": locked.pk, "evidence_id": new.pk, "kind": new.kind},
            reason="Evidence added to the annual re-check.",
        )
    return item
