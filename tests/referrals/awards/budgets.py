"""Query budgets of the evaluation and award routes, for tests/portal/test_query_budgets.py
(route, who, build, queries), each query named. Every list is measured with two rows or more."""

from __future__ import annotations

from collections.abc import Callable

from tests.portal.query_budget_scenes import Call, api, page
from tests.referrals.awards.world import Evaluation, awarded, closed_competition, mark_all


def _marked() -> Evaluation:
    world = closed_competition()
    mark_all(world)
    return world


def _scene(build: Callable[[Evaluation], Call]) -> Callable[[], Call]:
    return lambda: build(_marked())


def _awarded(build: Callable[[Evaluation, int], Call]) -> Callable[[], Call]:
    def run() -> Call:
        world = closed_competition()
        return build(world, awarded(world).pk)

    return run


def _awaiting(build: Callable[[Evaluation, int], Call]) -> Callable[[], Call]:
    def run() -> Call:
        world = closed_competition()
        return build(world, awarded(world, approver=world.head_of_service).pk)

    return run


# Pages: 1-4 are always the session, the user, the otp device and the actor's memberships.
AWARD_BUDGETS: list[tuple[str, str, Callable[[], Call], int]] = [
    # 5: the referral with lot and child; 6: criteria; 7: the submitted responses with setting
    # and provider; 8: their marks; 9: the parents' preferences; 10-11: the regional median (a
    # count, then the middle rows); 12: the live award; 13: the approval threshold.
    (
        "referrals:evaluation",
        "commissioner",
        _scene(lambda w: page(f"/referrals/{w.referral.pk}/evaluation/", w.commissioner)),
        13,
    ),
    # 5: the response with referral, lot, provider, setting; 6-11: the ranking (criteria,
    # responses, marks, preferences, median count and rows).
    (
        "referrals:response-marks",
        "commissioner",
        _scene(lambda w: page(f"/referrals/responses/{w.response_a.pk}/marks/", w.commissioner)),
        11,
    ),
    # 5: the response with referral, lot, provider, setting; 6-11: the ranking; 12: its
    # services; 13: the authority's senior managers (approvers); 14: the live award; 15: the
    # approval threshold.
    (
        "referrals:award-create",
        "commissioner",
        _scene(lambda w: page(f"/referrals/responses/{w.response_a.pk}/award/", w.commissioner)),
        15,
    ),
    # 5: the award with referral, lot, setting, provider, response, approver; 6: its risk
    # approval; 7: its services.
    (
        "referrals:award-detail",
        "commissioner",
        _awarded(lambda w, pk: page(f"/referrals/awards/{pk}/", w.commissioner)),
        7,
    ),
    # 5: the awards waiting for this senior manager, with their referrals and settings.
    (
        "referrals:award-approvals",
        "senior manager",
        _awaiting(lambda w, pk: page("/senior/awards/", w.head_of_service)),
        5,
    ),
    # 5: the provider's complete awards with referral, lot, setting; 6: their children's names
    # (through the child's scope); 7-9: the one audit row naming every child listed
    # (savepoint, insert, release); 10: outcomes told.
    (
        "referrals:awarded-placement-list",
        "provider",
        _awarded(lambda w, pk: page("/invitations/awarded/", w.provider_a_user)),
        10,
    ),
    # 5: the award with referral, lot, setting, provider, response; 6: the child; 7: other
    # needs; 8: documents; 9: EHC outcomes; 10-12: the audit row of the read (savepoint,
    # insert, release); 13: services.
    (
        "referrals:awarded-placement",
        "provider",
        _awarded(lambda w, pk: page(f"/invitations/awarded/{pk}/", w.provider_a_user)),
        13,
    ),
    # 5: the invitation with its referral and lot.
    (
        "referrals:invitation-outcome",
        "provider",
        _awarded(
            lambda w, pk: page(f"/invitations/{w.invitation_b.pk}/outcome/", w.provider_b_user)
        ),
        5,
    ),
    # API: 1: token with its user; 2: actor's memberships; 3: the referral; 4-9: the ranking.
    (
        "referral-evaluation-ranking",
        "commissioner",
        _scene(lambda w: api(f"/api/v1/referrals/{w.referral.pk}/ranking/", w.commissioner)),
        9,
    ),
    # 1: token; 2: memberships; 3: the page of awards with referrals; 4: their services.
    (
        "award-list",
        "commissioner",
        _awarded(lambda w, pk: api("/api/v1/awards/", w.commissioner)),
        4,
    ),
    # 1: token; 2: memberships; 3: the award with its referral; 4: its services.
    (
        "award-detail",
        "commissioner",
        _awarded(lambda w, pk: api(f"/api/v1/awards/{pk}/", w.commissioner)),
        4,
    ),
    # 1: token; 2: memberships; 3: the page of placements with referrals; 4: their services;
    # 5: the children; 6: their documents; 7-9: the one audit row of the page, naming every
    # child shown (savepoint, insert, release).
    (
        "awarded-placement-list",
        "provider",
        _awarded(lambda w, pk: api("/api/v1/awarded-placements/", w.provider_a_user)),
        9,
    ),
    # 1: token; 2: memberships; 3: the placement; 4: services; 5: the child; 6: documents;
    # 7-9: the audit row (savepoint, insert, release).
    (
        "awarded-placement-detail",
        "provider",
        _awarded(lambda w, pk: api(f"/api/v1/awarded-placements/{pk}/", w.provider_a_user)),
        9,
    ),
]
