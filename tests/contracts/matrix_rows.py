"""The contracts part's rows of the authorisation matrix (tests/portal/matrix_table.py).

Only the two parties see an Order or an agreement: the placing authority's commissioners and
senior managers on their own authority's (X for A, Y for B) and the provider's users on their
own (X's, Y's); the other's and a missing one are 404; every other role is refused (403) before
anything is looked up.
"""

from __future__ import annotations

from tests.portal.matrix_routes import Answer
from tests.portal.matrix_rules import Expect, Own, Row, expect
from tests.portal.matrix_world import (
    COMMISSIONER_A,
    COMMISSIONER_B,
    LEAD_EVALUATOR_A,
    PROVIDER_X,
    PROVIDER_Y,
    PROVIDERS,
    SENIOR_MANAGER_A,
)
from tests.referrals.awards.matrix_rows import placing

AGREEMENT = "contracts.Agreement"
VERSION = "contracts.AgreementVersion"
VARIATION = "contracts.Variation"
END = "contracts.PlacementEnd"
UPLIFT = "contracts.RegionalUplift"
#: Everything a variation, an uplift applied or an end writes.
CHANGES = (AGREEMENT, VERSION, VARIATION, END, "contracts.FeePeriod")


def parties(ok: Answer, provider: Answer | None = None) -> Expect:
    """The placing authority's placing roles and the provider's users, each on its own (the
    provider answering `provider` where it differs)."""
    mine = ok if provider is None else provider
    return placing(ok) | {p: Own(mine) for p in PROVIDERS}


def _changes_form(ids: str, post: Expect) -> Row:
    return Row(ids=ids, get=parties(200), writes={"POST": post}, touches=CHANGES)


#: Every provider and authority staff reads regional uplifts; the same one is each side's.
_EVERY_READER: Expect = expect(providers=200, authorities=200)
_SHARED_UPLIFT = {"X": 200, "Y": 200, "missing": 404}


#: A page with no id that each party's placing roles and provider users open on their own.
_PARTIES_LISTING: Expect = expect(providers=200) | {
    COMMISSIONER_A: 200,
    SENIOR_MANAGER_A: 200,
    COMMISSIONER_B: 200,
}


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
    # The world's signed agreement has a variation being signed and its end recorded: another
    # variation or end is a wrong state (409), after who may has been checked.
    "contracts:variation-uplift": _changes_form("signed_agreement", parties(409)),
    "contracts:variation-provision": _changes_form("signed_agreement", parties(409)),
    "contracts:variation-end-date": _changes_form("signed_agreement", parties(409)),
    "contracts:placement-end": _changes_form("signed_agreement", parties(409)),
    # The provider proposed the world's variation: the authority refuses it (the reason is
    # missing: 400), the provider withdraws it (400); the other way round is refused (403).
    "contracts:variation-refuse": _changes_form("variation", parties(400, provider=403)),
    "contracts:variation-withdraw": _changes_form("variation", parties(403, provider=400)),
    # contracts: placements (branch plist): each party's own list and its export (CSV when no
    # format is given); every other role is refused.
    "contracts:placements": Row(get=_PARTIES_LISTING),
    "contracts:placements-export": Row(get=_PARTIES_LISTING),
    "contracts:regional-uplifts": Row(get=_EVERY_READER),
    "contracts:regional-uplift-publish": Row(
        get=expect() | {LEAD_EVALUATOR_A: 200},
        writes={"POST": expect() | {LEAD_EVALUATOR_A: 400}},
        touches=(UPLIFT,),
    ),
    "contracts:regional-uplift-apply": Row(
        ids="regional_uplift",
        get=expect(providers=_SHARED_UPLIFT),
        writes={"POST": expect(providers={"X": 400, "Y": 400, "missing": 404})},
        touches=CHANGES,
    ),
}


def _listing(ok: Answer) -> Expect:
    """A list route (no id): each party's placing roles and provider users."""
    return expect() | dict.fromkeys(
        (COMMISSIONER_A, SENIOR_MANAGER_A, COMMISSIONER_B, PROVIDER_X, PROVIDER_Y), ok
    )


def _on_x(own: Answer) -> Expect:
    """A create naming side X's signed agreement: its parties get `own`; authority B and
    provider Y, not parties to it, a 400 on `agreement` (as a missing one)."""
    return expect() | {
        COMMISSIONER_A: own,
        SENIOR_MANAGER_A: own,
        PROVIDER_X: own,
        COMMISSIONER_B: 400,
        PROVIDER_Y: 400,
    }


