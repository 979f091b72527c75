"""Evaluation of an application: requirement results, evaluators' decisions, moderation and
clarification questions."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

from providers.models.application import ApplicationState

# Every requirement needs this many evaluators' decisions before moderation.
MINIMUM_EVALUATORS = 2


class Requirement(models.TextChoices):
    # Organisation level
    EMPLOYERS_LIABILITY = "employers_liability", "Employer's liability insurance"
    PUBLIC_LIABILITY = "public_liability", "Public liability insurance"
    PROFESSIONAL_INDEMNITY = "professional_indemnity", "Professional indemnity insurance"
    POLICIES = "policies", "Policies and procedures"
    REGISTRATION = "registration", "Organisation registrations"
    FINANCIAL_CHECK = "financial_check", "Financial check"
    DECLARATIONS = "declarations", "Declarations"
    # Setting level
    REGISTRATION_CERTIFICATE = "registration_certificate", "Inspectorate registration certificate"
    DFE_REGISTRATION = "dfe_registration", "DfE registration"
    INSPECTION = "inspection", "Latest inspection judgement and report"
    STATEMENT_OF_PURPOSE = "statement_of_purpose", "Statement of Purpose"
    SERVICES_OVERVIEW = "services_overview", "Overview of services, parents and learner voice"
    PRICES = "prices", "Indicative prices"


class CheckResult(models.TextChoices):
    PASS = "pass", "Pass"
    FAIL = "fail", "Fail"
    NEEDS_EVALUATOR = "needs_evaluator", "Needs an evaluator"


class Verdict(models.TextChoices):
    PASS = "pass", "Pass"
    FAIL = "fail", "Fail"


class RequirementResult(models.Model):
    """One requirement of one application (for one setting when setting-level).

    `automatic_result`/`automatic_reason` come from the checks run when evaluation starts;
    `final_result`/`final_reason` are set at moderation and are what the provider is shown.
    """

    application = models.ForeignKey(
        "providers.Application", on_delete=models.CASCADE, related_name="results"
    )
    setting = models.ForeignKey(
        "providers.Setting", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requirement = models.CharField(max_length=32, choices=Requirement.choices)
    automatic_result = models.CharField(max_length=16, choices=CheckResult.choices)
    automatic_reason = models.TextField()
    checked_at = models.DateTimeField(default=timezone.now)
    final_result = models.CharField(max_length=8, choices=Verdict.choices, blank=True)
    final_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["application", "setting_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "requirement"],
                condition=models.Q(setting__isnull=True),
                name="one_org_result_per_requirement",
            ),
            models.UniqueConstraint(
                fields=["application", "setting", "requirement"],
                name="one_setting_result_per_requirement",
            ),
        ]

    def __str__(self) -> str:
        return self.get_requirement_display()


class EvaluatorDecision(models.Model):
    """One evaluator's pass or fail, with a reason, on one requirement result.

    Evaluators' decisions are working notes: the provider never sees them, only the moderated
    final result.
    """

    result = models.ForeignKey(
        RequirementResult, on_delete=models.CASCADE, related_name="decisions"
    )
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    verdict = models.CharField(max_length=8, choices=Verdict.choices)
    reason = models.TextField(blank=True)
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["result_id", "decided_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["result", "evaluator"], name="one_decision_per_evaluator"
            )
        ]

    def __str__(self) -> str:
        return f"{self.evaluator_id}: {self.verdict}"


class Moderation(models.Model):
    """The moderated final outcome of an application. One per application: the row lock on the
    application and this one-to-one make two moderators at once leave one outcome."""

    application = models.OneToOneField(
        "providers.Application", on_delete=models.PROTECT, related_name="moderation"
    )
    outcome = models.CharField(max_length=8, choices=Verdict.choices)
    reason = models.TextField()
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    moderated_at = models.DateTimeField(default=timezone.now)
    evaluators = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+")

    def __str__(self) -> str:
        return f"{self.application_id}: {self.outcome}"


def open_clarification_q(*, now: datetime.datetime, prefix: str = "") -> models.Q:
    """Questions still waiting for the provider's answer, reached through `prefix`: not
    answered, not withdrawn, not past their due time, on an application still under evaluation.

    The one meaning of "open" for moderation, counts and reminders alike.
    """
    return models.Q(
        **{
            f"{prefix}answered_at__isnull": True,
            f"{prefix}withdrawn_at__isnull": True,
            f"{prefix}due_at__gt": now,
            f"{prefix}application__state": ApplicationState.UNDER_EVALUATION,
        }
    )


class ClarificationQuestionQuerySet(models.QuerySet["ClarificationQuestion"]):
    def open(self, now: datetime.datetime | None = None) -> ClarificationQuestionQuerySet:
        return self.filter(open_clarification_q(now=now or timezone.now()))


class ClarificationQuestion(models.Model):
    """A question from the evaluators to the provider, answered within the evaluation period.

    Open until the provider answers it, its due time passes or an evaluator withdraws it
    (`withdrawn_at`); while one is open the application cannot be moderated.
    """

    application = models.ForeignKey(
        "providers.Application", on_delete=models.CASCADE, related_name="clarifications"
    )
    result = models.ForeignKey(
        RequirementResult,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="clarifications",
    )
    question = models.TextField()
    asked_at = models.DateTimeField(default=timezone.now)
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    due_at = models.DateTimeField()
    answer = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = ClarificationQuestionQuerySet.as_manager()

    class Meta:
        ordering = ["asked_at", "id"]
        indexes = [models.Index(fields=["answered_at", "due_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(answered_at__isnull=True) | models.Q(withdrawn_at__isnull=True),
                name="clarification_answered_or_withdrawn_not_both",
            )
        ]

    def __str__(self) -> str:
        return self.question[:60]
