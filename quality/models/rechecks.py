"""The lead authority's annual re-check of each member provider (seed 000: "each year, the
leading authority will make checks including the providers' registrations and insurance").

Once a year (on the anniversary of joining, or in the month the lead authority chose for the
purchasing system: `RecheckCalendar`) a `Recheck` opens for every active membership with one
`RecheckItem` per evidence item the provider holds. The provider confirms each item is current or
uploads what changed, then sends the re-check; the lead authority's evaluators accept each item or
return it with a reason. A re-check not sent by its due date is reminded and then becomes a
`SuspensionProposal` on the lead authority's queue: a decision a person takes, never an automatic
suspension. Every step is a `RecheckEvent`, so the history stays readable after it closes.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class RecheckCalendar(models.Model):
    """When a purchasing system's re-checks open: in `month` every year, or (no month) on each
    member's anniversary of joining. Without a row, anniversaries."""

    purchasing_system = models.OneToOneField(
        "providers.PurchasingSystem", on_delete=models.CASCADE, related_name="recheck_calendar"
    )
    month = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="1 to 12; empty for each member's anniversary."
    )
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(month__isnull=True) | Q(month__gte=1, month__lte=12),
                name="recheck_calendar_month_1_to_12",
            )
        ]

    def __str__(self) -> str:
        return f"Re-checks of {self.purchasing_system_id}"


class RecheckState(models.TextChoices):
    """- open: waiting for the provider to confirm or change each item and send it.
    - submitted: sent; waiting for the lead authority to accept or return each item.
    - returned: at least one item was returned with a reason; the provider answers it again.
    - accepted: every item accepted; the re-check is done for the year.
    """

    OPEN = "open", "Waiting for the provider"
    SUBMITTED = "submitted", "Waiting for the lead authority"
    RETURNED = "returned", "Returned to the provider"
    ACCEPTED = "accepted", "Accepted"


RECHECK_TRANSITIONS: dict[str, frozenset[str]] = {
    RecheckState.OPEN: frozenset({RecheckState.SUBMITTED}),
    RecheckState.SUBMITTED: frozenset({RecheckState.RETURNED, RecheckState.ACCEPTED}),
    RecheckState.RETURNED: frozenset({RecheckState.SUBMITTED}),
    RecheckState.ACCEPTED: frozenset(),
}
#: The states in which the provider owes an answer (and a passed due date makes it overdue).
WITH_PROVIDER = (RecheckState.OPEN, RecheckState.RETURNED)


class Recheck(models.Model):
    """One membership's re-check for one year (`cycle`): opened once, whatever beat does."""

    membership = models.ForeignKey(
        "providers.FpsMembership", on_delete=models.PROTECT, related_name="rechecks"
    )
    cycle = models.PositiveSmallIntegerField(help_text="The year the re-check is for.")
    state = models.CharField(max_length=16, choices=RecheckState.choices, default=RecheckState.OPEN)
    opened_at = models.DateTimeField(default=timezone.now)
    due_on = models.DateField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    returned_at = models.DateTimeField(null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Each reminder once per due date: a return sets a new due date and clears them.
    reminded_due_soon_on = models.DateField(null=True, blank=True)
    reminded_overdue_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["membership", "cycle"], name="one_recheck_a_year"),
        ]
        indexes = [models.Index(fields=["state", "due_on"], name="recheck_state_due_idx")]

    def __str__(self) -> str:
        return f"Re-check {self.cycle} of membership {self.membership_id}"

    def is_overdue_on(self, day: object) -> bool:
        return self.state in WITH_PROVIDER and self.due_on < day  # type: ignore[operator]


class ItemResponse(models.TextChoices):
    PENDING = "pending", "Not answered yet"
    CONFIRMED = "confirmed", "Confirmed as current"
    CHANGED = "changed", "Changed: new evidence uploaded"


class ItemReview(models.TextChoices):
    PENDING = "pending", "Not reviewed yet"
    ACCEPTED = "accepted", "Accepted"
    RETURNED = "returned", "Returned"


