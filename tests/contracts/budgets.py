"""Query budgets of the contracts routes, for tests/portal/test_query_budgets.py (route, who,
build, queries), each query named."""

from __future__ import annotations

from collections.abc import Callable

from tests.contracts.changes_scene import changes_scene
from tests.contracts.world import Placed, placed
from tests.portal.query_budget_scenes import Call, api, page


def _placed(build: Callable[[Placed], Call]) -> Callable[[], Call]:
    return lambda: build(placed())


# Pages: 1-4 are always the session, the user, the otp device and the actor's memberships.
# The agreement page: 5: the agreement with its Order, setting, parties and signatory; 6: its
# versions; 7: their signatures; 8: the fee history; 9-11: the audited view of the child's
# record (savepoint, insert, release); 12: the variations with their versions and uplifts (the
# changes partial); 13: the end of the placement.
CONTRACT_BUDGETS: list[tuple[str, str, Callable[[], Call], int]] = [
    (
        "contracts:agreement",
        "commissioner",
        _placed(lambda p: page(f"/agreements/{p.agreement.pk}/", p.commissioner)),
        13,
    ),
    (
        "contracts:agreement-version",
        "provider",
        _placed(lambda p: page(f"/agreements/{p.agreement.pk}/versions/1/", p.provider_user)),
        13,
    ),
    # The agreement page of a signed agreement with two variations and an end: the same 13.
    (
        "contracts:agreement",
        "provider",
        lambda: (lambda s: page(f"/agreements/{s.agreements[0]}/", s.provider_user))(
            changes_scene()
        ),
        13,
    ),
    # 1-4 as above; 5: the uplifts with their purchasing systems.
    (
        "contracts:regional-uplifts",
        "provider",
        lambda: page("/regional-uplifts/", changes_scene().provider_user),
        5,
    ),
    # API: 1: the token with its user; 2: the actor's memberships; 3: the page of variations
    # with their versions (a cursor page: no count).
    (
        "variation-list",
        "provider",
        lambda: api("/api/v1/variations/", changes_scene().provider_user),
        3,
    ),
    # 1-2 as above; 3: the variation with its version.
    (
        "variation-detail",
        "commissioner",
        lambda: (lambda s: api(f"/api/v1/variations/{s.variation}/", s.commissioner))(
            changes_scene()
        ),
        3,
    ),
    # 1-2 as above; 3: the page of ends.
    (
        "placement-end-list",
        "commissioner",
        lambda: api("/api/v1/placement-ends/", changes_scene().commissioner),
        3,
    ),
    # 1-2 as above; 3: the end.
    (
        "placement-end-detail",
        "provider",
        lambda: (lambda s: api(f"/api/v1/placement-ends/{s.end}/", s.provider_user))(
            changes_scene()
        ),
        3,
    ),
    # 1-2 as above; 3: the page of uplifts.
    (
        "regional-uplift-list",
        "commissioner",
        lambda: api("/api/v1/regional-uplifts/", changes_scene().commissioner),
        3,
    ),
    # 1-2 as above; 3: the uplift.
    (
        "regional-uplift-detail",
        "provider",
        lambda: (lambda s: api(f"/api/v1/regional-uplifts/{s.uplift}/", s.provider_user))(
            changes_scene()
        ),
        3,
    ),
]
