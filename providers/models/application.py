"""A provider's application (tender) to join a purchasing system, and the prices it offers."""

from __future__ import annotations

from django.conf import settings as django_settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from fps_portal.once import submission_key_constraint, submission_key_field


class ApplicationState(models.TextChoices):
    """States of an application.

    - draft: the provider is writing it; only the provider sees it.
    - submitted: sent inside an open window; the provider may still withdraw until the window
      closes. Its contents are frozen.
    - under_evaluation: the window closed (or, on a DPS, it was submitted); automatic checks have
      run, evaluators record decisions, clarification questions may be asked and answered.
    - passed: moderated as passed; its settings are approved on the lots applied for. The provider
      joins once it signs the agreement.
    - failed: moderated as failed; the provider sees each failed requirement and why.
    - withdrawn: the provider took it back before evaluation.
    """

    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    UNDER_EVALUATION = "under_evaluation", "Under evaluation"
    PASSED = "passed", "Passed"
    FAILED = "failed", "Not successful"
    WITHDRAWN = "withdrawn", "Withdrawn"


APPLICATION_TRANSITIONS: dict[str, frozenset[str]] = {
    ApplicationState.DRAFT: frozenset({ApplicationState.SUBMITTED, ApplicationState.WITHDRAWN}),
    ApplicationState.SUBMITTED: frozenset(
        {ApplicationState.UNDER_EVALUATION, ApplicationState.WITHDRAWN}
    ),
    ApplicationState.UNDER_EVALUATION: frozenset(
        {ApplicationState.PASSED, ApplicationState.FAILED}
    ),
    ApplicationState.PASSED: frozenset(),
    ApplicationState.FAILED: frozenset(),
    ApplicationState.WITHDRAWN: frozenset(),
}
# A live application is one not yet decided or withdrawn: a provider has at most one per window
# (the constraints below) and starting again returns it (`application_start`).
LIVE_STATES = (
    ApplicationState.DRAFT,
    ApplicationState.SUBMITTED,
    ApplicationState.UNDER_EVALUATION,
)
OUTCOME_STATES = (ApplicationState.PASSED, ApplicationState.FAILED)


class Application(models.Model):
    """One provider's application in one window (or, on a DPS, on a rolling basis; see
    ApplicationState).

    A provider has at most one live application per window: the unique constraint is what stops
    a double click from creating two.
    """

    purchasing_system = models.ForeignKey(
        "providers.PurchasingSystem", on_delete=models.PROTECT, related_name="applications"
    )
    window = models.ForeignKey(
        "providers.EvaluationWindow",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    provider = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="applications",
        limit_choices_to={"kind": "provider"},
    )
    state = models.CharField(
        max_length=20, choices=ApplicationState.choices, default=ApplicationState.DRAFT
    )
    lots = models.ManyToManyField("providers.Lot", related_name="+", blank=True)
    settings = models.ManyToManyField("providers.Setting", related_name="applications", blank=True)
    evidence = models.ManyToManyField("providers.Evidence", related_name="applications", blank=True)
    declared_accurate = models.BooleanField(default=False)
    declared_no_exclusion_grounds = models.BooleanField(default=False)
    declared_safeguarding = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    withdrawal_reason = models.TextField(blank=True)
    evaluation_started_at = models.DateTimeField(null=True, blank=True)
    checks_run_at = models.DateTimeField(null=True, blank=True)
    outcome_at = models.DateTimeField(null=True, blank=True)
    outcome_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    outcome_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "window"],
                condition=Q(state__in=list(LIVE_STATES)) & Q(window__isnull=False),
                name="one_live_application_per_window",
            ),
            models.UniqueConstraint(
                fields=["provider", "purchasing_system"],
                condition=Q(state__in=list(LIVE_STATES)) & Q(window__isnull=True),
                name="one_live_rolling_application",
            ),
        ]
        indexes = [
            models.Index(fields=["window", "state"]),
            models.Index(fields=["provider", "state"]),
        ]

    def __str__(self) -> str:
        where = self.window.name if self.window_id and self.window else "rolling admission"
        return f"{self.provider} – {where}"

    @property
    def has_outcome(self) -> bool:
        return self.state in OUTCOME_STATES


class ApplicationPrice(models.Model):
    """The indicative weekly price of the core offer at one setting on one lot, as tendered.

    Copied from the setting's own price list (`SettingLot`) when the application is submitted
    and never changed after: the record evaluators read. A draft has none; it shows the
    settings' list (`providers.selectors.application_prices`).
    """

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="prices")
    setting = models.ForeignKey("providers.Setting", on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey("providers.Lot", on_delete=models.PROTECT, related_name="+")
    weekly_price = models.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        ordering = ["setting__name", "lot__display_order", "lot__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "setting", "lot"], name="one_price_per_setting_lot"
            ),
            models.CheckConstraint(
                condition=Q(weekly_price__gt=0), name="application_price_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"£{self.weekly_price} a week"


class ApplicationServicePrice(models.Model):
    """One line of a setting's additional services price list, e.g. 1:1 support at £25 an hour,
    as tendered: copied from the setting's `AdditionalService` list at submission."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="service_prices"
    )
    setting = models.ForeignKey("providers.Setting", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    unit = models.CharField(max_length=40)
    rate = models.DecimalField(max_digits=10, decimal_places=2)
    submission_key = submission_key_field()

    class Meta:
        ordering = ["setting__name", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rate__gt=0), name="application_service_rate_positive"
            ),
            submission_key_constraint(
                "application", name="application_service_once_per_submission"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}: £{self.rate} per {self.unit}"
