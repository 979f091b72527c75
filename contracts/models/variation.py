"""Variations of a signed IPA (the variation template, seed 001 §3.11): an annual price uplift, a
change of provision, a change of end date. A variation is proposed by either party with a reason
and an effective date; it makes a new version of the IPA holding the change, and it is agreed when
both parties have signed that version (the provider first, then the authority's signatory). The
fee history (`FeePeriod`) and every version stay readable."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class VariationKind(models.TextChoices):
    PRICE_UPLIFT = "price_uplift", "Price uplift"
    PROVISION_CHANGE = "provision_change", "Change of provision"
    END_DATE_CHANGE = "end_date_change", "Change of end date"


class VariationState(models.TextChoices):
    PROPOSED = "proposed", "Proposed, awaiting signatures"
    AGREED = "agreed", "Agreed by both parties"
    REFUSED = "refused", "Refused"
    WITHDRAWN = "withdrawn", "Withdrawn by the proposer"


VARIATION_TRANSITIONS: dict[str, frozenset[str]] = {
    VariationState.PROPOSED: frozenset(
        {VariationState.AGREED, VariationState.REFUSED, VariationState.WITHDRAWN}
    ),
    VariationState.AGREED: frozenset(),
    VariationState.REFUSED: frozenset(),
    VariationState.WITHDRAWN: frozenset(),
}


class RegionalUplift(models.Model):
    """An uplift the lead authority publishes for the region (for example the year's inflation
    award). Providers apply it to many agreements at once; each is still a variation its placing
    authority agrees."""

    purchasing_system = models.ForeignKey(
        "providers.PurchasingSystem", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(max_length=200, help_text="For example 'Annual uplift 2027 to 2028'.")
    percent = models.DecimalField(max_digits=5, decimal_places=2)
    effective_from = models.DateField()
    reason = models.TextField()
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-effective_from", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent__gt=0) & Q(percent__lte=50),
                name="regional_uplift_between_0_and_50_percent",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Variation(models.Model):
    agreement = models.ForeignKey(
        "contracts.Agreement", on_delete=models.PROTECT, related_name="variations"
    )
    kind = models.CharField(max_length=20, choices=VariationKind.choices)
    state = models.CharField(
        max_length=12, choices=VariationState.choices, default=VariationState.PROPOSED
    )
    # The version holding the change; both parties sign it for the variation to be agreed.
    version = models.OneToOneField(
        "contracts.AgreementVersion", on_delete=models.PROTECT, related_name="variation"
    )
    reason = models.TextField()
    effective_from = models.DateField()
    # A price uplift gives a percentage or a new weekly fee (one of them).
    uplift_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    new_weekly_fee = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    new_end_date = models.DateField(null=True, blank=True)
    # A change of provision: what was changed, in words, beside the new terms on the version.
    provision_summary = models.TextField(blank=True)
    regional_uplift = models.ForeignKey(
        RegionalUplift, null=True, blank=True, on_delete=models.PROTECT, related_name="variations"
    )
    proposed_by_party = models.CharField(max_length=10)
    proposed_at = models.DateTimeField(default=timezone.now)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    agreed_at = models.DateTimeField(null=True, blank=True)
    refused_at = models.DateTimeField(null=True, blank=True)
    refused_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    refusal_reason = models.TextField(blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-proposed_at", "-id"]
        # The placements list's columns: an agreement's proposed and agreed variations.
        indexes = [
            models.Index(fields=["agreement", "state"], name="variation_agreement_state"),
            # The placements totals' and filter's "a variation awaits signatures": the few
            # proposed ones, read whole (migration 0003).
            models.Index(
                fields=["agreement"], condition=Q(state="proposed"), name="variation_proposed"
            ),
        ]
        constraints = [
            # A regional uplift is applied to an agreement once.
            models.UniqueConstraint(
                fields=["agreement", "regional_uplift"],
                condition=Q(regional_uplift__isnull=False) & ~Q(state__in=["refused", "withdrawn"]),
                name="regional_uplift_once_per_agreement",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to agreement {self.agreement_id}"


class FeePeriod(models.Model):
    """The fee history: the weekly fee and services in force from a date, and the version that
    set them. Written when a version is signed by both parties; never changed after, except that
    the period before it is closed (`until`)."""

    agreement = models.ForeignKey(
        "contracts.Agreement", on_delete=models.CASCADE, related_name="fee_periods"
    )
    version = models.OneToOneField(
        "contracts.AgreementVersion", on_delete=models.PROTECT, related_name="fee_period"
    )
    weekly_fee = models.DecimalField(max_digits=10, decimal_places=2)
    weekly_services = models.DecimalField(max_digits=10, decimal_places=2)
    starts = models.DateField()
    until = models.DateField(null=True, blank=True, help_text="The last day; empty while current.")

    class Meta:
        ordering = ["agreement", "starts", "id"]
        # The placements list's fee in force today: an agreement's periods by start.
        indexes = [models.Index(fields=["agreement", "starts"], name="feeperiod_agreement_starts")]

    def __str__(self) -> str:
        return f"£{self.weekly_fee} a week from {self.starts}"
