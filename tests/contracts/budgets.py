"""Query budgets of the contracts routes, for tests/portal/test_query_budgets.py (route, who,
build, queries), each query named."""

from __future__ import annotations

from collections.abc import Callable

from tests.contracts.world import Placed, placed, ready_to_issue
from tests.portal.query_budget_scenes import Call, page


def _placed(build: Callable[[Placed], Call]) -> Callable[[], Call]:
    return lambda: build(placed())


def _issued(build: Callable[[Placed], Call]) -> Callable[[], Call]:
    """The agreement completed and issued, waiting for the provider's signature."""

    def made() -> Call:
        from contracts.services.versions import version_issue
        from tests.referrals.awards.world import as_actor

        p = placed()
        ready_to_issue(p)
        version_issue(actor=as_actor(p.commissioner), version=p.draft)
        return build(p)

    return made


# Pages: 1-4 are always the session, the user, the otp device and the actor's memberships.
# The agreement page: 5: the agreement with its Order, setting, parties and signatory; 6: its
# versions; 7: their signatures; 8: the fee history; 9-11: the audited view of the child's
# record (savepoint, insert, release).
# The agreements waiting for the actor (signing): 5: the versions with their agreements, Orders
# and authorities, in one query. The signing page: 5: the agreement with its Order, parties and
# signatory; 6: the version awaiting the actor; 7-9: the audited view of the child's record;
# 10: the version's signatures.
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
    (
        "contracts:agreements-waiting",
        "commissioner",
        _placed(lambda p: page("/agreements/waiting/", p.commissioner)),
        5,
    ),
    (
        "contracts:agreements-waiting",
        "provider",
        _issued(lambda p: page("/agreements/waiting/", p.provider_user)),
        5,
    ),
    (
        "contracts:agreement-sign",
        "provider",
        _issued(lambda p: page(f"/agreements/{p.agreement.pk}/sign/", p.provider_user)),
        10,
    ),
]
