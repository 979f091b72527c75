"""An Ofsted file imported (or refused), kept privately with its SHA-256 and its report."""

from __future__ import annotations

import os

from django.conf import settings
from django.db import models
from django.utils import timezone

from providers.models.evidence import private_storage


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Imported"
    REFUSED = "refused", "Refused"


class ImportOrigin(models.TextChoices):
    UPLOAD = "upload", "Uploaded on the portal"
    API = "api", "Uploaded through the API"
    COMMAND = "command", "manage.py import_ofsted"
    FOLDER = "folder", "Found in the import folder"


def _upload_to(instance: InspectionImport, filename: str) -> str:
    # The stored name is ours, never the uploader's: no path tricks, no clashes.
    ext = os.path.splitext(filename)[1].lower()[:8]
    return f"ofsted-imports/{timezone.now():%Y/%m}/{os.urandom(12).hex()}{ext}"


class InspectionImport(models.Model):
    """One file of Ofsted's management information and what importing it did.

    `sha256` is unique: the same bytes are never imported twice, whoever sends them and however
    (the page, the API, the command, the folder). The report (the counts, `skipped` by reason,
    `refusal` with its row, column and value) is written once, when the import ends.
    """

    file = models.FileField(storage=private_storage, upload_to=_upload_to, max_length=200)
    original_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64, unique=True)
    size = models.PositiveIntegerField()
    origin = models.CharField(max_length=16, choices=ImportOrigin.choices)
    file_format = models.CharField(max_length=16, blank=True)
    status = models.CharField(
        max_length=16, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Progress while running, committed as it goes (outside the import's own transaction): rows
    # read of about how many, then the inspections being recorded.
    progress_phase = models.CharField(max_length=16, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(null=True, blank=True)
    rows_read = models.PositiveIntegerField(default=0)
    rows_matched = models.PositiveIntegerField(default=0)
    inspections_new = models.PositiveIntegerField(default=0)
    inspections_updated = models.PositiveIntegerField(default=0)
    inspections_unchanged = models.PositiveIntegerField(default=0)
    predecessor_inspections = models.PositiveIntegerField(
        default=0, help_text="Stored, but inspections of a predecessor school never count."
    )
    bands_changed = models.PositiveIntegerField(default=0)
    skipped = models.JSONField(default=dict, help_text="{reason: number of rows or inspections}")
    refusal = models.JSONField(
        default=dict, blank=True, help_text="{row, column, value, message} when refused"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.REFUSED)
