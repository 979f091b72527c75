"""The contracts part of the authorisation matrix's world (tests/portal/matrix_world.py): for
each side, the objects the Order and agreement routes take an id of.

"X" is authority A's agreement with provider X (made from A's complete award to X, the awards
world's X placement); "Y" is authority B's agreement with provider Y (a complete award made
here). Each Order and draft IPA is made by the service an award calls, in the world's
transaction. Kinds:
- agreement: the IPA (draft version 1);
- agreement_version: the same, with its version number, for the version routes;
- order: its Order;
- signed_agreement, variation, placement_end: another agreement of the same parties, signed by
  both, with a price uplift the provider proposed and a planned end the authority recorded
  (tests/contracts/changes_world.py);
- regional_uplift: one uplift, the same on both sides.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone

from contracts.services.orders import order_for_award
from fps_portal.accounts.models import Organisation, User
from providers.models import Setting
from referrals.models import Award, AwardState, ReferralState
from tests.contracts.changes_world import build_changes_world
from tests.referrals.awards.matrix import _referral

KINDS = (
    "agreement",
    "agreement_version",
    "order",
    "signed_agreement",
    "variation",
    "placement_end",
    "regional_uplift",
)


def _complete_award(
    authority: Organisation, provider: Organisation, setting: Setting, user: User, lot: Any
) -> Award:
    referral = _referral(
        authority, lot, user, state=ReferralState.AWARDED, awarded_at=timezone.now()
    )
    return Award.objects.create(
        referral=referral,
        provider=provider,
        setting=setting,
        state=AwardState.COMPLETE,
        reasons="Matrix: the best value.",
        agreed_weekly_price=Decimal("3250.00"),
        start_date=referral.start_date,
        completed_at=timezone.now(),
    )


def build_contracts_world(
    *,
    placement_x: int,
    authority_b: Organisation,
    commissioner_b: User,
    provider_y: Organisation,
    setting_y: Setting,
    lot: Any,
) -> tuple[dict[str, int], dict[str, int]]:
    """The ids of each kind for side X and side Y."""
    awards = (
        Award.objects.get(pk=placement_x),
        _complete_award(authority_b, provider_y, setting_y, commissioner_b, lot),
    )
    sides: list[dict[str, int]] = []
    for award in awards:
        order = order_for_award(award=award, actor=None)
        sides.append({"order": order.pk, "agreement": order.agreement.pk, "agreement_version": 1})
    changes = build_changes_world(
        agreement_x=sides[0]["agreement"], agreement_y=sides[1]["agreement"]
    )
    for side, more in zip(sides, changes, strict=True):
        side.update(more)
    return sides[0], sides[1]
