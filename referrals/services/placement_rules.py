"""The authority administrator sets the authority's placement rules (A4, A37-A38): the response
deadlines of its referrals, when invitees are reminded, the award value above which a named
approver must approve, and the prefix of its referral numbers."""

from __future__ import annotations

import re
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record, snapshot
from fps_portal.errors import InvalidInput, NotAllowed
from referrals.models import AuthorityPlacementRules
from referrals.selectors.placement_rules import default_reference_prefix

RULE_FIELDS = [
    "planned_response_working_days",
    "emergency_response_hours",
    "reminder_hours_before_deadline",
    "award_approval_threshold",
    "reference_prefix",
]
MAX_WORKING_DAYS = 60
MAX_HOURS = 336  # two weeks
MAX_THRESHOLD = Decimal("100000000")
_PREFIX = re.compile(r"^[A-Z]{2,6}$")


def placement_rules_save(
    *,
    actor: Actor,
    planned_response_working_days: int | None,
    emergency_response_hours: int | None,
    reminder_hours_before_deadline: int | None,
    award_approval_threshold: Decimal | None,
    reference_prefix: str,
) -> AuthorityPlacementRules:
    """Saves the rules of the administrator's own authority; each rule broken names its field."""
    if not (actor.is_authority_admin and actor.api_client is None):
        raise NotAllowed("Only the authority's administrator can change its placement rules.")
    authority = actor.organisation
    assert authority is not None
    fields: dict[str, str] = {}
    if planned_response_working_days is None or not (
        1 <= planned_response_working_days <= MAX_WORKING_DAYS
    ):
        fields["planned_response_working_days"] = (
            f"Enter a number of working days from 1 to {MAX_WORKING_DAYS}."
        )
    if emergency_response_hours is None or not (1 <= emergency_response_hours <= MAX_HOURS):
        fields["emergency_response_hours"] = f"Enter a number of hours from 1 to {MAX_HOURS}."
    if reminder_hours_before_deadline is None or not (
        1 <= reminder_hours_before_deadline <= MAX_HOURS
    ):
        fields["reminder_hours_before_deadline"] = f"Enter a number of hours from 1 to {MAX_HOURS}."
    if award_approval_threshold is not None and (
        not award_approval_threshold.is_finite()
        or award_approval_threshold <= 0
        or award_approval_threshold > MAX_THRESHOLD
        or award_approval_threshold != award_approval_threshold.quantize(Decimal("0.01"))
    ):
        fields["award_approval_threshold"] = (
            "Enter the threshold in pounds, like 250000, up to £100,000,000, or leave it empty "
            "for no threshold."
        )
    prefix = (reference_prefix or "").strip().upper() or default_reference_prefix(authority)
    if not _PREFIX.match(prefix):
        fields["reference_prefix"] = "The reference prefix must be 2 to 6 letters, like SEF."
    if fields:
        raise InvalidInput.on_fields(fields)
    with transaction.atomic():
        rules, created = AuthorityPlacementRules.objects.select_for_update().get_or_create(
            authority=authority, defaults={"reference_prefix": prefix}
        )
        before = None if created else snapshot(rules, RULE_FIELDS)
        rules.planned_response_working_days = planned_response_working_days  # type: ignore[assignment]
        rules.emergency_response_hours = emergency_response_hours  # type: ignore[assignment]
        rules.reminder_hours_before_deadline = reminder_hours_before_deadline  # type: ignore[assignment]
        rules.award_approval_threshold = award_approval_threshold
        rules.reference_prefix = prefix
        rules.updated_at, rules.updated_by = timezone.now(), actor.user
        rules.save()
        audit_record(
            actor=actor,
            verb=AuditVerb.CREATED if created else AuditVerb.UPDATED,
            obj=rules,
            before=before,
            after=snapshot(rules, RULE_FIELDS),
        )
    return rules
