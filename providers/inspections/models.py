"""Inspection judgements, stored exactly as published (see docs/ratings.md).

Part of the app `providers`, not an app of its own: `providers/models/__init__.py` imports these
models, so their app label, table names, migration history and the model labels the audit log
stores (`providers.inspectionjudgement`) stay as they were (ADR 0013).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from providers.inspections.bands import Band
from providers.inspections.frameworks import Framework, Remit


class JudgementSource(models.TextChoices):
    MANUAL = "manual", "Entered by hand"
    APPLICATION = "application", "Provided in an application"
    OFSTED_FILE = "ofsted_file", "Ofsted management information file"
    API = "api", "REST API"


class CheckStatus(models.TextChoices):
    """Whether a judgement may count towards the setting's band.

    - awaiting_check: reported by the setting's own provider; shown marked as such, never part of
      the band, until the lead authority's evaluators check it against the published report.
    - confirmed: from the Ofsted file import, entered or corrected by the lead authority,
      carried over from before checks existed, or a provider's report an evaluator confirmed.
      Only confirmed judgements count towards the band.
    - rejected: a provider's report an evaluator could not match to a published inspection; kept
      with the reason (the provider and the lead authority see it), never counts.
    """

    AWAITING_CHECK = "awaiting_check", "Reported by the provider, awaiting check"
    CONFIRMED = "confirmed", "Confirmed"
    REJECTED = "rejected", "Rejected by the lead authority"


CHECK_TRANSITIONS: dict[str, frozenset[str]] = {
    CheckStatus.AWAITING_CHECK: frozenset({CheckStatus.CONFIRMED, CheckStatus.REJECTED}),
    # A decision stands; a wrong one is put right by recording the inspection again (a
    # correction by the lead authority or the import confirms the row it corrects).
    CheckStatus.CONFIRMED: frozenset(),
    CheckStatus.REJECTED: frozenset(),
}


class InspectionJudgement(models.Model):
    """One published inspection outcome for one setting, in its own framework.

    Grades are kept as published ({area: value}); `band` is derived by the rules with the
    `rule_version` that produced it, so an old decision stays explainable after the rules change.
    `inspection_number` plus the setting makes a re-import of the same file a no-op.
    `check_status` (see CheckStatus) says whether it counts towards the setting's band;
    `checked_at` / `checked_by` say when and by whom it was confirmed or rejected (for rows
    confirmed on entry: when recorded, by whom recorded; None for the import).
    """

    setting = models.ForeignKey(
        "providers.Setting", on_delete=models.CASCADE, related_name="judgements"
    )
    framework = models.CharField(max_length=32, choices=Framework.choices)
    remit = models.CharField(max_length=16, choices=Remit.choices)
    inspection_number = models.CharField(max_length=30, blank=True)
    inspection_start_date = models.DateField()
    publication_date = models.DateField(null=True, blank=True)
    grades = models.JSONField(default=dict)
    category_of_concern = models.CharField(max_length=10, blank=True)
    relates_to_current_urn = models.BooleanField(default=True)
    source = models.CharField(
        max_length=16, choices=JudgementSource.choices, default=JudgementSource.MANUAL
    )
    source_reference = models.CharField(
        max_length=200, blank=True, help_text="File name or report link."
    )
    band = models.CharField(max_length=8, choices=Band.choices)
    band_reasons = models.JSONField(default=list)
    rule_version = models.CharField(max_length=40)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    check_status = models.CharField(
        max_length=16, choices=CheckStatus.choices, default=CheckStatus.AWAITING_CHECK
    )
    checked_at = models.DateTimeField(null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    check_reason = models.TextField(
        blank=True, help_text="Why an evaluator rejected it (or a note on confirming it)."
    )

    class Meta:
        ordering = ["-inspection_start_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["setting", "framework", "inspection_number"],
                condition=~models.Q(inspection_number=""),
                name="one_judgement_per_inspection",
            )
        ]
        indexes = [
            models.Index(fields=["setting", "remit", "-inspection_start_date"]),
            # The lead evaluators' queue of provider reports awaiting check.
            models.Index(
                fields=["recorded_at"],
                condition=models.Q(check_status="awaiting_check"),
                name="judgement_awaiting_check",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.setting}: {self.get_framework_display()} {self.inspection_start_date}"
