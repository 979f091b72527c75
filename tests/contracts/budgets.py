"""Query budgets of the contracts routes, for tests/portal/test_query_budgets.py (route, who,
build, queries), each query named."""

from __future__ import annotations

from collections.abc import Callable

from tests.contracts.world import Placed, placed
from tests.portal.query_budget_scenes import Call, page


def _placed(build: Callable[[Placed], Call]) -> Callable[[], Call]:
    return lambda: build(placed())


# Pages: 1-4 are always the session, the user, the otp device and the actor's memberships.
# The agreement page: 5: the agreement with its Order, setting, parties and signatory; 6: its
# versions; 7: their signatures; 8: the fee history; 9-11: the audited view of the child's
# record (savepoint, insert, release).
CONTRACT_BUDGETS: list[tuple[str, str, Callable[[], Call], int]] = [
    (
        "contracts:agreement",
        "commissioner",
        _placed(lambda p: page(f"/agreements/{p.agreement.pk}/", p.commissioner)),
        11,
    ),
    (
        "contracts:agreement-version",
        "provider",
        _placed(lambda p: page(f"/agreements/{p.agreement.pk}/versions/1/", p.provider_user)),
        11,
    ),
]
