"""QA visits: the QA officer plans, schedules, records and completes a visit, or cancels it; the
provider answers the completed report on factual accuracy (issue 14; REQUIREMENTS C27-C28,
C36-C39). Every state change goes through `transition` (ADR 0006) with the visit row locked and
is audited; the other writes are audited here. Completing writes the findings, the shared
summary (never a child) and asks for the report PDFs, in one transaction.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from fps_portal.accounts.recipients import provider_users
from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record, snapshot
from fps_portal.errors import InvalidInput, NotAllowed, WrongState
from fps_portal.notifications.services import notify
from fps_portal.once import create_once
from fps_portal.scoping import dangerously_unscoped
from fps_portal.transitions import lock, transition
from providers.models import Setting
from quality.models import (
    VISIT_TRANSITIONS,
    AlertRecipient,
    AreaRating,
    QaVisit,
    QaVisitFinding,
    QaVisitSummary,
    VisitArea,
    VisitKind,
    VisitState,
    VisitTrigger,
)
from quality.services.visit_reports import report_requested
from quality.visits.access import runs_visits
from quality.visits.risk import placed_counts

NOT_QA = "Only the authority's QA officers can plan and record its visits."
NOT_PLACED = "Select a setting where your authority has children placed."
KIND_MISSING = "Select whether the visit is programmed or responsive."
MONTH_MISSING = "Enter the month the visit is planned for."
MONTH_PAST = "Plan the visit for this month or later."
TRIGGER_MISSING = "Select what the responsive visit answers: a concern, an alert or a rating."
TRIGGER_ON_PROGRAMMED = "A programmed visit answers nothing in particular: leave this empty."
ALERT_NOT_TOLD = "Select a rating alert your authority was told of, about this setting."
NOTE_MISSING = "Say what the visit answers."
DATE_MISSING = "Enter the date of the visit."
DATE_PAST = "The visit date must be today or later."
VISITORS_MISSING = "Enter who is visiting."
DATE_FUTURE = "The visit date cannot be in the future: complete the visit once it has happened."
RATING_MISSING = "Select a rating for this area."
OVERALL_MISSING = "Select the visit's overall rating."
FINDINGS_MISSING = "Enter the main findings: they are shared with every authority."
RECOMMENDATIONS_MISSING = "Enter the recommendations, or say there are none."
REASON_MISSING = "Enter why the visit is cancelled."
RESPONSE_MISSING = "Enter your response on the report's factual accuracy."
ALREADY_RESPONDED = "You have already answered this report. Contact the authority to add more."
NOT_YOURS = "Only the provider visited can answer this report."
MAX_TEXT = 5000

#: The fields an audit row shows of a visit.
VISIT_FIELDS = [
    "state",
    "kind",
    "trigger",
    "planned_month",
    "visit_date",
    "visitors",
    "overall_rating",
    "cancel_reason",
    "provider_responded_at",
]


@dataclass(frozen=True)
class AreaFinding:
    rating: str
    findings: str = ""


def _require_qa(actor: Actor, visit: QaVisit | None = None) -> None:
    if not runs_visits(actor):
        raise NotAllowed(NOT_QA)
    if visit is not None and visit.authority_id != actor.organisation_id:
        raise NotAllowed(NOT_QA)


def _text(value: str, field: str, errors: dict[str, str], missing: str | None = None) -> str:
    value = (value or "").strip()
    if missing and not value:
        errors[field] = missing
    elif len(value) > MAX_TEXT:
        errors[field] = f"Enter {MAX_TEXT} characters or fewer."
    return value


@transaction.atomic
def visit_plan(
    *,
    actor: Actor,
    setting_id: int | None,
    kind: str,
    planned_month: datetime.date | None,
    trigger: str = "",
    trigger_alert_id: int | None = None,
    trigger_note: str = "",
    submission_key: uuid.UUID | None = None,
) -> QaVisit:
    """A visit in the programme for a month: to a setting where the authority has children
    placed. A responsive visit says what it answers (a concern, an alert told to the authority
    about this setting, or a rating)."""
    _require_qa(actor)
    authority = actor.organisation
    assert authority is not None
    errors: dict[str, str] = {}
    if setting_id is None or setting_id not in placed_counts(authority):
        errors["setting"] = NOT_PLACED
    if kind not in VisitKind.values:
        errors["kind"] = KIND_MISSING
    today = timezone.localdate()
    month = planned_month.replace(day=1) if planned_month else None
    if month is None:
        errors["planned_month"] = MONTH_MISSING
    elif month < today.replace(day=1):
        errors["planned_month"] = MONTH_PAST
    trigger = trigger or ""
    note = _text(trigger_note, "trigger_note", errors)
    alert = None
    if kind == VisitKind.RESPONSIVE:
        if trigger not in VisitTrigger.values or not trigger:
            errors["trigger"] = TRIGGER_MISSING
        elif trigger == VisitTrigger.ALERT and setting_id is not None:
            told = dangerously_unscoped(AlertRecipient).filter(
                authority=authority, alert_id=trigger_alert_id, alert__setting_id=setting_id
            )
            alert = told.values_list("alert_id", flat=True).first()
            if trigger_alert_id is None or alert is None:
                errors["trigger_alert"] = ALERT_NOT_TOLD
        elif trigger == VisitTrigger.ALERT:
            errors["trigger_alert"] = ALERT_NOT_TOLD
        elif not note:
            errors["trigger_note"] = NOTE_MISSING
    elif kind == VisitKind.PROGRAMMED and (trigger or trigger_alert_id):
        errors["trigger"] = TRIGGER_ON_PROGRAMMED
    if errors:
        raise InvalidInput.on_fields(errors)
    assert setting_id is not None and month is not None

    def create() -> QaVisit:
        return QaVisit.objects.create(
            authority=authority,
            setting_id=setting_id,
            kind=kind,
            trigger=trigger if kind == VisitKind.RESPONSIVE else "",
            trigger_alert_id=alert,
            trigger_note=note,
            planned_month=month,
            created_by=actor.user,
            submission_key=submission_key,
        )

    visit, created = create_once(
        earlier=dangerously_unscoped(QaVisit).filter(authority=authority),
        submission_key=submission_key,
        create=create,
    )
    if created:
        audit_record(
            actor=actor,
            verb=AuditVerb.CREATED,
            obj=visit,
            after=snapshot(visit, VISIT_FIELDS),
            reason=f"QA visit planned to setting {setting_id}.",
        )
    return visit


@transaction.atomic
def visit_schedule(
    *, actor: Actor, visit: QaVisit, visit_date: datetime.date | None, visitors: str
) -> QaVisit:
    """Set (planned) or move (scheduled) the visit's date, and who is visiting. The provider is
    told of the date."""
    _require_qa(actor, visit)
    locked = lock(visit)
    if locked.state not in (VisitState.PLANNED, VisitState.SCHEDULED):
        raise WrongState(
            f"This visit is {locked.get_state_display().lower()}: it has no date to set."
        )
    errors: dict[str, str] = {}
    if visit_date is None:
        errors["visit_date"] = DATE_MISSING
    elif visit_date < timezone.localdate():
        errors["visit_date"] = DATE_PAST
    who = _text(visitors, "visitors", errors, VISITORS_MISSING)
    if errors:
        raise InvalidInput.on_fields(errors)
    also = {"visit_date": visit_date, "visitors": who}
    if locked.state == VisitState.PLANNED:
        transition(
            locked,
            to=VisitState.SCHEDULED,
            table=VISIT_TRANSITIONS,
            event="scheduled",
            by=actor.user,
            also=also,
            what="visit",
            actor=actor,
        )
    else:
        before = snapshot(locked, VISIT_FIELDS)
        locked.visit_date, locked.visitors = visit_date, who
        locked.save(update_fields=["visit_date", "visitors"])
        audit_record(
            actor=actor,
            verb=AuditVerb.UPDATED,
            obj=locked,
            before=before,
            after=snapshot(locked, VISIT_FIELDS),
            reason="QA visit moved.",
        )
    setting = dangerously_unscoped(Setting).get(pk=locked.setting_id)
    notify(
        recipients=provider_users(setting.provider_id),
        event_key=f"qa-visit-scheduled:{locked.pk}:{visit_date:%Y%m%d}",
        template="notifications/qa_visit_scheduled",
        context={"visit": locked, "setting": setting, "authority": actor.organisation},
        url=reverse("quality:visit-list"),
    )
    return locked


@transaction.atomic
def visit_complete(
    *,
    actor: Actor,
    visit: QaVisit,
    visit_date: datetime.date | None,
    visitors: str,
    findings: Mapping[str, AreaFinding],
    overall_rating: str,
    main_findings: str,
    recommendations: str,
    children_views: str = "",
) -> QaVisit:
    """Record the visit and its report: a rating (and findings) for every area, the overall
    rating, the main findings (shared), the recommendations and the children's views (the
    authority's alone). Writes the shared summary and asks for the report PDFs."""
    _require_qa(actor, visit)
    locked = lock(visit)
    if locked.state != VisitState.SCHEDULED:
        raise WrongState(
            f"This visit is {locked.get_state_display().lower()}: only a scheduled visit is "
            "completed. Set its date first."
        )
    errors: dict[str, str] = {}
    if visit_date is None:
        errors["visit_date"] = DATE_MISSING
    elif visit_date > timezone.localdate():
        errors["visit_date"] = DATE_FUTURE
    who = _text(visitors, "visitors", errors, VISITORS_MISSING)
    for area in VisitArea.values:
        given = findings.get(area)
        if given is None or given.rating not in AreaRating.values:
            errors[f"{area}_rating"] = RATING_MISSING
        else:
            _text(given.findings, f"{area}_findings", errors)
    if overall_rating not in AreaRating.values or overall_rating == AreaRating.NOT_ASSESSED:
        errors["overall_rating"] = OVERALL_MISSING
    shared = _text(main_findings, "main_findings", errors, FINDINGS_MISSING)
    advice = _text(recommendations, "recommendations", errors, RECOMMENDATIONS_MISSING)
    views = _text(children_views, "children_views", errors)
    if errors:
        raise InvalidInput.on_fields(errors)
    assert visit_date is not None
    QaVisitFinding.objects.bulk_create(
        QaVisitFinding(
            visit=locked,
            area=area,
            rating=findings[area].rating,
            findings=findings[area].findings.strip(),
        )
        for area in VisitArea.values
    )
    transition(
        locked,
        to=VisitState.COMPLETED,
        table=VISIT_TRANSITIONS,
        event="completed",
        by=actor.user,
        also={
            "visit_date": visit_date,
            "visitors": who,
            "overall_rating": overall_rating,
            "main_findings": shared,
            "recommendations": advice,
            "children_views": views,
        },
        what="visit",
        actor=actor,
    )
    QaVisitSummary.objects.create(
        visit=locked,
        authority_id=locked.authority_id,
        setting_id=locked.setting_id,
        visited_on=visit_date,
        overall_rating=overall_rating,
        main_findings=shared,
    )
    report_requested(locked)
    setting = dangerously_unscoped(Setting).get(pk=locked.setting_id)
    notify(
        recipients=provider_users(setting.provider_id),
        event_key=f"qa-visit-completed:{locked.pk}",
        template="notifications/qa_visit_completed",
        context={"visit": locked, "setting": setting, "authority": actor.organisation},
        url=reverse("quality:visit", args=[locked.pk]),
    )
    return locked


