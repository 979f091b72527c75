"""Query budgets of the re-check and expiry routes, for tests/portal/test_query_budgets.py
(route, who, build, queries), each query named. The scene: Oak Trust's re-check open with its
three items (tests/quality/recheck_world.py), its insurance expired and flagged, and a
suspension proposal waiting for the lead authority."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

from fps_portal.accounts.models import User
from quality.models import EvidenceLapse, Recheck, SuspensionProposal
from quality.services.recheck_schedule import recheck_open
from tests.portal.query_budget_scenes import Call, api, page
from tests.quality.recheck_world import build_world


@dataclass
class Scene:
    provider: User
    lead: User
    recheck: int
    item: int
    lapse: int
    proposal: int


def scene() -> Scene:
    world = build_world()
    today = timezone.localdate()
    recheck_open(membership_id=world.oak_membership.pk, cycle=today.year, today=today)
    recheck = Recheck.objects.get(membership=world.oak_membership)
    lapse = EvidenceLapse.objects.create(
        evidence=world.insurance,
        provider=world.oak,
        expired_on=today - datetime.timedelta(days=1),
    )
    proposal = SuspensionProposal.objects.create(
        membership=world.oak_membership, recheck=recheck, grounds="Overdue."
    )
    return Scene(
        provider=world.oak_user,
        lead=world.lead,
        recheck=recheck.pk,
        item=recheck.items.order_by("pk").first().pk,  # type: ignore[union-attr]
        lapse=lapse.pk,
        proposal=proposal.pk,
    )


def _as(
    who: str, build: Callable[[Scene], str], *, through_api: bool = False
) -> Callable[[], Call]:
    def made() -> Call:
        s = scene()
        user = s.provider if who == "provider" else s.lead
        return (api if through_api else page)(build(s), user)

    return made


# Pages: 1-4 are always the session, the user, the otp device and the actor's memberships.
# The list: 5: the re-checks with their providers and item counts (one query); the lead
# evaluator's also 5: the months chosen, 6: the purchasing systems, 7: the re-checks.
# One re-check: 5: it, with its provider; 6: its items with their evidence, settings and
# people; 7: its history with the items and people. One item: 5: it, with its re-check,
# provider, evidence and people. The proposals, the expired evidence: 5: the rows with their
# providers (and evidence, settings and renewals). One expired item: 5: it, likewise.
# API: 1: the token with its user; 2: the actor's memberships; 3: the page of re-checks (or the
# one) with their providers; 4: their items with the evidence; 5: their history.
RECHECK_BUDGETS: list[tuple[str, str, Callable[[], Call], int]] = [
    ("quality:recheck-list", "provider", _as("provider", lambda s: "/quality/rechecks/"), 5),
    ("quality:recheck-list", "lead evaluator", _as("lead", lambda s: "/quality/rechecks/"), 7),
    (
        "quality:recheck",
        "provider",
        _as("provider", lambda s: f"/quality/rechecks/{s.recheck}/"),
        7,
    ),
    # Adding evidence: 5 the re-check with its provider; 6 the provider's settings to choose.
    (
        "quality:recheck-add",
        "provider",
        _as("provider", lambda s: f"/quality/rechecks/{s.recheck}/add/"),
        6,
    ),
    (
        "quality:recheck-item",
        "lead evaluator",
        _as("lead", lambda s: f"/quality/rechecks/{s.recheck}/items/{s.item}/"),
        5,
    ),
    (
        "quality:suspension-proposal-list",
        "lead evaluator",
        _as("lead", lambda s: "/quality/suspension-proposals/"),
        5,
    ),
    (
        "quality:evidence-lapse-list",
        "lead evaluator",
        _as("lead", lambda s: "/quality/expired-evidence/"),
        5,
    ),
    (
        "quality:evidence-lapse",
        "provider",
        _as("provider", lambda s: f"/quality/expired-evidence/{s.lapse}/"),
        5,
    ),
    (
        "recheck-list",
        "provider",
        _as("provider", lambda s: "/api/v1/rechecks/", through_api=True),
        5,
    ),
    (
        "recheck-detail",
        "lead evaluator",
        _as("lead", lambda s: f"/api/v1/rechecks/{s.recheck}/", through_api=True),
        5,
    ),
]
