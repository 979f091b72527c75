"""A monitoring return's figures, sending and review.

The provider saves a draft (any figure may still be empty) and sends the return once every
figure, every attendance and every outcome's rating and words are in; each placing authority's
QA officer then rates its part of the latest submission or returns it for correction with a
reason. The return is reviewed when every placing authority has rated that submission.

Figures arrive as one flat mapping keyed as the page's fields are (`FIGURE_KEY`): `s<id>_<count>`
for a setting, `p<id>_<count>` and `p<id>_attendance_percent` for a placement, `o<id>_rating` and
`o<id>_progress` for an outcome. Each is checked before anything is written, so one bad figure
refuses the whole save, with its message on its field.

Lock order: the return, then nothing else (its rows are written under the return's lock).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone

from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record
from fps_portal.errors import InvalidInput, NotAllowed, WrongState
from fps_portal.notifications.services import notify
from fps_portal.transitions import transition
from providers.services._common import provider_users, require_provider
from quality.models import (
    PLACEMENT_COUNTS,
    RETURN_TRANSITIONS,
    RETURN_WITH_PROVIDER,
    SETTING_COUNTS,
    MonitoringRating,
    MonitoringReturn,
    OutcomeProgress,
    PlacementReturn,
    ProgressRating,
    ReturnEvent,
    ReturnEventKind,
    ReturnReview,
    ReturnState,
    ReviewDecision,
    SettingReturn,
    figure_label,
)
from quality.services.monitoring_rounds import qa_officers

FIGURE_KEY = "{prefix}{pk}_{field}"
NOT_WITH_PROVIDER = "This return has been sent for review, so it cannot be changed now."
NOT_SUBMITTED = "The provider has not sent this return, so there is nothing to review."
ALREADY_REVIEWED = "Your authority has reviewed this submission already. A decision stands."
NOT_PLACING = "Only the QA officers of an authority with a child in this return can review it."
DECISION_MISSING = "Select whether to rate the return or return it for correction."
RATING_MISSING = "Select a rating for the return."
REASON_MISSING = "Enter what the provider must correct."
TEXT_LIMIT = 4000
#: Days the provider has to correct a returned return (from the return, at the least).
CORRECTION_DAYS = 7


def figure_key(prefix: str, pk: int, field: str) -> str:
    return FIGURE_KEY.format(prefix=prefix, pk=pk, field=field)


def _label(model: type[Model], field: str) -> str:
    return figure_label(model, field)


def _count(raw: Any, label: str) -> tuple[int | None, str]:
    text = "" if raw is None else str(raw).strip()
    if text == "":
        return None, ""
    try:
        value = int(text)
    except ValueError:
        return None, f"{label} must be a whole number, like 3"
    if value < 0:
        return None, f"{label} must be 0 or more"
    if value > 100_000:
        return None, f"{label} must be 100,000 or fewer"
    return value, ""


def _attendance(raw: Any) -> tuple[Decimal | None, str]:
    text = "" if raw is None else str(raw).strip().rstrip("%").strip()
    if text == "":
        return None, ""
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None, "Attendance must be a number, like 94.5"
    if not value.is_finite() or value < 0 or value > 100:
        return None, "Attendance must be between 0% and 100%"
    if value != value.quantize(Decimal("0.1")):
        return None, "Attendance must have no more than 1 decimal place, like 94.5"
    return value, ""


class Parsed:
    """The figures read from the mapping, and each field's problem."""

    def __init__(self) -> None:
        self.values: dict[tuple[type[Model], int], dict[str, Any]] = {}
        self.problems: dict[str, str] = {}

    def put(self, model: type[Model], pk: int, field: str, value: Any) -> None:
        self.values.setdefault((model, pk), {})[field] = value


def parse_figures(
    figures: Mapping[str, Any],
    *,
    settings: list[SettingReturn],
    placements: list[PlacementReturn],
    outcomes: list[OutcomeProgress],
) -> Parsed:
    """Reads every figure the return asks for (absent keys are empty)."""
    parsed = Parsed()
    for row in settings:
        for field in SETTING_COUNTS:
            key = figure_key("s", row.pk, field)
            value, problem = _count(figures.get(key), _label(SettingReturn, field))
            parsed.problems.update({key: problem} if problem else {})
            parsed.put(SettingReturn, row.pk, field, value)
    for placement in placements:
        key = figure_key("p", placement.pk, "attendance_percent")
        attendance, problem = _attendance(figures.get(key))
        parsed.problems.update({key: problem} if problem else {})
        parsed.put(PlacementReturn, placement.pk, "attendance_percent", attendance)
        for field in PLACEMENT_COUNTS:
            key = figure_key("p", placement.pk, field)
            value, problem = _count(figures.get(key), _label(PlacementReturn, field))
            parsed.problems.update({key: problem} if problem else {})
            parsed.put(PlacementReturn, placement.pk, field, value)
    for outcome in outcomes:
        key = figure_key("o", outcome.pk, "rating")
        rating = str(figures.get(key) or "").strip()
        if rating and rating not in ProgressRating.values:
            parsed.problems[key] = "Select the progress made towards this outcome"
            rating = ""
        parsed.put(OutcomeProgress, outcome.pk, "rating", rating)
        key = figure_key("o", outcome.pk, "progress")
        words = str(figures.get(key) or "").strip()
        if len(words) > TEXT_LIMIT:
            parsed.problems[key] = (
                f"What progress was made must be {TEXT_LIMIT} characters or fewer"
            )
        parsed.put(OutcomeProgress, outcome.pk, "progress", words)
    return parsed


