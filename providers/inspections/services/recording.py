"""Recording inspection judgements and keeping each setting's band current.

`judgement_record` is the one way in, for a person at a page, the API and (later) the bulk import
of Ofsted's files: that import matches a setting by URN and calls it with the file's inspection
number, so running the same file twice changes nothing (idempotent on setting, framework and
inspection number). The setting's band is recomputed in the same transaction, under a row lock
on the setting, so two judgements recorded at once leave the band of both.

A provider only adds judgements. An inspection already recorded (same setting, framework and
inspection number) is corrected only by the lead authority's evaluators, a platform administrator
or the import: otherwise a provider could re-enter its own inspection with better grades, and
councils would see the better band. Sending the same judgement again is still a no-op for anyone.

Nor does a judgement a provider adds count at once: it is recorded as reported by the provider,
awaiting check (CheckStatus), and the lead authority's evaluators confirm or reject it against the
published report (`providers.inspections.services.checks`). Otherwise a provider could invent a
later inspection with better grades and move its band. What the import, the lead authority's
evaluators and platform administrators record (or correct) is confirmed on entry: those are the
sources the check itself trusts. Only confirmed judgements count towards the band.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from fps_portal.accounts.recipients import lead_evaluators
from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record, snapshot
from fps_portal.errors import InvalidInput, NotAllowed, WrongState
from fps_portal.notifications.services import notify
from fps_portal.scoping import dangerously_unscoped
from providers.inspections.bands import derive_band
from providers.inspections.frameworks import (
    FRAMEWORK_REMIT,
    Framework,
    Remit,
    normalise_category,
    normalise_grades,
    validate_grades,
)
from providers.inspections.models import CheckStatus, InspectionJudgement, JudgementSource
from providers.inspections.permissions import (
    can_correct_judgement,
    can_record_judgement,
    confirmed_on_entry,
)
from providers.inspections.services.hooks import (
    confirmed_event,
    current_in_remit,
    run_confirmed_handlers,
)
from providers.inspections.services.setting_band import setting_refresh_band
from providers.models import Setting

JUDGEMENT_FIELDS = [
    "framework",
    "remit",
    "inspection_number",
    "inspection_start_date",
    "publication_date",
    "grades",
    "category_of_concern",
    "relates_to_current_urn",
    "source",
    "source_reference",
    "band",
    "band_reasons",
    "rule_version",
    "check_status",
]


@dataclass(frozen=True)
class JudgementData:
    framework: str
    inspection_start_date: datetime.date
    grades: Mapping[str, str]
    remit: str = ""
    inspection_number: str = ""
    publication_date: datetime.date | None = None
    category_of_concern: str = ""
    relates_to_current_urn: bool = True
    source: str = JudgementSource.MANUAL
    source_reference: str = ""


FRAMEWORK_MISSING = "Select the inspection framework."
REMIT_MISSING = "Select what the inspection covered."
START_IN_FUTURE = "The inspection start date must be today or in the past."
PUBLICATION_IN_FUTURE = "The publication date must be today or in the past."
PUBLISHED_BEFORE_START = "The report cannot be published before the inspection started."


def already_recorded_message(number: str) -> str:
    return (
        f"Inspection {number} is already recorded. "
        "If it is wrong, ask the lead authority to correct it."
    )


@dataclass(frozen=True)
class _Assessment:
    """What recording some data would do. `errors` are the rules it breaks, by field
    ("grades.<area>" for a grade); `refusal` is set when it would change an inspection already
    recorded that the actor may not correct; `values` are the row's fields once nothing is wrong."""

    errors: dict[str, list[str]]
    refusal: str
    existing: InspectionJudgement | None
    values: dict[str, Any] | None

    def all_errors(self) -> dict[str, list[str]]:
        errors = {name: list(messages) for name, messages in self.errors.items()}
        if self.refusal:
            errors.setdefault("inspection_number", []).append(self.refusal)
        return errors


