"""The overarching agreement of a purchasing system, as the lead authority publishes it.

Each upload is a new version, kept for ever: a membership records the version its signatory read
(`FpsMembership.agreement_version`), so what a provider agreed to can always be shown later. The
current version is the one published last; a provider cannot sign while none is published.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.db import models
from django.utils import timezone

from fps_portal.once import submission_key_constraint, submission_key_field
from providers.models.evidence import private_storage


def _upload_to(instance: AgreementDocument, filename: str) -> str:
    # The stored name is ours, never the uploader's (as for evidence).
    return (
        f"agreements/{instance.purchasing_system_id}/v{instance.version}-{os.urandom(8).hex()}.pdf"
    )


class AgreementDocument(models.Model):
    """One published version of a purchasing system's agreement (a PDF)."""

    purchasing_system = models.ForeignKey(
        "providers.PurchasingSystem", on_delete=models.PROTECT, related_name="agreement_documents"
    )
    version = models.PositiveIntegerField(help_text="1 for the first version published, then 2.")
    title = models.CharField(max_length=200)
    summary_of_changes = models.TextField(blank=True)
    file = models.FileField(upload_to=_upload_to, storage=private_storage, max_length=300)
    original_filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size_bytes = models.PositiveIntegerField()
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submission_key = submission_key_field()

    class Meta:
        ordering = ["purchasing_system", "-version"]
        constraints = [
            # Versions are numbered under a lock on the purchasing system; this catches a race.
            models.UniqueConstraint(
                fields=["purchasing_system", "version"], name="one_agreement_version_number"
            ),
            # The upload form sent twice publishes one version (fps_portal.once).
            submission_key_constraint(
                "purchasing_system", name="agreement_version_once_per_submission"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}, version {self.version}"
