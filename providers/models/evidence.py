"""Evidence a provider holds once and offers to every application and lot while it is valid.

Organisation-level evidence (insurance, policies, registrations, the financial check) belongs to
the provider; setting-level evidence (registration certificate, DfE registration, inspection
report, Statement of Purpose) belongs to one setting. An application links to evidence items;
it never copies them, so nothing is typed or uploaded twice.
"""

from __future__ import annotations

import datetime
import os
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.utils import timezone

from fps_portal.once import submission_key_constraint, submission_key_field


class PrivateStorage(FileSystemStorage):
    """Files under PRIVATE_MEDIA_ROOT, read from settings at use so tests can point it elsewhere.

    It has no URL: files are only ever streamed by the download view after a scope check.
    """

    @property
    def base_location(self) -> str:
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        raise ValueError("Private files have no public URL; use the evidence download view.")


def private_storage() -> PrivateStorage:
    return PrivateStorage()


# The types `providers.uploads` accepts, as a download link names them.
FILE_TYPE_LABELS = {
    "application/pdf": "PDF",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
    "image/png": "PNG",
    "image/jpeg": "JPEG",
}


class EvidenceKind(models.TextChoices):
    # Organisation level
    INSURANCE = "insurance", "Insurance certificate"
    POLICY = "policy", "Policy or procedure"
    REGISTRATION = "registration", "Organisation registration (Companies House, charity)"
    FINANCIAL_CHECK = "financial_check", "Financial check evidence"
    # Setting level
    REGISTRATION_CERTIFICATE = "registration_certificate", "Inspectorate registration certificate"
    DFE_REGISTRATION = "dfe_registration", "DfE registration"
    INSPECTION_REPORT = "inspection_report", "Last full inspection report"
    STATEMENT_OF_PURPOSE = "statement_of_purpose", "Statement of Purpose"


ORGANISATION_KINDS = frozenset(
    {
        EvidenceKind.INSURANCE,
        EvidenceKind.POLICY,
        EvidenceKind.REGISTRATION,
        EvidenceKind.FINANCIAL_CHECK,
    }
)
SETTING_KINDS = frozenset(set(EvidenceKind) - ORGANISATION_KINDS)


class InsuranceType(models.TextChoices):
    EMPLOYERS_LIABILITY = "employers_liability", "Employer's liability"
    PUBLIC_LIABILITY = "public_liability", "Public liability"
    PROFESSIONAL_INDEMNITY = "professional_indemnity", "Professional indemnity"
    MOTOR = "motor", "Motor"
    OTHER = "other", "Other"


def _upload_to(instance: Evidence, filename: str) -> str:
    # The stored name is ours, never the uploader's: no path tricks, no clashes.
    ext = os.path.splitext(filename)[1].lower()
    return f"evidence/{instance.provider_id}/{timezone.now():%Y/%m}/{os.urandom(12).hex()}{ext}"


class Evidence(models.Model):
    """One document (and its facts) held by a provider, reusable while `valid_until` has not passed.

    `setting` is set for setting-level kinds and empty for organisation-level kinds. Insurance
    carries its type, insurer and cover; a replaced item is kept (applications already submitted
    still point at it) and marked with `superseded_at`.
    """

    provider = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="evidence",
        limit_choices_to={"kind": "provider"},
    )
    setting = models.ForeignKey(
        "providers.Setting",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evidence",
    )
    kind = models.CharField(max_length=32, choices=EvidenceKind.choices)
    title = models.CharField(max_length=200)
    reference = models.CharField(
        max_length=100, blank=True, help_text="Policy or registration number."
    )
    insurance_type = models.CharField(max_length=32, choices=InsuranceType.choices, blank=True)
    insurer = models.CharField(max_length=200, blank=True)
    cover_amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True)
    file = models.FileField(upload_to=_upload_to, storage=private_storage, max_length=300)
    original_filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size_bytes = models.PositiveIntegerField()
    # The file's SHA-256, so the same document uploaded again is noticed (services/evidence.py).
    content_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    superseded_at = models.DateTimeField(null=True, blank=True)
    submission_key = submission_key_field()

    class Meta:
        ordering = ["kind", "setting_id", "-uploaded_at"]
        verbose_name_plural = "evidence"
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="insurance") | Q(insurance_type=""),
                name="insurance_type_only_on_insurance",
            ),
            models.CheckConstraint(
                condition=~Q(kind="insurance") | (~Q(insurance_type="") & Q(cover_amount__gt=0)),
                name="insurance_has_type_and_cover",
            ),
            submission_key_constraint("provider", name="evidence_once_per_submission"),
        ]
        indexes = [
            models.Index(fields=["provider", "kind"]),
            # The duplicate check on upload: this provider's files with this content.
            models.Index(fields=["provider", "content_sha256"], name="evidence_provider_hash_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def file_type_label(self) -> str:
        """ "PDF", "DOCX", ...: what a download link says the file is."""
        return FILE_TYPE_LABELS.get(self.content_type, "file")

    def is_valid_on(self, day: datetime.date) -> bool:
        return self.superseded_at is None and (self.valid_until is None or self.valid_until >= day)


class SettingOverview(models.Model):
    """A setting's overview of services, kept once and offered to every application."""

    setting = models.OneToOneField(
        "providers.Setting", on_delete=models.CASCADE, related_name="overview"
    )
    services_overview = models.TextField()
    working_with_parents = models.TextField(
        help_text="How the setting works with parents and carers."
    )
    learner_voice = models.TextField(help_text="How the setting hears the learner's voice.")
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"Overview of {self.setting_id}"

    def is_complete(self) -> bool:
        parts: list[Any] = [self.services_overview, self.working_with_parents, self.learner_voice]
        return all(str(p).strip() for p in parts)
