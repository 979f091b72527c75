"""Two or more of each row the variation, end and uplift lists read, for the query budgets."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from contracts.services.endings import placement_end_record
from contracts.services.variations import variation_propose_end_date, variation_propose_uplift
from fps_portal.accounts.models import User
from tests.contracts.changes_world import regional_uplift
from tests.contracts.signed_world import another_signed, sign_both, signed
from tests.referrals.awards.world import as_actor


@dataclass(frozen=True)
class ChangesScene:
    agreements: tuple[int, int]
    variation: int
    end: int
    uplift: int
    provider_user: User
    commissioner: User


def changes_scene() -> ChangesScene:
    """Two signed agreements of one provider: the first with an agreed uplift and a proposed
    change of end date, the second with an uplift proposed; both with a planned end; two
    regional uplifts."""
    p = signed()
    q = another_signed(p)
    provider, authority = as_actor(p.provider_user), as_actor(p.commissioner)
    for placement in (p, q):
        agreed = variation_propose_uplift(
            actor=provider,
            agreement=placement.agreement,
            percent=Decimal("2"),
            new_weekly_fee=None,
            effective_from=placement.agreement.start_date + datetime.timedelta(days=10),
            reason="Annual uplift.",
        )
        if placement is p:
            sign_both(p, agreed.version)
    variation = variation_propose_end_date(
        actor=authority,
        agreement=p.agreement,
        new_end_date=p.agreement.start_date + datetime.timedelta(days=900),
        reason="Extended.",
    )
    ends = [
        placement_end_record(
            actor=authority,
            agreement=placement.agreement,
            kind="planned",
            reason="",
            details="The end of key stage 4.",
            requested_by="authority",
            notice_given_on=timezone.localdate(),
            last_day=placement.agreement.start_date + datetime.timedelta(days=800),
        )
        for placement in (p, q)
    ]
    uplifts = [regional_uplift(p.award), regional_uplift(q.award)]
    return ChangesScene(
        agreements=(p.agreement.pk, q.agreement.pk),
        variation=variation.pk,
        end=ends[0].pk,
        uplift=uplifts[0].pk,
        provider_user=p.provider_user,
        commissioner=p.commissioner,
    )
