"""Reads of the placements lists recorded in the audit log (docs/architecture.md, "Children's
records"). A list naming children is a view of their personal data: each page (page or API) is
one `VIEWED_CHILD_RECORD` event naming every child shown, by id; a page that named nobody records
nothing. An export is always recorded (a `DOWNLOADED` event with its format, filters and rows),
and when it names children, also the view of their records it is."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.db import transaction

from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record

CHILD_TYPE = "referrals.child"


def _ids(child_ids: Sequence[int]) -> list[int]:
    return list(dict.fromkeys(pk for pk in child_ids if pk))


def placements_listed(*, actor: Actor, child_ids: Sequence[int], how: str) -> None:
    listed = _ids(child_ids)
    if not listed:
        return
    with transaction.atomic():
        audit_record(
            actor=actor,
            verb=AuditVerb.VIEWED_CHILD_RECORD,
            object_type=CHILD_TYPE,
            after={"listed": listed},
            reason=f"Placements list ({how}).",
        )


def placements_exported(
    *,
    actor: Actor,
    child_ids: Sequence[int],
    file_format: str,
    rows: int,
    filters: Mapping[str, object],
) -> None:
    listed = _ids(child_ids)
    with transaction.atomic():
        if listed:
            audit_record(
                actor=actor,
                verb=AuditVerb.VIEWED_CHILD_RECORD,
                object_type=CHILD_TYPE,
                after={"listed": listed},
                reason=f"Placements exported as {file_format.upper()}.",
            )
        audit_record(
            actor=actor,
            verb=AuditVerb.DOWNLOADED,
            object_type="contracts.agreement",
            after={"export": file_format, "rows": rows, "filters": dict(filters)},
            reason=f"Placements exported as {file_format.upper()}: {rows} rows.",
        )
