"""The Individual Placement Agreement (IPA): the individual contract for one child (seed 001 §3.10),
its versions, the signatures on each, and the PDFs rendered from them.

The terms live on a version, as the JSON document `contracts.terms` defines (every item of seed
001 §3.11). A version is edited only while it is a draft; issuing it freezes it and records the
SHA-256 of its terms; each signature records the hash of the exact version signed. A change after
issue or signature is a new version, signed again by both parties; a signed version never changes.
The agreement keeps the terms in force (weekly fee, dates) beside it for lists and reports.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from providers.models.evidence import private_storage


class Party(models.TextChoices):
    AUTHORITY = "authority", "Placing authority"
    PROVIDER = "provider", "Provider"


class AgreementState(models.TextChoices):
    """- draft: the commissioner completes the terms of the first version.
    - issued: sent to the provider to sign.
    - provider_signed: signed by the provider, awaiting the authority's countersignature.
    - signed: signed by both; the placement starts on the start date.
    - active: the placement has started (beat, on the start date).
    - ended: the placement has ended (planned, moved on, or broken down), or was cancelled
      before it started."""

    DRAFT = "draft", "Draft"
    ISSUED = "issued", "Awaiting the provider's signature"
    PROVIDER_SIGNED = "provider_signed", "Awaiting the authority's countersignature"
    SIGNED = "signed", "Signed, not yet started"
    ACTIVE = "active", "Active"
    ENDED = "ended", "Ended"


AGREEMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    AgreementState.DRAFT: frozenset({AgreementState.ISSUED, AgreementState.ENDED}),
    AgreementState.ISSUED: frozenset(
        {AgreementState.PROVIDER_SIGNED, AgreementState.DRAFT, AgreementState.ENDED}
    ),
    AgreementState.PROVIDER_SIGNED: frozenset(
        {AgreementState.SIGNED, AgreementState.DRAFT, AgreementState.ENDED}
    ),
    AgreementState.SIGNED: frozenset({AgreementState.ACTIVE, AgreementState.ENDED}),
    AgreementState.ACTIVE: frozenset({AgreementState.ENDED}),
    AgreementState.ENDED: frozenset(),
}


class VersionState(models.TextChoices):
    DRAFT = "draft", "Draft"
    ISSUED = "issued", "Awaiting the provider's signature"
    PROVIDER_SIGNED = "provider_signed", "Awaiting the authority's countersignature"
    SIGNED = "signed", "Signed by both parties"
    WITHDRAWN = "withdrawn", "Withdrawn before it was signed"


VERSION_TRANSITIONS: dict[str, frozenset[str]] = {
    VersionState.DRAFT: frozenset({VersionState.ISSUED, VersionState.WITHDRAWN}),
    VersionState.ISSUED: frozenset({VersionState.PROVIDER_SIGNED, VersionState.WITHDRAWN}),
    VersionState.PROVIDER_SIGNED: frozenset({VersionState.SIGNED, VersionState.WITHDRAWN}),
    VersionState.SIGNED: frozenset(),
    VersionState.WITHDRAWN: frozenset(),
}


class Agreement(models.Model):
    """One IPA per Order. The placement it governs is the agreement itself: its state says whether
    the child is placed, and its end (`PlacementEnd`) how the placement ended."""

    order = models.OneToOneField(
        "contracts.Order", on_delete=models.PROTECT, related_name="agreement"
    )
    reference = models.CharField(max_length=30)
    authority = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    provider = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    setting = models.ForeignKey(
        "providers.Setting", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    referral = models.ForeignKey("referrals.Referral", on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey(
        "referrals.Child",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty for a block purchase, whose places are not yet named.",
    )
    state = models.CharField(
        max_length=20, choices=AgreementState.choices, default=AgreementState.DRAFT
    )
    # The version in force: the latest signed one (before the first signature, the first draft).
    current_version = models.ForeignKey(
        "contracts.AgreementVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The terms in force, copied from the current version for lists, exports and reports.
    weekly_fee = models.DecimalField(max_digits=10, decimal_places=2)
    weekly_services = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0.00"))
    weeks_per_year = models.PositiveSmallIntegerField(default=52)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    # The weekly cost in force (the fee period's core fee and additional services,
    # `contracts.weekly_cost`) of a place and of the agreement (every place of its Order), kept
    # for the placements list and its totals by the services that write fee periods and by the
    # beat when a later period's start arrives (`contracts.services.weekly_costs`). Right from
    # `weekly_cost_from` (empty: from before the start) to `weekly_cost_until` (empty: until
    # another period is signed); empty while not yet worked out, and then the list works it out
    # from the fee history (migration 0003).
    weekly_cost_per_place_now = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True
    )
    weekly_cost_now = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    weekly_cost_from = models.DateField(null=True, blank=True)
    weekly_cost_until = models.DateField(null=True, blank=True)
    # The authority's named signatory, the only person who may countersign.
    authority_signatory = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    issued_at = models.DateTimeField(null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    provider_signed_at = models.DateTimeField(null=True, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The last unsigned-IPA reminder, so the beat job reminds once per interval.
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["authority", "state"]),
            models.Index(fields=["provider", "state"]),
            models.Index(fields=["state", "start_date"]),
            models.Index(fields=["state", "end_date"]),
            # The placements list: each party's placements, latest start first, and those
            # ending soon (migration 0002).
            models.Index(
                fields=["authority", "-start_date", "-id"], name="agreement_authority_start"
            ),
            models.Index(
                fields=["provider", "-start_date", "-id"], name="agreement_provider_start"
            ),
            models.Index(fields=["authority", "end_date"], name="agreement_authority_end"),
            models.Index(fields=["provider", "end_date"], name="agreement_provider_end"),
            # The beat's costs to work out again: those whose span ended (migration 0003).
            models.Index(fields=["weekly_cost_until"], name="agreement_weekly_cost_until"),
        ]

    def __str__(self) -> str:
        return f"Individual Placement Agreement {self.reference}"

    @property
    def weekly_cost(self) -> Decimal:
        return self.weekly_fee + self.weekly_services

    @property
    def annual_cost(self) -> Decimal:
        return self.weekly_cost * self.weeks_per_year * self.order.places


class AgreementVersion(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    state = models.CharField(
        max_length=20, choices=VersionState.choices, default=VersionState.DRAFT
    )
    terms = models.JSONField(help_text="The IPA's terms (contracts.terms.Terms as JSON).")
    # SHA-256 of the canonical JSON of `terms`, set when the version is issued: what is signed.
    content_sha256 = models.CharField(max_length=64, blank=True)
    reason = models.TextField(help_text="Why this version: the first issue, or the variation.")
    effective_from = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    provider_signed_at = models.DateTimeField(null=True, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawal_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["agreement", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "number"], name="one_version_number_per_agreement"
            ),
            # One version at a time is being drafted or signed.
            models.UniqueConstraint(
                fields=["agreement"],
                condition=Q(state__in=["draft", "issued", "provider_signed"]),
                name="one_open_version_per_agreement",
            ),
        ]

    def __str__(self) -> str:
        return f"Version {self.number} of agreement {self.agreement_id}"


class Signature(models.Model):
    """A party's signature on one version: who, in what role, when, and the hash of what they
    signed. The provider signs first; the authority's named signatory countersigns."""

    version = models.ForeignKey(
        AgreementVersion, on_delete=models.PROTECT, related_name="signatures"
    )
    party = models.CharField(max_length=10, choices=Party.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    position = models.CharField(max_length=200, help_text="The role they sign in.")
    organisation_name = models.CharField(max_length=200)
    content_sha256 = models.CharField(max_length=64)
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["signed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "party"], name="one_signature_per_party_per_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_party_display()} signature on version {self.version_id}"


class RenderKind(models.TextChoices):
    ORDER = "order", "Order"
    AGREEMENT = "agreement", "Individual Placement Agreement"
    SIGNED_AGREEMENT = "signed_agreement", "Signed Individual Placement Agreement"


def pdf_path(instance: RenderedPdf, filename: str) -> str:
    return f"contracts/{instance.kind}/{timezone.now():%Y%m%d%H%M%S%f}.pdf"


class RenderedPdf(models.Model):
    """A PDF rendered by Celery (`contracts.render_pdf`), stored privately with its SHA-256. The
    Order has one; each issued version of an IPA has one, and a signed copy once both signed."""

    kind = models.CharField(max_length=20, choices=RenderKind.choices)
    order = models.ForeignKey(
        "contracts.Order", null=True, blank=True, on_delete=models.CASCADE, related_name="pdfs"
    )
    version = models.ForeignKey(
        AgreementVersion, null=True, blank=True, on_delete=models.CASCADE, related_name="pdfs"
    )
    file = models.FileField(storage=private_storage, upload_to=pdf_path, max_length=300)
    sha256 = models.CharField(max_length=64)
    size_bytes = models.PositiveIntegerField()
    pages = models.PositiveSmallIntegerField()
    rendered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-rendered_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["order"], condition=Q(kind="order"), name="one_order_pdf"
            ),
            models.UniqueConstraint(
                fields=["version", "kind"],
                condition=~Q(kind="order"),
                name="one_pdf_of_each_kind_per_version",
            ),
            models.CheckConstraint(
                condition=(Q(kind="order") & Q(order__isnull=False) & Q(version__isnull=True))
                | (~Q(kind="order") & Q(order__isnull=True) & Q(version__isnull=False)),
                name="pdf_is_of_an_order_or_a_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} PDF {self.sha256[:12]}"
