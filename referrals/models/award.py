"""Evaluation, the award with its reasons, and the Requires Improvement / Inadequate gate.

The award keeps everything an Order needs (the referral and its route, the response, the agreed
price, the services, the start date) so `contracts/` can make the Order and the Individual
Placement Agreement without asking again; `referrals/` never imports `contracts/`.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from providers.models.evidence import private_storage


class CriterionMark(models.Model):
    """The placing authority's evaluators' mark for one response on one criterion: pass or fail
    with a reason, or a score with a note. Price criteria scored by formula are computed, not
    marked (`referrals.selectors` ranks them)."""

    response = models.ForeignKey(
        "referrals.Response", on_delete=models.CASCADE, related_name="marks"
    )
    criterion = models.ForeignKey(
        "referrals.Criterion", on_delete=models.CASCADE, related_name="marks"
    )
    passed = models.BooleanField(null=True, blank=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    note = models.TextField()
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["response", "criterion"], name="one_mark_per_criterion"
            ),
            models.CheckConstraint(
                condition=Q(passed__isnull=False) | Q(score__isnull=False),
                name="mark_is_a_pass_fail_or_a_score",
            ),
        ]

    def __str__(self) -> str:
        return f"Mark on criterion {self.criterion_id} for response {self.response_id}"


class AwardState(models.TextChoices):
    """- awaiting_approval: above the authority's threshold, a named approver must approve.
    - awaiting_sign_off: the setting's band is concern or fail; the RI/Inadequate steps
      (`RiskApproval`) must all be done.
    - complete: the award stands; the referral is awarded, the outcome letters go out and the
      awarded provider sees the child's record.
    - rejected: the approver refused it (with a reason); the referral stays closed for another
      decision."""

    AWAITING_APPROVAL = "awaiting_approval", "Awaiting approval"
    AWAITING_SIGN_OFF = "awaiting_sign_off", "Awaiting risk sign-off"
    COMPLETE = "complete", "Complete"
    REJECTED = "rejected", "Rejected by the approver"


AWARD_TRANSITIONS: dict[str, frozenset[str]] = {
    AwardState.AWAITING_APPROVAL: frozenset(
        {AwardState.AWAITING_SIGN_OFF, AwardState.COMPLETE, AwardState.REJECTED}
    ),
    AwardState.AWAITING_SIGN_OFF: frozenset({AwardState.COMPLETE, AwardState.REJECTED}),
    AwardState.COMPLETE: frozenset(),
    AwardState.REJECTED: frozenset(),
}


class Award(models.Model):
    """The decision to place with one provider's setting, and why (A11, A56-A66).

    At most one award that is not rejected per referral (a partial unique constraint), so two
    commissioners awarding at once make one award. A direct award or spot purchase has no
    response: the route case names the provider.
    """

    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.PROTECT, related_name="awards"
    )
    response = models.ForeignKey(
        "referrals.Response", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    provider = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty only for a spot purchase from a provider outside the portal.",
    )
    setting = models.ForeignKey(
        "providers.Setting", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(max_length=20, choices=AwardState.choices)
    reasons = models.TextField(help_text="Why this provider: the evidence base (A11).")
    agreed_weekly_price = models.DecimalField(max_digits=10, decimal_places=2)
    # The negotiated price may differ from the bid (A64); the difference is explained.
    price_negotiation_note = models.TextField(blank=True)
    weeks_per_year = models.PositiveSmallIntegerField(default=52)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    # Parental preference is shown beside the ranking and never overridden by the system; an
    # award that differs from it says why.
    differs_from_parental_preference = models.BooleanField(default=False)
    parental_preference_reason = models.TextField(blank=True)
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The named approver, when the annual value is above the authority's threshold.",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    rejected_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(blank=True)
    # The setting's band when the award was proposed: concern or fail opens the RI gate.
    band_at_award = models.CharField(max_length=10, blank=True)
    additional_monitoring = models.BooleanField(default=False)
    proposed_at = models.DateTimeField(default=timezone.now)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["referral"],
                condition=~Q(state="rejected"),
                name="one_live_award_per_referral",
            ),
        ]

    def __str__(self) -> str:
        return f"Award for referral {self.referral_id} ({self.get_state_display()})"

    @property
    def annual_value(self) -> Decimal:
        return self.agreed_weekly_price * self.weeks_per_year * self.referral.places


class AwardService(models.Model):
    """An additional service agreed in the award: unit, rate and quantity (for the IPA)."""

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="services")
    name = models.CharField(max_length=200)
    unit = models.CharField(max_length=40)
    rate = models.DecimalField(max_digits=10, decimal_places=2)
    quantity = models.DecimalField(max_digits=8, decimal_places=2)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.rate} per {self.unit})"


def risk_document_path(instance: RiskApproval, filename: str) -> str:
    return f"risk/{instance.award_id}/{timezone.now():%Y%m%d%H%M%S%f}.bin"


class RiskApproval(models.Model):
    """The Requires Improvement / Inadequate steps for an award to a concern or fail setting
    (seed 002; REQUIREMENTS C1-C9), each stamped and audited:
    1. the provider's summary of the inspection requirements and its action plan are attached;
    2. the risk management approach, including a planned quality visit, is written;
    3. the CSW service manager and the commissioning service manager each sign it off;
    4. the child's social worker and IRO (or, with neither, the SEND caseworker) are alerted and
       the placement is marked for additional monitoring; then the award completes."""

    award = models.OneToOneField(Award, on_delete=models.CASCADE, related_name="risk_approval")
    inspection_summary = models.FileField(
        storage=private_storage, upload_to=risk_document_path, blank=True
    )
    inspection_summary_filename = models.CharField(max_length=255, blank=True)
    action_plan = models.FileField(
        storage=private_storage, upload_to=risk_document_path, blank=True
    )
    action_plan_filename = models.CharField(max_length=255, blank=True)
    documents_attached_at = models.DateTimeField(null=True, blank=True)
    risk_approach = models.TextField(blank=True)
    quality_visit_planned_on = models.DateField(null=True, blank=True)
    csw_manager_signed_at = models.DateTimeField(null=True, blank=True)
    csw_manager_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    commissioning_manager_signed_at = models.DateTimeField(null=True, blank=True)
    commissioning_manager_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    alerted_at = models.DateTimeField(null=True, blank=True)
    alerted = models.JSONField(
        default=list, blank=True, help_text="Who was alerted: role and e-mail, for the record."
    )

    def __str__(self) -> str:
        return f"Risk approval for award {self.award_id}"
