"""The purchasing system, its lots, and each provider's membership of it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class PurchasingSystemKind(models.TextChoices):
    FPS = "fps", "Flexible Purchasing System"
    DPS = "dps", "Dynamic Purchasing System"


class PurchasingSystem(models.Model):
    """The agreement providers join. The rules that differ between an FPS and a DPS live here.

    An FPS admits providers in evaluation windows and allows direct award in exceptional urgency;
    a DPS admits on a rolling basis and every order needs competition.
    """

    name = models.CharField(max_length=200)
    kind = models.CharField(
        max_length=8, choices=PurchasingSystemKind.choices, default=PurchasingSystemKind.FPS
    )
    term_start = models.DateField()
    term_end = models.DateField()
    direct_award_allowed = models.BooleanField(default=True)
    admits_by_windows = models.BooleanField(
        default=True, help_text="Admission in evaluation windows (FPS) rather than rolling (DPS)."
    )
    lead_authority = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": "authority"},
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-term_start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(term_end__gt=models.F("term_start")), name="term_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(kind="fps") | Q(direct_award_allowed=False, admits_by_windows=False),
                name="dps_rolling_without_direct_award",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Lot(models.Model):
    """A kind of placement bought under the system (52-week, day, 16+ residential, ...).

    Lots can be added during the term; nothing in the portal assumes how many there are.
    """

    purchasing_system = models.ForeignKey(
        PurchasingSystem, on_delete=models.PROTECT, related_name="lots"
    )
    code = models.CharField(max_length=20)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    is_residential = models.BooleanField(default=False)
    display_order = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["purchasing_system", "display_order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["purchasing_system", "code"], name="unique_lot_code_per_system"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class MembershipState(models.TextChoices):
    """States of a provider's membership of the purchasing system.

    - active: on the system; its settings appear to every authority on the lots it passed.
    - suspended: temporarily off (with a reason and a review date), e.g. expired insurance.
    - removed: taken off by the lead authority.
    - withdrawn: the provider left.
    """

    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"
    REMOVED = "removed", "Removed"
    WITHDRAWN = "withdrawn", "Withdrawn"


MEMBERSHIP_TRANSITIONS: dict[str, frozenset[str]] = {
    MembershipState.ACTIVE: frozenset(
        {MembershipState.SUSPENDED, MembershipState.REMOVED, MembershipState.WITHDRAWN}
    ),
    MembershipState.SUSPENDED: frozenset(
        {MembershipState.ACTIVE, MembershipState.REMOVED, MembershipState.WITHDRAWN}
    ),
    MembershipState.REMOVED: frozenset(),
    MembershipState.WITHDRAWN: frozenset({MembershipState.ACTIVE}),
}


class FpsMembership(models.Model):
    """A provider organisation's place on the purchasing system (see MembershipState)."""

    purchasing_system = models.ForeignKey(
        PurchasingSystem, on_delete=models.PROTECT, related_name="memberships"
    )
    provider = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="fps_memberships",
        limit_choices_to={"kind": "provider"},
    )
    state = models.CharField(
        max_length=16, choices=MembershipState.choices, default=MembershipState.ACTIVE
    )
    state_reason = models.TextField(blank=True)
    review_on = models.DateField(null=True, blank=True, help_text="When a suspension is reviewed.")
    joined_at = models.DateTimeField(default=timezone.now)
    state_changed_at = models.DateTimeField(default=timezone.now)
    state_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    agreement_signed_at = models.DateTimeField(null=True, blank=True)
    agreement_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    agreement_signatory_name = models.CharField(max_length=200, blank=True)
    agreement_signatory_role = models.CharField(max_length=200, blank=True)
    agreement_version = models.ForeignKey(
        "providers.AgreementDocument",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The version of the agreement the signatory read and signed.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["purchasing_system", "provider"], name="one_membership_per_provider"
            ),
        ]
        indexes = [models.Index(fields=["state", "provider"])]

    def __str__(self) -> str:
        return f"{self.provider} on {self.purchasing_system} ({self.get_state_display()})"
