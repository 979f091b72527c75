"""A read of a monitoring return's child-level rows is a view of children's personal data, so
each page or API read that shows placements writes one audit event naming the children by id
(as the children list does, docs/architecture.md "Children's records"); one that shows none
records nothing."""

from __future__ import annotations

from django.db import transaction

from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record
from quality.models import MonitoringReturn, PlacementReturn


def monitoring_placements_viewed(
    *,
    actor: Actor,
    monitoring_return: MonitoringReturn,
    placements: list[PlacementReturn],
    how: str,
) -> None:
    children = sorted({p.agreement.child_id for p in placements if p.agreement.child_id})
    if not children:
        return
    with transaction.atomic():
        audit_record(
            actor=actor,
            verb=AuditVerb.VIEWED_CHILD_RECORD,
            object_type="quality.monitoringreturn",
            object_id=str(monitoring_return.pk),
            after={"listed": children},
            reason=how,
        )
