"""Inspection judgements, stored exactly as published (see shared/design/RATINGS.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from providers.ratings import Band, Framework, Remit


class JudgementSource(models.TextChoices):
    MANUAL = "manual", "Entered by hand"
    APPLICATION = "application", "Provided in an application"
    OFSTED_FILE = "ofsted_file", "Ofsted management information file"
    API = "api", "REST API"


class InspectionJudgement(models.Model):
    """One published inspection outcome for one setting, in its own framework.

    Grades are kept as published ({area: value}); `band` is derived by the rules with the
    `rule_version` that produced it, so an old decision stays explainable after the rules change.
    `inspection_number` plus the setting makes a re-import of the same file a no-op.
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

    class Meta:
        ordering = ["-inspection_start_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["setting", "framework", "inspection_number"],
                condition=~models.Q(inspection_number=""),
                name="one_judgement_per_inspection",
            )
        ]
        indexes = [models.Index(fields=["setting", "remit", "-inspection_start_date"])]

    def __str__(self) -> str:
        return f"{self.setting}: {self.get_framework_display()} {self.inspection_start_date}"
