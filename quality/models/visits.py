"""QA visits by a placing authority's QA officers (issue 14; REQUIREMENTS C27-C28, C36-C39,
C43, C60-C61, C65; seed 000 "What is quality assurance?", seed 002 "Quality Assurance Officers").

A `QaVisit` is one authority's visit to one setting: programmed (the year's programme, a planned
month) or responsive (after a concern, an alert or a rating: `trigger` says which). It is planned,
scheduled for a date, then completed with its report: the visitors, one `QaVisitFinding` per area
seed 000 lists (findings and a rating on `AreaRating`), the overall rating, the main findings, the
children's views and the recommendations. The children's views are child-level: only the placing
authority reads them (never the provider, never another authority). On completion a
`QaVisitSummary` is written: the setting, the date, the overall rating and the main findings,
which every authority's staff may read, so the region shares what it knows (seed 001 §1.4).
The report is rendered as PDF/UA by a worker (`QaVisitReport`): one for the authority, one for
the provider without the children's views. The provider may answer on factual accuracy once.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from fps_portal.once import submission_key_constraint, submission_key_field
from providers.models.evidence import private_storage


class VisitKind(models.TextChoices):
    PROGRAMMED = "programmed", "Programmed (the year's programme)"
    RESPONSIVE = "responsive", "Responsive"


class VisitTrigger(models.TextChoices):
    """What a responsive visit answers (a programmed visit has none)."""

    NONE = "", "None (programmed)"
    CONCERN = "concern", "A concern"
    ALERT = "alert", "A rating alert"
    RATING = "rating", "An inspection rating"


class VisitState(models.TextChoices):
    """- planned: in the programme for a month, no date yet.
    - scheduled: a date is agreed (and may be moved while scheduled).
    - completed: visited and the report written; the summary is shared.
    - cancelled: not going ahead, with the reason."""

    PLANNED = "planned", "Planned"
    SCHEDULED = "scheduled", "Scheduled"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


VISIT_TRANSITIONS: dict[str, frozenset[str]] = {
    VisitState.PLANNED: frozenset({VisitState.SCHEDULED, VisitState.CANCELLED}),
    VisitState.SCHEDULED: frozenset({VisitState.COMPLETED, VisitState.CANCELLED}),
    VisitState.COMPLETED: frozenset(),
    VisitState.CANCELLED: frozenset(),
}
OPEN_VISIT_STATES = (VisitState.PLANNED, VisitState.SCHEDULED)


class VisitArea(models.TextChoices):
    """The areas of a QA visit: what seed 000 says quality assurance covers (C39)."""

    FEEDBACK = "feedback", "Feedback from the children and families who use it"
    INSPECTIONS = "inspections", "Ofsted and CQC reports"
    POLICIES = "policies", "Policies and practice"
    PREMISES = "premises", "The premises"
    STAFF = "staff", "Staff skills and training"
    OUTCOMES = "outcomes", "Outcomes and value for money"


class AreaRating(models.TextChoices):
    """The scale of each area and of the visit overall: the words Ofsted uses for the middle of
    its scale, so providers read them the same way; "not assessed" where an area was not seen."""

    GOOD = "good", "Good"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement"
    INADEQUATE = "inadequate", "Inadequate"
    NOT_ASSESSED = "not_assessed", "Not assessed"


class QaVisit(models.Model):
    authority = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    setting = models.ForeignKey("providers.Setting", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=VisitKind.choices)
    trigger = models.CharField(max_length=12, choices=VisitTrigger.choices, blank=True)
    trigger_alert = models.ForeignKey(
        "quality.RatingAlert", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    trigger_note = models.TextField(blank=True, help_text="What the responsive visit answers.")
    planned_month = models.DateField(help_text="The first day of the month it is planned for.")
    state = models.CharField(max_length=12, choices=VisitState.choices, default=VisitState.PLANNED)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A form sent twice makes one visit (ADR 0009).
    submission_key = submission_key_field()
    visit_date = models.DateField(null=True, blank=True)
    scheduled_at = models.DateTimeField(null=True, blank=True)
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    visitors = models.TextField(blank=True, help_text="Who visited, one a line.")
    overall_rating = models.CharField(max_length=24, choices=AreaRating.choices, blank=True)
    main_findings = models.TextField(blank=True, help_text="Shared with every authority.")
    recommendations = models.TextField(blank=True)
    # Child-level: the placing authority's alone (never the provider, never another authority).
    children_views = models.TextField(blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cancel_reason = models.TextField(blank=True)
    provider_response = models.TextField(blank=True, help_text="On factual accuracy.")
    provider_responded_at = models.DateTimeField(null=True, blank=True)
    provider_responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["planned_month", "visit_date", "id"]
        constraints = [
            submission_key_constraint("authority", name="qa_visit_once"),
            models.CheckConstraint(
                condition=Q(kind="programmed", trigger="")
                | (Q(kind="responsive") & ~Q(trigger="")),
                name="qa_visit_responsive_has_trigger",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["scheduled", "completed"]) | Q(visit_date__isnull=False),
                name="qa_visit_scheduled_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(state="completed") | ~Q(overall_rating=""),
                name="qa_visit_completed_has_rating",
            ),
            models.CheckConstraint(
                condition=~Q(state="cancelled") | ~Q(cancel_reason=""),
                name="qa_visit_cancel_has_reason",
            ),
        ]
        indexes = [
            models.Index(
                fields=["authority", "setting", "state"], name="qa_visit_auth_setting_idx"
            ),
            models.Index(fields=["setting", "state"], name="qa_visit_setting_state_idx"),
        ]

    def __str__(self) -> str:
        return f"QA visit {self.pk}"


class QaVisitFinding(models.Model):
    """One area of a completed visit: what was found and its rating."""

    visit = models.ForeignKey(QaVisit, on_delete=models.CASCADE, related_name="findings")
    area = models.CharField(max_length=12, choices=VisitArea.choices)
    rating = models.CharField(max_length=24, choices=AreaRating.choices)
    findings = models.TextField(blank=True)

    class Meta:
        ordering = ["visit", "id"]
        constraints = [
            models.UniqueConstraint(fields=["visit", "area"], name="qa_visit_area_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_area_display()} ({self.visit_id})"


class QaVisitSummary(models.Model):
    """What the region shares of a completed visit: never a child, never the children's views."""

    visit = models.OneToOneField(QaVisit, on_delete=models.CASCADE, related_name="summary")
    authority = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    setting = models.ForeignKey("providers.Setting", on_delete=models.PROTECT, related_name="+")
    visited_on = models.DateField()
    overall_rating = models.CharField(max_length=24, choices=AreaRating.choices)
    main_findings = models.TextField()
    shared_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-visited_on", "-id"]
        indexes = [models.Index(fields=["setting", "visited_on"], name="qa_summary_setting_idx")]

    def __str__(self) -> str:
        return f"Summary of QA visit {self.visit_id}"


class ReportAudience(models.TextChoices):
    AUTHORITY = "authority", "The placing authority's full report"
    PROVIDER = "provider", "The provider's copy (without the children's views)"


def report_path(instance: QaVisitReport, filename: str) -> str:
    return f"quality/visits/{instance.audience}/{timezone.now():%Y%m%d%H%M%S%f}.pdf"


class QaVisitReport(models.Model):
    """A completed visit's report as a PDF, rendered by a worker, stored privately with its
    SHA-256: one per audience (a render run twice stores one)."""

    visit = models.ForeignKey(QaVisit, on_delete=models.CASCADE, related_name="reports")
    audience = models.CharField(max_length=12, choices=ReportAudience.choices)
    file = models.FileField(storage=private_storage, upload_to=report_path, max_length=300)
    sha256 = models.CharField(max_length=64)
    size_bytes = models.PositiveIntegerField()
    pages = models.PositiveSmallIntegerField()
    rendered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["visit", "audience"]
        constraints = [
            models.UniqueConstraint(
                fields=["visit", "audience"], name="one_qa_report_per_audience"
            ),
        ]

    def __str__(self) -> str:
        return f"QA visit report {self.visit_id} ({self.audience})"