def _would_change(existing: InspectionJudgement, values: dict[str, Any] | None) -> bool:
    if values is None:  # input with errors cannot be the judgement already on file
        return True
    before = snapshot(existing, JUDGEMENT_FIELDS)
    return any(before[k] != v for k, v in _jsonable(values).items())


def _rule_errors(data: JudgementData, *, unreadable: Collection[str]) -> dict[str, list[str]]:
    # A rule that needs a field in `unreadable` is skipped: the form already says that field is
    # wrong, and a second message built on a placeholder value would mislead.
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    framework_known = "framework" not in unreadable
    if framework_known and data.framework not in Framework.values:
        add("framework", FRAMEWORK_MISSING)
    if framework_known and data.framework in Framework.values:
        remit = data.remit or FRAMEWORK_REMIT[data.framework]
        if "remit" not in unreadable and remit not in Remit.values:
            add("remit", REMIT_MISSING)
        for key, message in validate_grades(data.framework, data.grades).items():
            add(f"grades.{key}", message)
    if "category_of_concern" not in unreadable:
        try:
            normalise_category(data.category_of_concern)
        except ValueError as exc:
            add("category_of_concern", str(exc))
    # Dates after today cannot be an inspection that happened: they are typing slips (2062 for
    # 2026), and a future start would also sort as the latest inspection and decide the band.
    today = timezone.localdate()
    start_known = "inspection_start_date" not in unreadable
    publication_known = "publication_date" not in unreadable
    if start_known and data.inspection_start_date > today:
        add("inspection_start_date", START_IN_FUTURE)
    if publication_known and data.publication_date and data.publication_date > today:
        add("publication_date", PUBLICATION_IN_FUTURE)
    elif (
        start_known
        and publication_known
        and data.publication_date
        and data.publication_date < data.inspection_start_date
    ):
        add("publication_date", PUBLISHED_BEFORE_START)
    if data.source not in JudgementSource.values:
        add("source", "Select where the judgement comes from.")
    return errors


def _row_values(data: JudgementData) -> dict[str, Any]:
    grades = normalise_grades(data.framework, data.grades)
    category = normalise_category(data.category_of_concern)
    result = derive_band(data.framework, grades, category_of_concern=category)
    return {
        "remit": data.remit or FRAMEWORK_REMIT[data.framework],
        "inspection_start_date": data.inspection_start_date,
        "publication_date": data.publication_date,
        "grades": grades,
        "category_of_concern": category,
        "relates_to_current_urn": data.relates_to_current_urn,
        "source": data.source,
        "source_reference": data.source_reference.strip(),
        "band": result.band.value,
        "band_reasons": list(result.reasons),
        "rule_version": result.rule_version,
    }


def _assess(
    *, actor: Actor | None, setting: Setting, data: JudgementData, unreadable: Collection[str] = ()
) -> _Assessment:
    errors = _rule_errors(data, unreadable=unreadable)
    number = data.inspection_number.strip()
    existing = (
        dangerously_unscoped(InspectionJudgement)
        .filter(setting=setting, framework=data.framework, inspection_number=number)
        .first()
        if number and not {"framework", "inspection_number"} & set(unreadable)
        else None
    )
    values = _row_values(data) if not (errors or unreadable) else None
    refusal = ""
    if (
        existing is not None
        and not can_correct_judgement(actor)
        and _would_change(existing, values)
    ):
        refusal = already_recorded_message(number)
    return _Assessment(errors=errors, refusal=refusal, existing=existing, values=values)


def judgement_problems(
    *, actor: Actor | None, setting: Setting, data: JudgementData, unreadable: Collection[str] = ()
) -> dict[str, list[str]]:
    """Every reason `judgement_record` would refuse `data`, by field, without writing anything.

    The page's form calls it so one submission shows every error. `unreadable` names the fields
    the form could not read (they carry their own error); the rules that need them are skipped.
    """
    return _assess(actor=actor, setting=setting, data=data, unreadable=unreadable).all_errors()