def _missing(parsed: Parsed) -> dict[str, str]:
    """What a submission still lacks: every figure, every rating and its words."""
    missing: dict[str, str] = {}
    for (model, pk), values in parsed.values.items():
        prefix = {SettingReturn: "s", PlacementReturn: "p", OutcomeProgress: "o"}[model]
        for field, value in values.items():
            if value is None or value == "":
                key = figure_key(prefix, pk, field)
                if field == "rating":
                    missing[key] = "Select the progress made towards this outcome"
                elif field == "progress":
                    missing[key] = "Enter what progress was made towards this outcome"
                elif field == "attendance_percent":
                    missing[key] = "Enter the attendance, like 94.5"
                else:
                    missing[key] = f"Enter the number of {_label(model, field).lower()}, or 0"
    return missing


def _lock(monitoring_return: MonitoringReturn) -> MonitoringReturn:
    return (
        MonitoringReturn.objects.select_for_update()
        .select_related("round")
        .get(pk=monitoring_return.pk)
    )


def _rows(
    locked: MonitoringReturn,
) -> tuple[list[SettingReturn], list[PlacementReturn], list[OutcomeProgress]]:
    return (
        list(SettingReturn.objects.filter(monitoring_return=locked).order_by("pk")),
        list(PlacementReturn.objects.filter(monitoring_return=locked).order_by("pk")),
        list(
            OutcomeProgress.objects.filter(placement_return__monitoring_return=locked).order_by(
                "pk"
            )
        ),
    )


def _write(parsed: Parsed) -> None:
    for (model, pk), values in parsed.values.items():
        model._default_manager.filter(pk=pk).update(**values)


def monitoring_return_save(
    *, actor: Actor, monitoring_return: MonitoringReturn, figures: Mapping[str, Any]
) -> MonitoringReturn:
    """The provider saves a draft: every figure given is checked, empty ones may stay empty."""
    with transaction.atomic():
        locked = _lock(monitoring_return)
        require_provider(actor, locked.provider_id)
        if locked.state not in RETURN_WITH_PROVIDER:
            raise WrongState(NOT_WITH_PROVIDER)
        settings, placements, outcomes = _rows(locked)
        parsed = parse_figures(figures, settings=settings, placements=placements, outcomes=outcomes)
        if parsed.problems:
            raise InvalidInput.on_fields(parsed.problems)
        _write(parsed)
        locked.saved_at = timezone.now()
        locked.save(update_fields=["saved_at"])
        ReturnEvent.objects.create(
            monitoring_return=locked, kind=ReturnEventKind.SAVED, by=actor.user
        )
        audit_record(actor=actor, verb=AuditVerb.UPDATED, obj=locked, after={"saved": True})
    return locked


def monitoring_return_submit(
    *, actor: Actor, monitoring_return: MonitoringReturn, figures: Mapping[str, Any]
) -> MonitoringReturn:
    """The provider sends the return: the figures are saved and every one must be in. The QA
    officers of each placing authority are told."""
    with transaction.atomic():
        locked = _lock(monitoring_return)
        require_provider(actor, locked.provider_id)
        if locked.state not in RETURN_WITH_PROVIDER:
            raise WrongState(NOT_WITH_PROVIDER)
        settings, placements, outcomes = _rows(locked)
        parsed = parse_figures(figures, settings=settings, placements=placements, outcomes=outcomes)
        problems = {**_missing(parsed), **parsed.problems}
        if problems:
            raise InvalidInput.on_fields(problems)
        _write(parsed)
        transition(
            locked,
            to=ReturnState.SUBMITTED,
            table=RETURN_TRANSITIONS,
            event="submitted",
            by=actor.user,
            also={"submissions": locked.submissions + 1, "saved_at": timezone.now()},
            what="monitoring return",
            actor=actor,
        )
        ReturnEvent.objects.create(
            monitoring_return=locked, kind=ReturnEventKind.SUBMITTED, by=actor.user
        )
        authorities = sorted({p.authority_id for p in placements})
        notify(
            recipients=qa_officers(authorities),
            event_key=f"monitoring-submitted:{locked.pk}:{locked.submissions}",
            template="notifications/monitoring_submitted",
            context={"monitoring_return": locked, "round": locked.round},
            url=reverse("quality:monitoring-return", args=[locked.pk]),
        )
    return locked


