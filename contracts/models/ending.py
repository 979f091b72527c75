"""The end of a placement: planned, a move to another setting, or a breakdown (an unplanned end,
with a reason from a list, words, and who asked for it), with the notice given. Ends are what the
regional insight later measures placement stability by (B29-B35)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class EndKind(models.TextChoices):
    PLANNED = "planned", "Planned end"
    MOVE = "move", "Move to another setting"
    BREAKDOWN = "breakdown", "Breakdown (unplanned end)"


class BreakdownReason(models.TextChoices):
    NEEDS_NOT_MET = "needs_not_met", "The setting could not meet the child's needs"
    NEEDS_CHANGED = "needs_changed", "The child's needs changed"
    SAFEGUARDING = "safeguarding", "A safeguarding concern"
    QUALITY = "quality", "The quality of provision (for example an Inadequate judgement)"
    EXCLUSION = "exclusion", "Exclusion by the setting"
    FAMILY_REQUEST = "family_request", "The parents or carers asked for it"
    YOUNG_PERSON_REQUEST = "young_person_request", "The young person asked for it"
    SETTING_CLOSED = "setting_closed", "The setting closed or lost its registration"
    OTHER = "other", "Another reason"


class EndRequestedBy(models.TextChoices):
    AUTHORITY = "authority", "The placing authority"
    PROVIDER = "provider", "The provider"
    PARENT_CARER = "parent_carer", "The parents or carers"
    YOUNG_PERSON = "young_person", "The young person"


class PlacementEnd(models.Model):
    """One per agreement. The agreement ends on `last_day` (at once when that day has passed, else
    the beat job ends it on the day); until then the end can be seen coming on the lists."""

    agreement = models.OneToOneField(
        "contracts.Agreement", on_delete=models.PROTECT, related_name="placement_end"
    )
    kind = models.CharField(max_length=10, choices=EndKind.choices)
    reason = models.CharField(max_length=24, choices=BreakdownReason.choices, blank=True)
    details = models.TextField()
    requested_by = models.CharField(max_length=14, choices=EndRequestedBy.choices)
    notice_given_on = models.DateField()
    last_day = models.DateField()
    move_to_setting = models.ForeignKey(
        "providers.Setting", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    move_to_name = models.CharField(max_length=200, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-last_day", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="breakdown") | ~Q(reason=""),
                name="a_breakdown_has_a_reason",
            ),
            models.CheckConstraint(
                condition=Q(notice_given_on__lte=models.F("last_day")),
                name="notice_given_on_or_before_the_last_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of agreement {self.agreement_id} on {self.last_day}"
