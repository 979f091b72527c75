"""Reads of an IPA recorded in the audit log. The IPA names the child (its name, date of birth
and case number, and the parents' contacts), so each view of it, its PDF or its export is a view
of the child's record: one `VIEWED_CHILD_RECORD` row naming the child by id, with how it was read
(docs/architecture.md, "Children's records"). A block purchase names no child; its reads of the
agreement are not reads of a child's record and write nothing."""

from __future__ import annotations

from django.db import transaction

from contracts.models import Agreement
from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record


@transaction.atomic
def agreement_viewed(*, actor: Actor, agreement: Agreement, how: str) -> None:
    if agreement.child_id is None:
        return
    audit_record(
        actor=actor,
        verb=AuditVerb.VIEWED_CHILD_RECORD,
        object_type="referrals.child",
        object_id=str(agreement.child_id),
        reason=f"Agreement {agreement.reference}: {how}.",
    )