def can_review(actor: Actor, monitoring_return: MonitoringReturn) -> bool:
    """A QA officer of an authority with a placement in the return (the page's button too)."""
    return (
        actor.is_authority
        and actor.role == "qa_officer"
        and PlacementReturn.objects.filter(
            monitoring_return=monitoring_return, authority_id=actor.organisation_id
        ).exists()
    )


def monitoring_return_review(
    *,
    actor: Actor,
    monitoring_return: MonitoringReturn,
    decision: str,
    rating: str = "",
    comments: str = "",
) -> ReturnReview:
    """The QA officer rates its authority's part of the latest submission, or returns the return
    for correction with a reason (the provider corrects and sends it again)."""
    comments = comments.strip()
    problems: dict[str, str] = {}
    if decision not in ReviewDecision.values:
        problems["decision"] = DECISION_MISSING
    elif decision == ReviewDecision.RATED and rating not in MonitoringRating.values:
        problems["rating"] = RATING_MISSING
    elif decision == ReviewDecision.RETURNED and not comments:
        problems["comments"] = REASON_MISSING
    if len(comments) > TEXT_LIMIT:
        problems["comments"] = f"Comments must be {TEXT_LIMIT} characters or fewer"
    if problems:
        raise InvalidInput.on_fields(problems)
    with transaction.atomic():
        locked = _lock(monitoring_return)
        if not can_review(actor, locked):
            raise NotAllowed(NOT_PLACING)
        if locked.state != ReturnState.SUBMITTED:
            raise WrongState(NOT_SUBMITTED)
        authority_id = actor.organisation_id
        assert authority_id is not None  # a QA officer acts for its authority
        if ReturnReview.objects.filter(
            monitoring_return=locked, authority_id=authority_id, submission=locked.submissions
        ).exists():
            raise WrongState(ALREADY_REVIEWED)
        review = ReturnReview.objects.create(
            monitoring_return=locked,
            authority_id=authority_id,
            submission=locked.submissions,
            decision=decision,
            rating=rating if decision == ReviewDecision.RATED else "",
            comments=comments,
            reviewed_by=actor.user,
        )
        audit_record(
            actor=actor,
            verb=AuditVerb.DECIDED,
            obj=locked,
            after={"decision": decision, "rating": review.rating, "review": review.pk},
        )
        ReturnEvent.objects.create(
            monitoring_return=locked,
            kind=ReturnEventKind.RATED
            if decision == ReviewDecision.RATED
            else ReturnEventKind.RETURNED,
            authority_id=authority_id,
            by=actor.user,
        )
        if decision == ReviewDecision.RETURNED:
            _returned(locked, actor=actor, reason=comments)
        else:
            _maybe_reviewed(locked, actor=actor)
    return review


def _returned(locked: MonitoringReturn, *, actor: Actor, reason: str) -> None:
    today = timezone.localdate()
    transition(
        locked,
        to=ReturnState.RETURNED,
        table=RETURN_TRANSITIONS,
        event="returned",
        by=actor.user,
        # The reminders run again against the new date.
        also={
            "due_on": max(locked.due_on, today + datetime.timedelta(days=CORRECTION_DAYS)),
            "reminded_due_soon_on": None,
            "reminded_overdue_on": None,
        },
        what="monitoring return",
        actor=actor,
    )
    notify(
        recipients=provider_users(locked.provider_id),
        event_key=f"monitoring-returned:{locked.pk}:{locked.submissions}",
        template="notifications/monitoring_returned",
        context={"monitoring_return": locked, "round": locked.round, "reason": reason},
        url=reverse("quality:monitoring-return", args=[locked.pk]),
    )


def _maybe_reviewed(locked: MonitoringReturn, *, actor: Actor) -> None:
    placing = set(
        PlacementReturn.objects.filter(monitoring_return=locked).values_list(
            "authority_id", flat=True
        )
    )
    rated = set(
        ReturnReview.objects.filter(
            monitoring_return=locked,
            submission=locked.submissions,
            decision=ReviewDecision.RATED,
        ).values_list("authority_id", flat=True)
    )
    if not placing <= rated:
        return
    transition(
        locked,
        to=ReturnState.REVIEWED,
        table=RETURN_TRANSITIONS,
        event="reviewed",
        what="monitoring return",
        actor=actor,
    )
    ReturnEvent.objects.create(monitoring_return=locked, kind=ReturnEventKind.REVIEWED)
    notify(
        recipients=provider_users(locked.provider_id),
        event_key=f"monitoring-reviewed:{locked.pk}:{locked.submissions}",
        template="notifications/monitoring_reviewed",
        context={"monitoring_return": locked, "round": locked.round},
        url=reverse("quality:monitoring-return", args=[locked.pk]),
    )