class RecheckItem(models.Model):
    """One evidence item held when the re-check opened, the provider's answer and the lead
    authority's review. `evidence` stays the item as it was held; a change is `replacement`."""

    recheck = models.ForeignKey(Recheck, on_delete=models.CASCADE, related_name="items")
    evidence = models.ForeignKey(
        "providers.Evidence", on_delete=models.PROTECT, related_name="recheck_items"
    )
    replacement = models.ForeignKey(
        "providers.Evidence", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    response = models.CharField(
        max_length=16, choices=ItemResponse.choices, default=ItemResponse.PENDING
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    review = models.CharField(max_length=16, choices=ItemReview.choices, default=ItemReview.PENDING)
    review_reason = models.TextField(blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["evidence__kind", "evidence__setting_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["recheck", "evidence"], name="recheck_item_once"),
            models.CheckConstraint(
                condition=~Q(response="changed") | Q(replacement__isnull=False),
                name="recheck_change_has_replacement",
            ),
            # A return always says why: the provider is told it.
            models.CheckConstraint(
                condition=~Q(review="returned") | ~Q(review_reason=""),
                name="recheck_return_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.evidence} in re-check {self.recheck_id}"

    @property
    def current_evidence_id(self) -> int:
        """The document the lead authority reviews: the replacement if there is one."""
        return self.replacement_id or self.evidence_id


class RecheckEventKind(models.TextChoices):
    OPENED = "opened", "Opened"
    CONFIRMED = "confirmed", "Item confirmed as current"
    CHANGED = "changed", "Item changed"
    SUBMITTED = "submitted", "Sent to the lead authority"
    ACCEPTED_ITEM = "accepted_item", "Item accepted"
    RETURNED_ITEM = "returned_item", "Item returned"
    ACCEPTED = "accepted", "Re-check accepted"
    RETURNED = "returned", "Re-check returned to the provider"
    REMINDED = "reminded", "Reminder sent"
    PROPOSED = "proposed", "Suspension proposed to the lead authority"


class RecheckEvent(models.Model):
    """The re-check's history, one row per step, never changed (`by` empty: the scheduler)."""

    recheck = models.ForeignKey(Recheck, on_delete=models.CASCADE, related_name="events")
    item = models.ForeignKey(
        RecheckItem, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(max_length=16, choices=RecheckEventKind.choices)
    detail = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.recheck_id})"


class ProposalState(models.TextChoices):
    PENDING = "pending", "Waiting for the lead authority"
    SUSPENDED = "suspended", "Suspended"
    NOT_SUSPENDED = "not_suspended", "Not suspended"


class SuspensionProposal(models.Model):
    """A proposal on the lead authority's queue to suspend a membership (an overdue re-check):
    a person decides it, suspending through the membership service or recording why not."""

    membership = models.ForeignKey(
        "providers.FpsMembership", on_delete=models.PROTECT, related_name="suspension_proposals"
    )
    recheck = models.ForeignKey(
        Recheck, null=True, blank=True, on_delete=models.PROTECT, related_name="proposals"
    )
    grounds = models.TextField(help_text="Why the suspension is proposed.")
    proposed_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(
        max_length=16, choices=ProposalState.choices, default=ProposalState.PENDING
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["proposed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership"],
                condition=Q(state="pending"),
                name="one_pending_suspension_proposal",
            ),
            models.UniqueConstraint(fields=["recheck"], name="one_suspension_proposal_per_recheck"),
            models.CheckConstraint(
                condition=Q(state="pending") | ~Q(decision_reason=""),
                name="suspension_decision_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Suspension proposal for membership {self.membership_id}"


PROPOSAL_TRANSITIONS: dict[str, frozenset[str]] = {
    ProposalState.PENDING: frozenset({ProposalState.SUSPENDED, ProposalState.NOT_SUSPENDED}),
    ProposalState.SUSPENDED: frozenset(),
    ProposalState.NOT_SUSPENDED: frozenset(),
}
