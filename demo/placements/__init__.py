"""The referrals demo (issue 11): Sefton's and Blackpool's children and referrals, one in every
state and by every route (see `sefton.py` and `blackpool.py` for the cast), written as rows with
each state's stamps. Idempotent: nothing is written when the demo's children are there."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from demo.guard import require_demo_data_allowed
from demo.placements.blackpool import load_blackpool
from demo.placements.sefton import load_sefton
from demo.placements.world import world_now
from fps_portal.accounts.models import Organisation
from referrals.models import AuthorityPlacementRules, Child

#: Every demo child's case number starts so (the large data set's start LARGE-).
DEMO_CASE_PREFIX = "DEMO-"


def _rules(authority: Organisation, prefix: str, threshold: Decimal | None) -> None:
    AuthorityPlacementRules.objects.get_or_create(
        authority=authority,
        defaults={"reference_prefix": prefix, "award_approval_threshold": threshold},
    )


@transaction.atomic
def load_referrals() -> None:
    require_demo_data_allowed()
    world = world_now()
    # Sefton asks for a named approver above £300,000 a year; Blackpool has no threshold.
    _rules(world.sefton, "SEF", Decimal("300000.00"))
    _rules(world.blackpool, "BLA", None)
    if Child.objects.filter(case_number__startswith=DEMO_CASE_PREFIX).exists():
        return
    load_sefton(world)
    load_blackpool(world)
