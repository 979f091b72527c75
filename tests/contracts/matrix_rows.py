"""The contracts part's rows of the authorisation matrix (tests/portal/matrix_table.py).

Only the two parties see an Order or an agreement: the placing authority's commissioners and
senior managers on their own authority's (X for A, Y for B) and the provider's users on their
own (X's, Y's); the other's and a missing one are 404; every other role is refused (403) before
anything is looked up.
"""

from __future__ import annotations

from tests.portal.matrix_routes import Answer
from tests.portal.matrix_rules import Expect, Own, Row, expect
from tests.portal.matrix_world import COMMISSIONER_A, COMMISSIONER_B, PROVIDERS, SENIOR_MANAGER_A
from tests.referrals.awards.matrix_rows import placing

AGREEMENT = "contracts.Agreement"
VERSION = "contracts.AgreementVersion"


def parties(ok: Answer) -> Expect:
    """The placing authority's placing roles and the provider's users, each on its own."""
    return placing(ok) | {provider: Own(ok) for provider in PROVIDERS}


def _draft(ids: str = "agreement") -> Row:
    """An authority's drafting or issuing page: the world's agreement is an incomplete draft,
    so an empty post is bad input (400) and writes nothing."""
    return Row(
        ids=ids, get=placing(200), writes={"POST": placing(400)}, touches=(AGREEMENT, VERSION)
    )


PAGES: dict[str, Row] = {
    "contracts:agreement": Row(ids="agreement", get=parties(200)),
    "contracts:agreement-version": Row(ids="agreement_version", get=parties(200)),
    # The matrix world's version 1 is a draft: no PDF yet, and no signed copy (409).
    "contracts:agreement-pdf": Row(ids="agreement_version", get=parties(409)),
    "contracts:agreement-signed-pdf": Row(ids="agreement_version", get=parties(409)),
    "contracts:order": Row(ids="order", get=parties(200)),
    # The Order's PDF, or while the worker renders it the page saying so: both 200.
    "contracts:order-pdf": Row(ids="order", get=parties(200)),
    # Signing (branch ipasign): the queue of agreements waiting for the actor, the drafting
    # pages, issue, sign or countersign (the two parties; an empty post is 400), withdraw.
    "contracts:agreements-waiting": Row(
        get=expect(providers=200)
        | {COMMISSIONER_A: 200, SENIOR_MANAGER_A: 200, COMMISSIONER_B: 200}
    ),
    "contracts:agreement-draft": _draft(),
    "contracts:agreement-draft-provision": _draft(),
    "contracts:agreement-draft-costs": _draft(),
    "contracts:agreement-draft-funding": _draft(),
    "contracts:agreement-draft-signatories": _draft(),
    "contracts:agreement-issue": _draft(),
    "contracts:agreement-sign": Row(
        ids="agreement",
        get=parties(200),
        writes={"POST": parties(400)},
        touches=(AGREEMENT, VERSION, "contracts.Signature"),
    ),
    "contracts:agreement-withdraw": _draft("agreement_version"),
}

API: dict[str, Row] = {}
