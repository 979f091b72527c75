"""What the referral services share: the authority's placement rules (read or made with their
defaults), reference numbers, response deadlines and the providers a competition invites.

Kept below `referrals.py`, `shortlist.py` and `routes.py` so none of them imports another's
internals.
"""

from __future__ import annotations

import datetime
import re

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from fps_portal.accounts.models import Organisation
from fps_portal.scoping import dangerously_unscoped
from providers.models import FpsMembership, MembershipState, Setting, SettingLot
from referrals.models import AuthorityPlacementRules, Referral
from referrals.working_days import add_working_days


def default_prefix(authority: Organisation) -> str:
    """The authority's first three letters, upper-case ("Sefton" → "SEF")."""
    letters = re.sub(r"[^A-Za-z]", "", authority.name)
    return (letters[:3] or "REF").upper()


def placement_rules_locked(authority: Organisation) -> AuthorityPlacementRules:
    """The authority's rules row, made with its defaults if it has none, locked until the
    caller's transaction ends: reference numbers are taken under this lock, one at a time."""
    rules_rows = dangerously_unscoped(AuthorityPlacementRules)
    rules_rows.get_or_create(
        authority=authority, defaults={"reference_prefix": default_prefix(authority)}
    )
    return rules_rows.select_for_update().get(authority=authority)


def placement_rules(authority: Organisation) -> AuthorityPlacementRules:
    """The authority's rules as they stand (unsaved defaults when it has set none)."""
    found = dangerously_unscoped(AuthorityPlacementRules).filter(authority=authority).first()
    return found or AuthorityPlacementRules(
        authority=authority, reference_prefix=default_prefix(authority)
    )


def next_reference(rules: AuthorityPlacementRules, *, on: datetime.date) -> str:
    """`<prefix>-<year>-<nnnn>`, one more than the year's highest; call with `rules` locked."""
    prefix = (rules.reference_prefix or default_prefix(rules.authority)).upper()
    stem = f"{prefix}-{on.year}-"
    taken = dangerously_unscoped(Referral).filter(
        authority_id=rules.authority_id, reference__startswith=stem
    )
    highest = 0
    for reference in taken.values_list("reference", flat=True):
        tail = reference[len(stem) :]
        if tail.isdigit():
            highest = max(highest, int(tail))
    return f"{stem}{highest + 1:04d}"


def response_deadline(
    rules: AuthorityPlacementRules, *, emergency: bool, published_at: datetime.datetime
) -> datetime.datetime:
    """Planned: the same time of day `planned_response_working_days` working days later (weekends
    and England's bank holidays skipped, in UK time); emergency: `emergency_response_hours`
    hours later."""
    if emergency:
        return published_at + datetime.timedelta(hours=rules.emergency_response_hours)
    local = timezone.localtime(published_at)
    day = add_working_days(local.date(), rules.planned_response_working_days)
    return timezone.make_aware(
        datetime.datetime.combine(day, local.time().replace(microsecond=0)),
        timezone.get_current_timezone(),
    )


def offers_on_the_lot(referral: Referral) -> QuerySet[SettingLot]:
    """Approved offers on the referral's lot by settings still open, of providers with an active
    membership of the referral's purchasing system: who an open competition invites."""
    active = dangerously_unscoped(FpsMembership).filter(
        provider_id=OuterRef("setting__provider_id"),
        purchasing_system_id=referral.purchasing_system_id,
        state=MembershipState.ACTIVE,
    )
    return (
        dangerously_unscoped(SettingLot)
        .filter(
            lot_id=referral.lot_id,
            approved_at__isnull=False,
            setting__withdrawn_at__isnull=True,
        )
        .filter(Exists(active))
    )


def settings_eligible(referral: Referral) -> QuerySet[Setting]:
    """Settings a provider could be invited or directly awarded for on this referral's lot."""
    return dangerously_unscoped(Setting).filter(
        pk__in=offers_on_the_lot(referral).values("setting_id")
    )
