"""The referral part's objects in the authorisation matrix's world (tests/portal/matrix_world.py):
for authority A (the "X" case) and authority B (the "Y" case), a child, a draft open competition
with one criterion (not ready to publish: no scale), and a direct award awaiting authorisation
(submitted by the authority's commissioner)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from fps_portal.accounts.models import Organisation, User
from providers.models import Lot, Setting
from referrals.models import Referral, ReferralState, Route, RouteCase
from tests.referrals.factories import ChildFactory, CriterionFactory, ReferralFactory


@dataclass(frozen=True)
class ReferralRows:
    children: tuple[int, int]
    referrals: tuple[int, int]
    criteria: tuple[int, int]
    direct_awards: tuple[int, int]


def referral_rows(
    *,
    authorities: tuple[Organisation, Organisation],
    commissioners: tuple[User, User],
    lot: Lot,
    setting: Setting,
) -> ReferralRows:
    children, referrals, criteria, direct = [], [], [], []
    for index, (authority, commissioner) in enumerate(zip(authorities, commissioners, strict=True)):
        child = ChildFactory(authority=authority)
        referral = ReferralFactory(
            child=child,
            authority=authority,
            lot=lot,
            reference=f"MATRIX-{index}",
            created_by=commissioner,
        )
        criterion = CriterionFactory(referral=referral, weight=100)
        case_for: Referral = ReferralFactory(  # type: ignore[assignment]
            child=child,
            authority=authority,
            lot=lot,
            reference=f"MATRIX-DA-{index}",
            route=Route.DIRECT_AWARD,
            state=ReferralState.AWAITING_AUTHORISATION,
            created_by=commissioner,
        )
        RouteCase.objects.create(
            referral=case_for,
            ground="extreme_urgency",
            justification="Matrix: placement breakdown.",
            provider=setting.provider,
            setting=setting,
            weekly_price=Decimal("3300.00"),
            review_on=timezone.localdate() + datetime.timedelta(days=90),
            submitted_by=commissioner,
        )
        children.append(child.pk)
        referrals.append(referral.pk)
        criteria.append(criterion.pk)
        direct.append(case_for.pk)
    return ReferralRows(
        children=(children[0], children[1]),
        referrals=(referrals[0], referrals[1]),
        criteria=(criteria[0], criteria[1]),
        direct_awards=(direct[0], direct[1]),
    )
