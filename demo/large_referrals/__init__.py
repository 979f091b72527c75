"""Ten years of referrals at regional scale (issue 11): about 50,000 referrals across the 24
authorities, 200,000 invitations and 60,000 responses, for the referral and invitation lists'
benchmark (`make bench`) and for trying the lists at the size the region will have.

Built on top of the large directory (`demo.large`: its providers' approved prices decide who is
invited to what), deterministic (one seeded generator; dates are measured back from the moment of
the build, so the newest referrals are open) and written with bulk_create in batches. Each
referral carries its state's stamps as the services would leave them: published ones their
snapshot, closed ones their lapsed invitations, awarded ones a complete award and the outcome of
every response; a direct award or spot purchase its authorised case. Left out, to keep the
build quick: the scale's descriptors, the criterion answers and marks, and documents.

Children are obviously made up: "Child 000123 Large-Example", case numbers LARGE-000123.
"""

from __future__ import annotations

import random
from collections import defaultdict

from django.db import connection, transaction
from django.utils import timezone

from demo.fps import load_fps
from demo.guard import require_demo_data_allowed
from demo.large_referrals.generator import COMPETITIONS, ROUTES, Build, state_for
from demo.large_referrals.places import (
    DAY,
    LARGE_CASE_PREFIX,
    LOTS_2025_FROM,
    authority_places,
    lot_offers,
    reference_prefix,
)
from providers.models import PrimaryNeed
from referrals.models import Child, Outcome, ReferralState

__all__ = [
    "LARGE_CASE_PREFIX",
    "build_large_referrals",
    "large_referrals_exist",
    "reference_prefix",
]


def large_referrals_exist() -> bool:
    return Child.objects.filter(case_number__startswith=LARGE_CASE_PREFIX).exists()


@transaction.atomic
def build_large_referrals(
    *, referrals: int = 50_000, years: int = 10, seed: int = 2026
) -> dict[str, int]:
    """Builds the referrals unless they are there already; returns what it created."""
    require_demo_data_allowed()
    if large_referrals_exist():
        return {"referrals": 0}
    rng = random.Random(seed)
    now = timezone.now().replace(second=0, microsecond=0)
    system = load_fps()
    cast = authority_places()
    on_lots = lot_offers(system.pk)
    bands = {o.setting_id: o.band for lot in on_lots.values() for os in lot.values() for o in os}
    lots = list(system.lots.all())
    lots_2020 = [
        lot for lot in lots if lot.starts_on < LOTS_2025_FROM and len(on_lots[lot.pk]) >= 3
    ]
    lots_2025 = [
        lot for lot in lots if lot.starts_on >= LOTS_2025_FROM and len(on_lots[lot.pk]) >= 3
    ] or lots_2020
    if not lots_2020:
        lots_2020 = lots_2025
    needs = list(PrimaryNeed.objects.all())
    routes, route_weights = zip(*ROUTES, strict=True)
    span = years * 365 * DAY
    # More referrals lately than ten years ago, as the FPS grew.
    created = sorted(now - span * rng.random() ** 1.2 for _ in range(referrals))
    build = Build(rng, now)
    earlier: dict[int, list[Child]] = defaultdict(list)
    for at in created:
        p = rng.randrange(len(cast))
        place = cast[p]
        route = str(rng.choices(routes, route_weights)[0])
        block = route in COMPETITIONS and rng.random() < 0.03
        lot = rng.choice(lots_2025 if at.date() >= LOTS_2025_FROM else lots_2020)
        need = rng.choice(needs)
        child = None
        if not block:
            if earlier[p] and rng.random() < 0.12:  # placed before, placed again
                child = rng.choice(earlier[p])
            else:
                child = build.child(place, at, need)
                earlier[p].append(child)
        state = state_for(rng, route, now - at)
        referral = build.referral(
            place=place,
            system_id=system.pk,
            at=at,
            route=route,
            block=block,
            lot=lot,
            need=need,
            child=child,
            state=state,
            on_lot=on_lots[lot.pk],
        )
        on_lot = on_lots[lot.pk]
        if route in COMPETITIONS and referral.published_at is not None:
            submitted = build.invite(referral, on_lot)
            if state == ReferralState.AWARDED and not submitted:
                # Nobody responded: no suitable provider, decided when it would have been awarded.
                referral.state = ReferralState.NO_SUITABLE_PROVIDER
                referral.no_suitable_provider_at = referral.awarded_at
                referral.no_suitable_provider_by = referral.awarded_by
                referral.no_suitable_provider_reason = "No provider responded by the deadline."
                referral.awarded_at = referral.awarded_by = None
            elif state == ReferralState.AWARDED:
                build.award(referral, place, submitted, bands)
            elif state == ReferralState.NO_SUITABLE_PROVIDER:
                for response in submitted:
                    response.invitation.outcome = Outcome.UNSUCCESSFUL
                    response.invitation.outcome_notified_at = referral.no_suitable_provider_at
        elif route not in COMPETITIONS and state == ReferralState.AWARDED:
            build.route_award(referral)
    build.write()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {
        "children": len(build.children),
        "referrals": len(build.referrals),
        "criteria": len(build.criteria),
        "invitations": len(build.invitations),
        "responses": len(build.responses),
        "awards": len(build.awards),
        "route_cases": len(build.cases),
        "risk_approvals": len(build.risks),
    }
