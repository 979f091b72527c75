"""The contracts part's rows of the authorisation matrix (tests/portal/matrix_table.py).

Only the two parties see an Order or an agreement: the placing authority's commissioners and
senior managers on their own authority's (X for A, Y for B) and the provider's users on their
own (X's, Y's); the other's and a missing one are 404; every other role is refused (403) before
anything is looked up.
"""

from __future__ import annotations

from tests.portal.matrix_routes import Answer
from tests.portal.matrix_rules import Expect, Own, Row
from tests.portal.matrix_world import PROVIDERS
from tests.referrals.awards.matrix_rows import placing

AGREEMENT = "contracts.Agreement"
VERSION = "contracts.AgreementVersion"


def parties(ok: Answer) -> Expect:
    """The placing authority's placing roles and the provider's users, each on its own."""
    return placing(ok) | {provider: Own(ok) for provider in PROVIDERS}


PAGES: dict[str, Row] = {
    "contracts:agreement": Row(ids="agreement", get=parties(200)),
    "contracts:agreement-version": Row(ids="agreement_version", get=parties(200)),
    # The matrix world's version 1 is a draft: no PDF yet, and no signed copy (409).
    "contracts:agreement-pdf": Row(ids="agreement_version", get=parties(409)),
    "contracts:agreement-signed-pdf": Row(ids="agreement_version", get=parties(409)),
    "contracts:order": Row(ids="order", get=parties(200)),
    # The Order's PDF, or while the worker renders it the page saying so: both 200.
    "contracts:order-pdf": Row(ids="order", get=parties(200)),
}

API: dict[str, Row] = {}
