"""One way to change an object's state: through the transition table beside its model.

    locked = lock(window)                     # SELECT ... FOR UPDATE, inside the caller's atomic
    transition(
        locked,
        to=WindowState.OPEN,
        table=WINDOW_TRANSITIONS,
        event="opened",                 # stamps opened_at (and opened_by if the model has it)
        by=actor.user if actor else None,
        at=now,
        actor=actor,                    # audited: a STATE_CHANGED row, before and after
        reason=reason,
    )

`transition` refuses a change the table does not allow (WrongState, 409), stamps `<event>_at`
and `<event>_by` where the model has them, sets any other fields given in `also`, saves only the
fields it changed, and returns the state and every field it set, before and after. It must run
inside the caller's transaction with the row locked, so the state it checked is still the state
it changes.

Given `actor` (None for the system: beat, a task), it also appends the audit row of the change,
in the same transaction: `verb` (STATE_CHANGED unless the caller names another), the object,
before, after and `reason`. A caller whose row records more than the move (the agreement's
SIGNED row, with the signature) leaves `actor` out and writes that row itself.
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Generic, TypeVar

from django.db import models
from django.utils import timezone

from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record, in_callers_transaction
from fps_portal.errors import WrongState

if TYPE_CHECKING:
    from fps_portal.actors import Actor

M = TypeVar("M", bound=models.Model)


class _Unaudited(enum.Enum):
    """`transition(actor=...)` left out: the caller writes the change's audit row itself."""

    UNAUDITED = enum.auto()


UNAUDITED: Final = _Unaudited.UNAUDITED


@dataclass(frozen=True)
class Transitioned(Generic[M]):
    obj: M
    before: dict[str, Any]
    after: dict[str, Any]


def lock(obj: M) -> M:
    """The object's row again, locked until the caller's transaction ends."""
    _require_atomic("lock")
    return type(obj)._default_manager.select_for_update().get(pk=obj.pk)


def _require_atomic(what: str) -> None:
    if not in_callers_transaction():
        raise RuntimeError(f"{what}() must run inside the caller's transaction.atomic() block.")


def _label(obj: models.Model, field: str) -> str:
    display = getattr(obj, f"get_{field}_display", None)
    return str(display() if callable(display) else getattr(obj, field)).lower()


def refusal_message(obj: models.Model, *, what: str = "", field: str = "state") -> str:
    what = what or str(obj._meta.verbose_name)
    return f"This {what} is {_label(obj, field)}, so it cannot be changed that way."


def allowed(table: Mapping[str, frozenset[str]], current: str, target: str) -> bool:
    return target in table.get(current, frozenset())


def transition(
    obj: M,
    *,
    to: str,
    table: Mapping[str, frozenset[str]],
    event: str | None = None,
    by: models.Model | None = None,
    at: datetime.datetime | None = None,
    also: Mapping[str, Any] | None = None,
    field: str = "state",
    what: str = "",
    actor: Actor | _Unaudited | None = UNAUDITED,
    verb: str = AuditVerb.STATE_CHANGED,
    reason: str = "",
) -> Transitioned[M]:
    """Move the locked `obj` to state `to` if `table` allows it, and audit the move when given
    `actor`; see the module's docstring.

    A refusal reads "This <what> is <state>, so it cannot be changed that way." (`what` defaults
    to the model's verbose name).
    """
    _require_atomic("transition")
    current = getattr(obj, field)
    if not allowed(table, current, to):
        raise WrongState(refusal_message(obj, what=what, field=field))
    at = at or timezone.now()
    names = {f.name for f in obj._meta.concrete_fields}
    changes: dict[str, Any] = {field: to}
    if event is not None:
        if f"{event}_at" not in names:
            raise ValueError(f"{obj._meta.label} has no field {event}_at to stamp.")
        changes[f"{event}_at"] = at
        if f"{event}_by" in names:
            changes[f"{event}_by"] = by
    changes.update(also or {})
    before = {name: _value(obj, name) for name in changes}
    for name, value in changes.items():
        setattr(obj, name, value)
    obj.save(update_fields=[obj._meta.get_field(name).name for name in changes])
    after = {name: _value(obj, name) for name in changes}
    if actor is not UNAUDITED:
        audit_record(actor=actor, verb=verb, obj=obj, before=before, after=after, reason=reason)
    return Transitioned(obj=obj, before=before, after=after)


def _value(obj: models.Model, name: str) -> Any:
    """A field's value as the audit log keeps it: a foreign key by its id."""
    model_field = obj._meta.get_field(name)
    if isinstance(model_field, models.ForeignKey):
        return getattr(obj, model_field.attname)
    return getattr(obj, name)
