"""Improvement plans (seed 000: "If there are parts of the contract that they are not doing well,
then this is recorded in an improvement plan and progress is checked regularly"; seed 002: the QA
officers agree action plans with providers, and the RI/Inadequate process asks for the provider's
own action plan).

A placing authority's QA officers own a plan about one setting. It says what caused it (its
origin: a rating alert, the provider's action plan from the RI/Inadequate sign-off of an award,
or something else with a reason; the visit and concern origins are added by the coordinator) and
holds actions, each with an owner (the provider or the authority), a due date and, once done,
the evidence of completion. The owner marks an action done; the QA officer accepts it or reopens
it with a reason. The plan closes when every action is accepted. Every step is an
`ImprovementEvent`, so the history stays readable after the plan closes.

**Adding an origin** (a QA visit, a concern): one nullable FK on `ImprovementPlan`
(`origin_<kind>`), one choice in `PlanOrigin`, and one line in `ORIGIN_FIELDS` (where it is held,
how it belongs to an authority and a setting); the check constraint, the service's checks, the
pages' and the API's origin fields are built from `ORIGIN_FIELDS`, so makemigrations does the
rest.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from fps_portal.once import submission_key_constraint, submission_key_field
from providers.models.evidence import private_storage


class PlanOrigin(models.TextChoices):
    ALERT = "alert", "A rating alert"
    SIGNOFF = "signoff", "The provider's action plan from the RI/Inadequate sign-off"
    VISIT = "visit", "A QA visit"
    CONCERN = "concern", "A concern"
    OTHER = "other", "Something else"


@dataclass(frozen=True)
class Origin:
    """Where an origin is held and how the service checks it: `field`, the plan's FK to it;
    `authority`, the lookup from the origin to an authority it belongs to (the plan's authority
    must be one); `setting`, the lookup to its setting (the plan's setting); `also`, any further
    condition the origin must meet."""

    field: str
    authority: str
    setting: str = "setting_id"
    also: tuple[tuple[str, object], ...] = ()


#: Each origin kind and where it is held (OTHER holds none: `origin_reason` says why).
#: Adding an origin: add its FK on ImprovementPlan and its choice in PlanOrigin, then one line
#: here, e.g. `PlanOrigin.VISIT: Origin("origin_visit", authority="authority_id")`.
ORIGIN_FIELDS: dict[str, Origin] = {
    # A rating alert told to the authority (one AlertRecipient per person and authority).
    PlanOrigin.ALERT: Origin("origin_alert", authority="recipients__authority_id"),
    # An award of the authority's whose RI/Inadequate sign-off holds the provider's action plan.
    PlanOrigin.SIGNOFF: Origin(
        "origin_award",
        authority="referral__authority_id",
        also=(("risk_approval__documents_attached_at__isnull", False),),
    ),
    # A completed QA visit of the authority's (its recommendations become the plan's actions).
    PlanOrigin.VISIT: Origin(
        "origin_visit", authority="authority_id", also=(("state", "completed"),)
    ),
    # A concern the authority raised about a setting (one about a provider alone names none).
    PlanOrigin.CONCERN: Origin(
        "origin_concern", authority="authority_id", also=(("setting__isnull", False),)
    ),
}


def _origin_is_consistent() -> Q:
    """The origin kind names the one FK that is set (OTHER: none set, and a reason)."""
    none_set = {f"{o.field}__isnull": True for o in ORIGIN_FIELDS.values()}
    allowed = Q(origin=PlanOrigin.OTHER, **none_set) & ~Q(origin_reason="")
    for kind, origin in ORIGIN_FIELDS.items():
        only_this = {**none_set, f"{origin.field}__isnull": False}
        allowed |= Q(origin=kind, **only_this)
    return allowed


class PlanState(models.TextChoices):
    """- open: actions to do or to review.
    - closed: every action accepted (automatically on the last one, or by the QA officer).
    Reopening an action of a closed plan opens it again."""

    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


PLAN_TRANSITIONS: dict[str, frozenset[str]] = {
    PlanState.OPEN: frozenset({PlanState.CLOSED}),
    PlanState.CLOSED: frozenset({PlanState.OPEN}),
}


class ImprovementPlan(models.Model):
    authority = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="improvement_plans"
    )
    setting = models.ForeignKey(
        "providers.Setting", on_delete=models.PROTECT, related_name="improvement_plans"
    )
    title = models.CharField(max_length=200)
    cause = models.TextField(help_text="What caused the plan, as the provider reads it.")
    origin = models.CharField(max_length=16, choices=PlanOrigin.choices)
    origin_alert = models.ForeignKey(
        "quality.RatingAlert",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="improvement_plans",
    )
    # The award whose RI/Inadequate sign-off asked for the provider's action plan (its referral
    # is the authority's: the provider never sees which child it was).
    origin_award = models.ForeignKey(
        "referrals.Award",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="improvement_plans",
    )
    origin_visit = models.ForeignKey(
        "quality.QaVisit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="improvement_plans",
    )
    origin_concern = models.ForeignKey(
        "quality.Concern",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="improvement_plans",
    )
    origin_reason = models.TextField(blank=True, help_text="Why, when the origin is OTHER.")
    state = models.CharField(max_length=8, choices=PlanState.choices, default=PlanState.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reopened_at = models.DateTimeField(null=True, blank=True)
    submission_key = submission_key_field()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=_origin_is_consistent(), name="improvement_plan_one_origin"
            ),
            submission_key_constraint("authority", name="improvement_plan_once"),
        ]
        indexes = [models.Index(fields=["authority", "state"], name="plan_authority_state_idx")]

    def __str__(self) -> str:
        return self.title


class ActionOwner(models.TextChoices):
    PROVIDER = "provider", "The provider"
    AUTHORITY = "authority", "The placing authority"


class ActionState(models.TextChoices):
    """- open: the owner is to do it by its due date (overdue after it).
    - completed: the owner marked it done with its evidence; the QA officer is to review it.
    - accepted: the QA officer accepted the evidence; the action is closed.
    The QA officer reopens a completed or accepted action with a reason."""

    OPEN = "open", "To do"
    COMPLETED = "completed", "Done: waiting for the QA officer"
    ACCEPTED = "accepted", "Accepted"


ACTION_TRANSITIONS: dict[str, frozenset[str]] = {
    ActionState.OPEN: frozenset({ActionState.COMPLETED}),
    ActionState.COMPLETED: frozenset({ActionState.ACCEPTED, ActionState.OPEN}),
    ActionState.ACCEPTED: frozenset({ActionState.OPEN}),
}
CLOSED_ACTION_STATES = (ActionState.ACCEPTED,)


def action_evidence_path(instance: ImprovementAction, filename: str) -> str:
    return f"improvement/{instance.plan_id}/{timezone.now():%Y%m%d%H%M%S%f}.bin"


class ImprovementAction(models.Model):
    plan = models.ForeignKey(ImprovementPlan, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField()
    owner = models.CharField(max_length=12, choices=ActionOwner.choices)
    due_on = models.DateField()
    state = models.CharField(max_length=12, choices=ActionState.choices, default=ActionState.OPEN)
    evidence_text = models.TextField(blank=True)
    evidence_file = models.FileField(
        storage=private_storage, upload_to=action_evidence_path, blank=True, max_length=300
    )
    evidence_filename = models.CharField(max_length=255, blank=True)
    evidence_content_type = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reopened_at = models.DateTimeField(null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Each reminder once per due date: a reopening with a new due date clears them.
    reminded_due_soon_on = models.DateField(null=True, blank=True)
    reminded_overdue_on = models.DateField(null=True, blank=True)
    submission_key = submission_key_field()

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            # Done means evidenced: the QA officer reviews what the owner says was done.
            models.CheckConstraint(
                condition=Q(state="open") | ~Q(evidence_text=""),
                name="improvement_action_done_has_evidence",
            ),
            submission_key_constraint("plan", name="improvement_action_once"),
        ]
        indexes = [models.Index(fields=["state", "due_on"], name="improvement_action_due_idx")]

    def __str__(self) -> str:
        return self.description[:60]

    def is_overdue_on(self, day: datetime.date) -> bool:
        return self.state == ActionState.OPEN and self.due_on < day


class ImprovementEventKind(models.TextChoices):
    CREATED = "created", "Plan agreed"
    ACTION_ADDED = "action_added", "Action added"
    COMPLETED = "completed", "Action marked done"
    COMMENTED = "commented", "Comment"
    ACCEPTED = "accepted", "Action accepted"
    REOPENED = "reopened", "Action reopened"
    REMINDED = "reminded", "Reminder sent"
    CLOSED = "closed", "Plan closed"
    PLAN_REOPENED = "plan_reopened", "Plan reopened"


class ImprovementEvent(models.Model):
    """The plan's history, one row per step, never changed (`by` empty: the scheduler)."""

    plan = models.ForeignKey(ImprovementPlan, on_delete=models.CASCADE, related_name="events")
    action = models.ForeignKey(
        ImprovementAction, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(max_length=16, choices=ImprovementEventKind.choices)
    detail = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.plan_id})"
