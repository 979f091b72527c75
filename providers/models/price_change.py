"""A provider's proposal to change the approved weekly price of a setting on a lot.

An approved price (`SettingLot.approved_at` set) was tendered and passed by the lead authority, so
changing it is a proposal the lead authority accepts or refuses; until it is accepted every
commissioner sees the approved price, marked "change pending". A price not yet approved (a draft
or a tender under evaluation) is not a proposal: the provider changes it directly.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class PriceChangeState(models.TextChoices):
    """States of a price change.

    - pending: proposed by the provider; the lead authority has not decided. The approved price
      stands.
    - accepted: the lead authority accepted it; the proposed price is now the approved price.
    - refused: the lead authority refused it, with a reason the provider is told; the approved
      price stands.
    - withdrawn: the provider proposed another price before a decision (or gave up the change).
    """

    PENDING = "pending", "Waiting for the lead authority"
    ACCEPTED = "accepted", "Accepted"
    REFUSED = "refused", "Refused"
    WITHDRAWN = "withdrawn", "Withdrawn"


PRICE_CHANGE_TRANSITIONS: dict[str, frozenset[str]] = {
    PriceChangeState.PENDING: frozenset(
        {PriceChangeState.ACCEPTED, PriceChangeState.REFUSED, PriceChangeState.WITHDRAWN}
    ),
    PriceChangeState.ACCEPTED: frozenset(),
    PriceChangeState.REFUSED: frozenset(),
    PriceChangeState.WITHDRAWN: frozenset(),
}


class PriceChange(models.Model):
    """One proposed change of an approved lot price (see PriceChangeState)."""

    offer = models.ForeignKey(
        "providers.SettingLot", on_delete=models.CASCADE, related_name="price_changes"
    )
    # The approved price when the change was proposed, so the decision shows "from £x to £y"
    # even after a later change.
    approved_price = models.DecimalField(max_digits=10, decimal_places=2)
    proposed_price = models.DecimalField(max_digits=10, decimal_places=2)
    reason = models.TextField(blank=True, help_text="Why the provider proposes the change.")
    state = models.CharField(
        max_length=16, choices=PriceChangeState.choices, default=PriceChangeState.PENDING
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    refused_at = models.DateTimeField(null=True, blank=True)
    refused_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["proposed_at", "id"]
        constraints = [
            # At most one proposal waits per lot price: proposing again withdraws the earlier one
            # in the same transaction, and two racing proposals cannot both stay pending.
            models.UniqueConstraint(
                fields=["offer"],
                condition=Q(state="pending"),
                name="one_pending_price_change_per_offer",
            ),
            models.CheckConstraint(
                condition=Q(proposed_price__gt=0), name="price_change_proposed_price_positive"
            ),
            # A refusal always says why: the provider is told it.
            models.CheckConstraint(
                condition=~Q(state="refused") | ~Q(decision_reason=""),
                name="price_change_refusal_has_reason",
            ),
        ]
        # The lead authority's queue (pending, oldest first).
        indexes = [models.Index(fields=["state", "proposed_at"], name="pricechange_queue_idx")]

    def __str__(self) -> str:
        return f"£{self.approved_price} to £{self.proposed_price} a week"