@transaction.atomic
def judgement_record(
    *, actor: Actor | None, setting: Setting, data: JudgementData
) -> tuple[InspectionJudgement, bool]:
    """Stores one judgement as published and refreshes the setting's band; (judgement, changed).

    `actor` None is the system (a scheduled import). The same inspection number again with the
    same grades is a no-op; with different grades it is a correction, audited with both, which
    only `can_correct_judgement` actors may make (WrongState at `inspection_number` otherwise).
    """
    if actor is not None and not can_record_judgement(actor, setting):
        raise NotAllowed(
            "Only the lead authority or the setting's provider can record its judgements."
        )
    # Under the setting's lock, so the judgement found (or not) is still the one on file when
    # this one is written.
    locked = dangerously_unscoped(Setting).select_for_update().get(pk=setting.pk)
    assessed = _assess(actor=actor, setting=locked, data=data)
    if assessed.errors:
        errors = assessed.all_errors()
        raise InvalidInput.on_fields(errors)
    if assessed.refusal:
        raise WrongState(assessed.refusal, fields={"inspection_number": [assessed.refusal]})
    values = assessed.values
    assert values is not None  # no errors, so the row's values were worked out
    existing = assessed.existing
    user = actor.user if actor is not None and actor.user.pk else None
    trusted = confirmed_on_entry(actor)
    check = (
        {"check_status": CheckStatus.CONFIRMED, "checked_at": timezone.now(), "checked_by": user}
        if trusted
        else {"check_status": CheckStatus.AWAITING_CHECK}
    )
    if existing is not None:
        # A trusted source entering exactly what a provider reported vouches for it, so that
        # counts as a change (the report becomes confirmed); otherwise the same data is a no-op.
        vouches = trusted and existing.check_status != CheckStatus.CONFIRMED
        if not _would_change(existing, values) and not vouches:
            return existing, False
    # What was current in the remit before this write (it may rewrite that very row), for the
    # handlers told of a confirmed judgement (rating alerts compare the two). A report awaiting
    # check counts for nothing yet, so nobody is told of it here.
    current_before = (
        current_in_remit(setting_id=locked.pk, remit=values["remit"]) if trusted else None
    )
    if existing is not None:
        before = snapshot(existing, JUDGEMENT_FIELDS)
        for name, value in {**values, **check}.items():
            setattr(existing, name, value)
        existing.recorded_by = user
        existing.save()
        audit_record(
            actor=actor,
            verb=AuditVerb.UPDATED,
            obj=existing,
            before=before,
            after=snapshot(existing, JUDGEMENT_FIELDS),
            reason="Judgement corrected or re-published.",
        )
        judgement = existing
    else:
        judgement = InspectionJudgement.objects.create(
            setting=locked,
            framework=data.framework,
            inspection_number=data.inspection_number.strip(),
            recorded_by=user,
            **values,
            **check,
        )
        audit_record(
            actor=actor,
            verb=AuditVerb.CREATED,
            obj=judgement,
            after=snapshot(judgement, JUDGEMENT_FIELDS),
        )
    if judgement.check_status == CheckStatus.AWAITING_CHECK:
        # Nothing that counts has changed, so the band is left exactly as it was.
        _tell_lead_evaluators(judgement)
        return judgement, True
    setting_refresh_band(setting=locked, actor=actor)
    assert current_before is not None  # confirmed, so recorded by a trusted source
    run_confirmed_handlers(
        [confirmed_event(judgement=judgement, before=current_before, actor=actor)]
    )
    return judgement, True


def _tell_lead_evaluators(judgement: InspectionJudgement) -> None:
    notify(
        recipients=lead_evaluators(),
        event_key=f"judgement-reported:{judgement.pk}",
        template="notifications/judgement_reported",
        context={"judgement": judgement},
        url=reverse("providers:judgement-check", args=[judgement.pk]),
        send_email=False,  # the dashboard's queue already lists it
    )


def _jsonable(values: Mapping[str, object]) -> dict[str, object]:
    probe = InspectionJudgement(**values)
    return snapshot(probe, list(values))
