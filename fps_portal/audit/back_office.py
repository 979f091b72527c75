"""Every change made in the back office goes into the audit log, in the same transaction.

Django admin's own `LogEntry` is a plain table anyone with the database can edit, and it keeps no
before and after. `AuditedModelAdmin` writes an `AuditEvent` for each add, change and delete of
the model it administers and of every object in its inlines (so a membership's role changed on
a user's page is recorded as a change of that membership). Password hashes are never recorded,
only that the password changed.

Django admin saves and deletes one object inside `transaction.atomic()` (`changeform_view`,
`delete_view`, list editing); the bulk "delete selected" action and the password form are not, so
those two are wrapped here: the audit row commits or rolls back with the change it records.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.db.models import Model
from django.forms import BaseModelFormSet, ModelForm
from django.http import HttpRequest

from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record

#: Secrets: a password hash, an authenticator app's key, a recovery code.
NEVER_RECORDED = frozenset({"password", "key", "token"})
BACK_OFFICE = "Back office"


def back_office_actor(request: HttpRequest) -> Actor:
    """The administrator, acting for no organisation: the back office is not an organisation's."""
    return Actor(user=request.user, membership=None)  # type: ignore[arg-type]


def record_of(obj: Model) -> dict[str, Any]:
    """The object's fields as the audit log keeps them: concrete fields by column value, many-to-
    many fields (groups, permissions) as sorted ids, the password never."""
    values: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.name not in NEVER_RECORDED:
            values[field.name] = getattr(obj, field.attname)
    if obj.pk is not None:
        for m2m in obj._meta.many_to_many:
            values[m2m.name] = sorted(getattr(obj, m2m.name).values_list("pk", flat=True))
    return values


def stored_record(obj: Model) -> dict[str, Any] | None:
    """What the database holds for `obj` now (before a form's changes are saved)."""
    if obj.pk is None:
        return None
    stored = type(obj)._default_manager.filter(pk=obj.pk).first()
    return record_of(stored) if stored is not None else None


def _differences(
    before: dict[str, Any], after: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    changed = [name for name in after if before.get(name) != after[name]]
    return {name: before.get(name) for name in changed}, {name: after[name] for name in changed}


def record_back_office_change(
    request: HttpRequest,
    obj: Model,
    *,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    reason: str = "",
) -> None:
    """One audit row for one object added (before None), changed, or deleted (after None)."""
    if before is None:
        verb, label = AuditVerb.CREATED, "added"
    elif after is None:
        verb, label = AuditVerb.DELETED, "deleted"
    else:
        verb, label = AuditVerb.UPDATED, "changed"
        before, after = _differences(before, after)
        if not after and not reason:
            return  # saved without a change: nothing happened worth recording
    summary = f"{BACK_OFFICE}: {obj._meta.verbose_name} {label}"
    audit_record(
        actor=back_office_actor(request),
        verb=verb,
        obj=obj,
        before=before,
        after=after,
        reason=f"{summary}; {reason}" if reason else summary,
    )


class AuditedModelAdmin(admin.ModelAdmin):
    """A ModelAdmin whose every add, change and delete (its inlines' too) is audited."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # The form has already changed `obj` in memory, so the before comes from the database.
        request._audit_before = stored_record(obj) if change else None  # type: ignore[attr-defined]
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # After the many-to-many fields are saved, so a change of groups is in the after.
        record_back_office_change(
            request,
            form.instance,
            before=getattr(request, "_audit_before", None),
            after=record_of(form.instance),
        )

    def save_formset(
        self, request: HttpRequest, form: ModelForm, formset: BaseModelFormSet, change: bool
    ) -> None:
        # Read before saving: the form has changed the instances in memory, and a deleted
        # instance loses its primary key.
        known = {
            id(inline_form.instance): (inline_form.instance.pk, stored_record(inline_form.instance))
            for inline_form in formset.initial_forms
            if inline_form.instance.pk is not None
        }
        super().save_formset(request, form, formset, change)
        for added in formset.new_objects:
            record_back_office_change(request, added, before=None, after=record_of(added))
        for changed, _fields in formset.changed_objects:
            _, before = known.get(id(changed), (None, None))
            record_back_office_change(
                request, changed, before=before or {}, after=record_of(changed)
            )
        for deleted in formset.deleted_objects:
            pk, before = known.get(id(deleted), (None, None))
            deleted.pk = pk
            record_back_office_change(request, deleted, before=before or {}, after=None)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic(using=self._db_for(obj)):
            before = record_of(obj)
            pk = obj.pk
            super().delete_model(request, obj)
            obj.pk = pk  # Django clears it on delete; the audit row names the object deleted
            record_back_office_change(request, obj, before=before, after=None)

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> None:
        # The "delete selected" action is not atomic in Django admin; this is.
        with transaction.atomic(using=queryset.db):
            doomed = [(obj, record_of(obj)) for obj in queryset]
            super().delete_queryset(request, queryset)
            for obj, before in doomed:
                record_back_office_change(request, obj, before=before, after=None)

    def _db_for(self, obj: Model) -> str:
        return obj._state.db or "default"
