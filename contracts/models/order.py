"""The Order: the placing authority's instruction to the successful provider, stating whether it is
procured under the North West SEND FPS Agreement (seed 001 §3, "Mini Competition": "an Order which
makes clear that the requirement is procured under this FPS Agreement"; a spot purchase is not)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone


class OrderSequence(models.Model):
    """The last Order number an authority issued. Locked while a number is taken, so two awards at
    once get two numbers and never the same one."""

    authority = models.OneToOneField(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"Order numbers of authority {self.authority_id}: {self.last_number}"


class Order(models.Model):
    """One per award. A block purchase's Order covers all of its places (`places`)."""

    authority = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="orders_placed"
    )
    number = models.CharField(max_length=24, help_text="Unique within the placing authority.")
    award = models.OneToOneField("referrals.Award", on_delete=models.PROTECT, related_name="order")
    referral = models.ForeignKey("referrals.Referral", on_delete=models.PROTECT, related_name="+")
    route = models.CharField(max_length=24, help_text="The referral's route, kept for reporting.")
    provider = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders_received",
        help_text="Empty only for a spot purchase from a provider outside the portal.",
    )
    setting = models.ForeignKey(
        "providers.Setting", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    provider_name = models.CharField(max_length=200)
    setting_name = models.CharField(max_length=200)
    under_fps_agreement = models.BooleanField(
        help_text="False for a spot purchase outside the FPS (seed 002, 'Spot Purchasing')."
    )
    places = models.PositiveSmallIntegerField(default=1)
    weekly_price = models.DecimalField(
        max_digits=10, decimal_places=2, help_text="The agreed weekly price per place."
    )
    weeks_per_year = models.PositiveSmallIntegerField(default=52)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    issued_at = models.DateTimeField(default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "number"], name="order_number_unique_per_authority"
            ),
        ]

    def __str__(self) -> str:
        return f"Order {self.number}"

    @property
    def annual_value(self) -> Decimal:
        return self.weekly_price * self.weeks_per_year * self.places
