"""Writing to the audit log. Call inside the transaction of the change being recorded."""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Mapping
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
    """Append one event. Inside an atomic block it commits or rolls back with the change itself."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    user = actor.user if actor is not None else None
    with transaction.atomic():
        return AuditEvent.objects.create(
            actor=user if user is not None and user.pk else None,
            actor_label=getattr(user, "email", "") or "system",
            organisation_id=actor.organisation_id if actor is not None else None,
            role=(actor.role or "") if actor is not None else "",
            verb=verb,
            object_type=object_type,
            object_id=object_id,
            object_repr=str(obj)[:200] if obj is not None else "",
            before=_jsonable(before) if before is not None else None,
            after=_jsonable(after) if after is not None else None,
            reason=reason,
            request_id=current_request_id(),
        )


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    """The named fields of an object, ready for `before`/`after`."""
    return {name: _jsonable(getattr(obj, name)) for name in fields}
