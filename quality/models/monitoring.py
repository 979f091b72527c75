"""Quarterly contract monitoring (seed 002: "we will monitor all of the contracts we commission
on a quarterly basis").

At the start of each UK financial quarter a `MonitoringRound` opens for the quarter just ended,
and every provider with a live placement (an `contracts.Agreement`) in it is asked for one
`MonitoringReturn`: a `SettingReturn` per setting (staffing changes, complaints, incidents,
restraint, safeguarding referrals, exclusions and suspensions) and a `PlacementReturn` per named
placement (attendance, exclusions and suspensions, incidents and restraint, safeguarding
referrals, and an `OutcomeProgress` per outcome of the child's EHC plan).

A provider with children from several authorities sends one return; each placing authority's QA
officer reviews the part that is its own (`ReturnReview`, per submission) and sees only its own
placements' rows: `PlacementReturn.authority` is copied from the agreement so the scope rule
filters on it directly.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class MonitoringRound(models.Model):
    """One financial quarter's request, opened once (unique on the quarter's first day)."""

    period_start = models.DateField(unique=True)
    period_end = models.DateField()
    label = models.CharField(max_length=40, help_text="For example: Q3 2026-27.")
    due_on = models.DateField()
    opened_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-period_start"]

    def __str__(self) -> str:
        return self.label


class ReturnState(models.TextChoices):
    """- open: asked for; the provider fills it in (a draft may be saved) and sends it.
    - submitted: sent; each placing authority's QA officer rates its part or returns it.
    - returned: a QA officer returned it for correction (the reason is that authority's review).
    - reviewed: every placing authority rated the latest submission.
    """

    OPEN = "open", "Waiting for the provider"
    SUBMITTED = "submitted", "Waiting for review"
    RETURNED = "returned", "Returned to the provider for correction"
    REVIEWED = "reviewed", "Reviewed"


RETURN_TRANSITIONS: dict[str, frozenset[str]] = {
    ReturnState.OPEN: frozenset({ReturnState.SUBMITTED}),
    ReturnState.SUBMITTED: frozenset({ReturnState.RETURNED, ReturnState.REVIEWED}),
    ReturnState.RETURNED: frozenset({ReturnState.SUBMITTED}),
    ReturnState.REVIEWED: frozenset(),
}
#: The states in which the provider owes the return (a passed due date makes it overdue).
WITH_PROVIDER = (ReturnState.OPEN, ReturnState.RETURNED)


class MonitoringReturn(models.Model):
    """One provider's return for one quarter: requested once, whatever beat does."""

    round = models.ForeignKey(MonitoringRound, on_delete=models.PROTECT, related_name="returns")
    provider = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(max_length=16, choices=ReturnState.choices, default=ReturnState.OPEN)
    due_on = models.DateField()
    opened_at = models.DateTimeField(default=timezone.now)
    saved_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    #: How many times it was sent: a review is of one submission, so a corrected one is rated again.
    submissions = models.PositiveSmallIntegerField(default=0)
    returned_at = models.DateTimeField(null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    # Each reminder once per due date: a return for correction sets a new one and clears them.
    reminded_due_soon_on = models.DateField(null=True, blank=True)
    reminded_overdue_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "provider"], name="one_monitoring_return_per_quarter"
            ),
        ]
        indexes = [
            models.Index(fields=["state", "due_on"], name="monitoring_state_due_idx"),
            models.Index(fields=["provider", "round"], name="monitoring_provider_round_idx"),
        ]

    def __str__(self) -> str:
        return f"Monitoring return {self.round_id} of provider {self.provider_id}"

    def is_overdue_on(self, day: object) -> bool:
        return self.state in WITH_PROVIDER and self.due_on < day  # type: ignore[operator]


#: The setting-level counts, in the order the form and the trend show them.
SETTING_COUNTS = (
    "staffing_changes",
    "complaints",
    "incidents",
    "restraints",
    "safeguarding_referrals",
    "exclusions",
    "suspensions",
)
#: The placement-level counts (attendance is a percentage beside them).
PLACEMENT_COUNTS = (
    "exclusions",
    "suspensions",
    "incidents",
    "restraints",
    "safeguarding_referrals",
)


def figure_label(model: type[models.Model], field: str) -> str:
    """A figure's name as people read it: the field's verbose name."""
    return str(getattr(model._meta.get_field(field), "verbose_name", field))


class SettingReturn(models.Model):
    """A setting's totals for the quarter: seen by every placing authority with a child in the
    return (no child in them)."""

    monitoring_return = models.ForeignKey(
        MonitoringReturn, on_delete=models.CASCADE, related_name="settings"
    )
    setting = models.ForeignKey("providers.Setting", on_delete=models.PROTECT, related_name="+")
    staffing_changes = models.PositiveIntegerField(
        "Staff who joined or left", null=True, blank=True
    )
    complaints = models.PositiveIntegerField("Complaints received", null=True, blank=True)
    incidents = models.PositiveIntegerField("Incidents", null=True, blank=True)
    restraints = models.PositiveIntegerField("Uses of restraint", null=True, blank=True)
    safeguarding_referrals = models.PositiveIntegerField(
        "Safeguarding referrals", null=True, blank=True
    )
    exclusions = models.PositiveIntegerField("Permanent exclusions", null=True, blank=True)
    suspensions = models.PositiveIntegerField("Suspensions", null=True, blank=True)

    class Meta:
        ordering = ["setting__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["monitoring_return", "setting"], name="one_setting_return_per_setting"
            ),
        ]

    def __str__(self) -> str:
        return f"Setting {self.setting_id} in return {self.monitoring_return_id}"