@transaction.atomic
def visit_cancel(*, actor: Actor, visit: QaVisit, reason: str) -> QaVisit:
    _require_qa(actor, visit)
    locked = lock(visit)
    errors: dict[str, str] = {}
    why = _text(reason, "reason", errors, REASON_MISSING)
    if errors:
        raise InvalidInput.on_fields(errors)
    transition(
        locked,
        to=VisitState.CANCELLED,
        table=VISIT_TRANSITIONS,
        event="cancelled",
        by=actor.user,
        also={"cancel_reason": why},
        what="visit",
        actor=actor,
        reason=why,
    )
    return locked


@transaction.atomic
def visit_respond(*, actor: Actor, visit: QaVisit, response: str) -> QaVisit:
    """The provider's answer on the report's factual accuracy, once; the officer who completed
    the visit (and the authority's other QA officers) are told."""
    setting = dangerously_unscoped(Setting).get(pk=visit.setting_id)
    if not actor.is_provider or actor.organisation_id != setting.provider_id:
        raise NotAllowed(NOT_YOURS)
    locked = lock(visit)
    if locked.state != VisitState.COMPLETED:
        raise WrongState("Only a completed visit's report can be answered.")
    if locked.provider_responded_at is not None:
        raise WrongState(ALREADY_RESPONDED)
    errors: dict[str, str] = {}
    answer = _text(response, "response", errors, RESPONSE_MISSING)
    if errors:
        raise InvalidInput.on_fields(errors)
    before = snapshot(locked, VISIT_FIELDS)
    locked.provider_response = answer
    locked.provider_responded_at = timezone.now()
    locked.provider_responded_by = actor.user
    locked.save(
        update_fields=["provider_response", "provider_responded_at", "provider_responded_by"]
    )
    audit_record(
        actor=actor,
        verb=AuditVerb.UPDATED,
        obj=locked,
        before=before,
        after=snapshot(locked, VISIT_FIELDS),
        reason="The provider answered the QA visit report on factual accuracy.",
    )
    notify(
        recipients=[u for u in [locked.completed_by] if u is not None],
        event_key=f"qa-visit-response:{locked.pk}",
        template="notifications/qa_visit_response",
        context={"visit": locked, "setting": setting},
        url=reverse("quality:visit", args=[locked.pk]),
    )
    return locked
