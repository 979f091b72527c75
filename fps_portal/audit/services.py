"""Writing to the audit log. Call inside the transaction of the change being recorded."""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import models, transaction

from fps_portal.audit.models import AuditEvent
from fps_portal.request_context import current_request_id

if TYPE_CHECKING:
    from fps_portal.actors import Actor


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


def in_callers_transaction(using: str | None = None) -> bool:
    """Whether the code runs inside an atomic block of its own (a test case's wrapping block,
    which never commits, does not count: tests must see what production would do)."""
    connection = transaction.get_connection(using)
    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


def audit_record(
    *,
    actor: Actor | None,
    verb: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    reason: str = "",
) -> AuditEvent:
    """Append one event, in the caller's transaction: it commits or rolls back with the change it
    records. Outside an atomic block it refuses (RuntimeError) rather than commit a row of its own
    beside a change that may still roll back."""
    if not in_callers_transaction():
        raise RuntimeError(
            "audit_record() must run inside the transaction.atomic() block of the change it "
            "records."
        )
    event = _event(
        actor,
        AuditEntry(
            verb=verb,
            obj=obj,
            object_type=object_type,
            object_id=object_id,
            before=before,
            after=after,
            reason=reason,
        ),
    )
    event.save(force_insert=True)
    return event


@dataclass(frozen=True)
class AuditEntry:
    """One event for `audit_record_many`: the arguments `audit_record` takes, but the actor."""

    verb: str
    obj: models.Model | None = None
    object_type: str = ""
    object_id: str = ""
    before: Mapping[str, Any] | None = None
    after: Mapping[str, Any] | None = None
    reason: str = ""


def audit_record_many(*, actor: Actor | None, entries: Iterable[AuditEntry]) -> list[AuditEvent]:
    """Append many events by one actor in one INSERT, in the order given (a bulk write's form of
    `audit_record`, with the same rules: only ever inserted, inside the caller's transaction)."""
    if not in_callers_transaction():
        raise RuntimeError(
            "audit_record_many() must run inside the transaction.atomic() block of the changes "
            "it records."
        )
    events = [_event(actor, entry) for entry in entries]
    return AuditEvent.objects.bulk_create(events, batch_size=1000) if events else []


def _event(actor: Actor | None, entry: AuditEntry) -> AuditEvent:
    obj = entry.obj
    object_type, object_id = entry.object_type, entry.object_id
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    user = actor.user if actor is not None else None
    return AuditEvent(
        actor=user if user is not None and user.pk else None,
        actor_label=(actor.label if actor is not None and user is not None else "") or "system",
        organisation_id=actor.organisation_id if actor is not None else None,
        role=(actor.role or "") if actor is not None else "",
        verb=entry.verb,
        object_type=object_type,
        object_id=object_id,
        object_repr=str(obj)[:200] if obj is not None else "",
        before=_jsonable(entry.before) if entry.before is not None else None,
        after=_jsonable(entry.after) if entry.after is not None else None,
        reason=entry.reason,
        request_id=current_request_id(),
    )


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    """The named fields of an object, ready for `before`/`after`."""
    return {name: _jsonable(getattr(obj, name)) for name in fields}
