"""The awarded provider's reads of the child's record and documents, each audited (issue 11:
"after the award the awarded provider sees the child's identity and the full documents").
Scoping (`referrals.scope_rules`) decides who may read; these record that they did."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record
from referrals.models import Award, ChildDocument


@transaction.atomic
def placement_record_viewed(*, actor: Actor, award: Award) -> None:
    audit_record(
        actor=actor,
        verb=AuditVerb.VIEWED_CHILD_RECORD,
        object_type="referrals.child",
        object_id=str(award.referral.child_id or ""),
        reason=f"The awarded provider read the record for referral {award.referral.reference}.",
    )


def placements_listed(*, actor: Actor, child_ids: Sequence[int], how: str) -> None:
    """A list of placements naming their children is a view of personal data too: one event
    per page naming every child shown (docs/architecture.md, "Children's records"). A page that
    showed no child (none yet, or only block purchases) records nothing."""
    listed = list(dict.fromkeys(pk for pk in child_ids if pk))
    if not listed:
        return
    with transaction.atomic():
        audit_record(
            actor=actor,
            verb=AuditVerb.VIEWED_CHILD_RECORD,
            object_type="referrals.child",
            after={"listed": listed},
            reason=f"The awarded provider listed its placements ({how}).",
        )


@transaction.atomic
def placement_document_downloaded(*, actor: Actor, document: ChildDocument) -> None:
    audit_record(
        actor=actor,
        verb=AuditVerb.DOWNLOADED,
        obj=document,
        reason="The awarded provider downloaded a document of the child's record.",
    )