API: dict[str, Row] = {
    # The world's signed agreement already has a variation being signed and its end recorded.
    "variation-list": Row(
        get=_listing(200),
        writes={"POST": _on_x(409)},
        body=lambda w, s, a: {
            "agreement": s.contracts["signed_agreement"],
            "kind": "price_uplift",
            "uplift_percent": "2.00",
            "effective_from": "2031-04-01",
            "reason": "Matrix uplift.",
        },
        touches=CHANGES,
        lists="variation-detail",
    ),
    "variation-detail": Row(ids="variation", get=parties(200)),
    "variation-refuse": Row(
        ids="variation",
        writes={"POST": parties(200, provider=403)},
        body=lambda w, s, a: {"reason": "Matrix refusal."},
        touches=CHANGES,
    ),
    "variation-withdraw": Row(
        ids="variation",
        writes={"POST": parties(403, provider=200)},
        body=lambda w, s, a: {"reason": "Matrix withdrawal."},
        touches=CHANGES,
    ),
    "regional-uplift-list": Row(
        get=_EVERY_READER,
        writes={"POST": expect(lead=201)},
        body=lambda w, s, a: {
            "purchasing_system": w.purchasing_system,
            "title": "Matrix uplift",
            "percent": "2.50",
            "effective_from": "2031-04-01",
            "reason": "Matrix.",
        },
        touches=(UPLIFT,),
        lists="regional-uplift-detail",
    ),
    "regional-uplift-detail": Row(
        ids="regional_uplift", get=expect(providers=_SHARED_UPLIFT, authorities=_SHARED_UPLIFT)
    ),
    # X's signed agreement has a variation being signed; Y's is not provider X's: both 400.
    "regional-uplift-apply": Row(
        ids="regional_uplift",
        writes={"POST": expect(providers={"X": 400, "Y": 400, "missing": 404})},
        body=lambda w, s, a: {"agreements": [s.contracts["signed_agreement"]]},
        touches=CHANGES,
    ),
    "placement-end-list": Row(
        get=_listing(200),
        writes={"POST": _on_x(409)},
        body=lambda w, s, a: {
            "agreement": s.contracts["signed_agreement"],
            "kind": "planned",
            "details": "Matrix end.",
            "requested_by": "authority",
            "notice_given_on": "2026-01-05",
            "last_day": "2031-07-31",
        },
        touches=CHANGES,
        lists="placement-end-detail",
    ),
    "placement-end-detail": Row(ids="placement_end", get=parties(200)),
    # contracts: placements (branch plist): a placement is its agreement.
    "placement-list": Row(get=_listing(200), lists="placement-detail"),
    "placement-detail": Row(ids="signed_agreement", get=parties(200)),
}


# contracts: orders and agreements (contracts/api/agreements.py). The world's "agreement" is an
# incomplete draft (version 1) with no signatory named, and no PDF is rendered (the world's
# transaction never commits, so the worker never ran).
_SIGNATURE = {
    "version": 1,
    "content_sha256": "0" * 64,
    "name": "Matrix Signer",
    "position": "Headteacher",
}
API |= {
    "order-list": Row(get=_listing(200), lists="order-detail"),
    "order-detail": Row(ids="order", get=parties(200)),
    # Not rendered yet: 202, with when to ask again.
    "order-pdf": Row(ids="order", get=parties(202)),
    "agreement-list": Row(get=_listing(200), lists="agreement-detail"),
    "agreement-detail": Row(ids="agreement", get=parties(200)),
    "agreement-versions": Row(ids="agreement", get=parties(200)),
    # A draft has no PDF: 409.
    "agreement-pdf": Row(ids="agreement", get=parties(409)),
    # Issuing the incomplete draft: 400 naming what is missing; the provider is refused.
    "agreement-issue": Row(
        ids="agreement",
        writes={"POST": placing(400)},
        body=lambda w, s, a: {},
        touches=(AGREEMENT, VERSION),
    ),
    # The provider may sign, but version 1 is a draft (409); no signatory is named, so nobody
    # of the authority may countersign (403).
    "agreement-sign": Row(
        ids="agreement",
        writes={"POST": parties(403, provider=409)},
        body=lambda w, s, a: dict(_SIGNATURE),
        touches=(AGREEMENT, VERSION, "contracts.Signature"),
    ),
    # Only an issued version is withdrawn: the draft is a wrong state.
    "agreement-withdraw-version": Row(
        ids="agreement",
        writes={"POST": placing(409)},
        body=lambda w, s, a: {"version": 1, "reason": "Matrix withdrawal."},
        touches=(AGREEMENT, VERSION),
    ),
}