class PlacementReturn(models.Model):
    """One placement's figures for the quarter: child-level, seen only by the placing authority
    (`authority`, copied from the agreement) and the provider."""

    monitoring_return = models.ForeignKey(
        MonitoringReturn, on_delete=models.CASCADE, related_name="placements"
    )
    agreement = models.ForeignKey("contracts.Agreement", on_delete=models.PROTECT, related_name="+")
    authority = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    setting = models.ForeignKey("providers.Setting", on_delete=models.PROTECT, related_name="+")
    attendance_percent = models.DecimalField(
        "Attendance (%)", max_digits=4, decimal_places=1, null=True, blank=True
    )
    exclusions = models.PositiveIntegerField("Permanent exclusions", null=True, blank=True)
    suspensions = models.PositiveIntegerField("Suspensions", null=True, blank=True)
    incidents = models.PositiveIntegerField("Incidents", null=True, blank=True)
    restraints = models.PositiveIntegerField("Uses of restraint", null=True, blank=True)
    safeguarding_referrals = models.PositiveIntegerField(
        "Safeguarding referrals", null=True, blank=True
    )

    class Meta:
        ordering = ["agreement__reference", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["monitoring_return", "agreement"], name="one_placement_return_per_agreement"
            ),
            models.CheckConstraint(
                condition=Q(attendance_percent__isnull=True)
                | Q(attendance_percent__gte=0, attendance_percent__lte=100),
                name="placement_attendance_0_to_100",
            ),
        ]
        indexes = [
            models.Index(fields=["authority", "monitoring_return"], name="placement_ret_auth")
        ]

    def __str__(self) -> str:
        return f"Placement {self.agreement_id} in return {self.monitoring_return_id}"


class ProgressRating(models.TextChoices):
    ACHIEVED = "achieved", "Achieved"
    ON_TRACK = "on_track", "On track"
    SOME_PROGRESS = "some_progress", "Some progress, below what was expected"
    NO_PROGRESS = "no_progress", "No progress"


class OutcomeProgress(models.Model):
    """Progress towards one outcome of the child's EHC plan. `outcome_text` is the outcome as the
    plan said it when the quarter was asked for, so a later edit of the plan does not change
    what the provider answered against."""

    placement_return = models.ForeignKey(
        PlacementReturn, on_delete=models.CASCADE, related_name="outcomes"
    )
    ehcp_outcome = models.ForeignKey(
        "referrals.EhcpOutcome", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome_text = models.TextField()
    position = models.PositiveSmallIntegerField(default=0)
    rating = models.CharField(max_length=16, choices=ProgressRating.choices, blank=True)
    progress = models.TextField("What progress was made", blank=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"Outcome {self.position} of placement return {self.placement_return_id}"


class MonitoringRating(models.TextChoices):
    """The QA officer's rating of the return (the seeds give no scale, C45: this is Ofsted's,
    which every officer knows)."""

    OUTSTANDING = "outstanding", "Outstanding"
    GOOD = "good", "Good"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement"
    INADEQUATE = "inadequate", "Inadequate"


class ReviewDecision(models.TextChoices):
    RATED = "rated", "Rated"
    RETURNED = "returned", "Returned for correction"


class ReturnReview(models.Model):
    """One placing authority's review of one submission of the return: a rating and comments,
    or the reason it went back to the provider. Seen by that authority and the provider only."""

    monitoring_return = models.ForeignKey(
        MonitoringReturn, on_delete=models.CASCADE, related_name="reviews"
    )
    authority = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    submission = models.PositiveSmallIntegerField()
    decision = models.CharField(max_length=16, choices=ReviewDecision.choices)
    rating = models.CharField(max_length=24, choices=MonitoringRating.choices, blank=True)
    comments = models.TextField(blank=True)
    reviewed_at = models.DateTimeField(default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["reviewed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["monitoring_return", "authority", "submission"],
                name="one_review_per_authority_per_submission",
            ),
            models.CheckConstraint(
                condition=~Q(decision="rated") | ~Q(rating=""), name="monitoring_rated_has_rating"
            ),
            # A return for correction always says why: the provider is told it.
            models.CheckConstraint(
                condition=~Q(decision="returned") | ~Q(comments=""),
                name="monitoring_returned_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Review of return {self.monitoring_return_id} by {self.authority_id}"


class ReturnEventKind(models.TextChoices):
    REQUESTED = "requested", "Requested"
    SAVED = "saved", "Draft saved"
    SUBMITTED = "submitted", "Sent for review"
    RATED = "rated", "Rated"
    RETURNED = "returned", "Returned for correction"
    REVIEWED = "reviewed", "Every placing authority has rated it"
    REMINDED = "reminded", "Reminder sent"


class ReturnEvent(models.Model):
    """The return's history, one row per step. `authority` names the authority whose officer
    acted (a rating, a return); its detail is in that authority's review, not here."""

    monitoring_return = models.ForeignKey(
        MonitoringReturn, on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(max_length=16, choices=ReturnEventKind.choices)
    authority = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    detail = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.monitoring_return_id})"
