"""The awards part's rows of the authorisation matrix (tests/portal/matrix_table.py).

The placing authority's pages and actions (PLACING: commissioners and senior managers of an
authority) answer its own object (X for authority A, Y for B) and 404 for the other's and a
missing one; every other role is refused (403) before anything is looked up. Senior managers'
pages are theirs alone; the provider's pages its own. Pages are posted empty (400, nothing
written) except the risk steps of an award not at that step (409).
"""

from __future__ import annotations

from tests.portal.matrix_routes import Answer
from tests.portal.matrix_rules import Expect, Own, Row, expect
from tests.portal.matrix_world import COMMISSIONER_A, COMMISSIONER_B, SENIOR_MANAGER_A

AWARD = "referrals.Award"
MARK = "referrals.CriterionMark"
REFERRAL = "referrals.Referral"
RISK = "referrals.RiskApproval"


def _a(ok: Answer) -> dict[str, Answer]:
    return {"X": ok, "Y": 404, "missing": 404}


def _b(ok: Answer) -> dict[str, Answer]:
    return {"X": 404, "Y": ok, "missing": 404}


def placing(ok: Answer) -> Expect:
    """Authority A's commissioner and senior manager on A's object, B's commissioner on B's."""
    return expect() | {COMMISSIONER_A: _a(ok), SENIOR_MANAGER_A: _a(ok), COMMISSIONER_B: _b(ok)}


def senior_a(ok: Answer) -> Expect:
    """A's senior manager (the named approver of A's award); every other role refused."""
    return expect() | {SENIOR_MANAGER_A: _a(ok)}


def _form(ids: str, post: Answer, *touches: str) -> Row:
    return Row(ids=ids, get=placing(200), writes={"POST": placing(post)}, touches=touches)


PAGES: dict[str, Row] = {
    "referrals:evaluation": Row(ids="award_referral", get=placing(200)),
    "referrals:response-marks": _form("award_response", 400, MARK),
    "referrals:award-create": _form("award_response", 400, AWARD),
    "referrals:no-suitable-provider": _form("award_referral", 400, REFERRAL),
    "referrals:rerun": _form("award_referral", 400, REFERRAL),
    "referrals:award-detail": Row(ids="pending_award", get=placing(200)),
    # The world's pending award awaits its approver, not the risk steps: refused as a wrong state.
    "referrals:risk-documents": _form("pending_award", 409, RISK),
    "referrals:risk-approach": _form("pending_award", 409, RISK),
    "referrals:award-approvals": Row(get=expect() | {SENIOR_MANAGER_A: 200}),
    "referrals:award-approval": Row(
        ids="pending_award", get=senior_a(200), writes={"POST": senior_a(400)}, touches=(AWARD,)
    ),
    "referrals:risk-sign-off": Row(
        ids="pending_award", get=senior_a(200), writes={"POST": senior_a(400)}, touches=(RISK,)
    ),
    "referrals:awarded-placement-list": Row(get=expect(providers=200)),
    "referrals:awarded-placement": Row(ids="placement", get=expect(providers=Own(200))),
    "referrals:awarded-document": Row(ids="placement_document", get=expect(providers=Own(200))),
    "referrals:invitation-outcome": Row(ids="outcome_invitation", get=expect(providers=Own(200))),
}

API: dict[str, Row] = {
    "referral-evaluation-ranking": Row(ids="award_referral", get=placing(200)),
    "referral-evaluation-marks": Row(
        ids="award_referral",
        writes={"POST": placing(200)},
        body=lambda w, s, a: {
            "response": s.awards["award_response"],
            "criterion": s.awards["criterion"],
            "score": 3,
            "note": "Matrix mark.",
        },
        touches=(MARK,),
    ),
    "referral-evaluation-award": Row(
        ids="award_referral",
        writes={"POST": placing(201)},
        body=lambda w, s, a: {
            "response": s.awards["award_response"],
            "reasons": "Matrix: the best value.",
            "agreed_weekly_price": "3250.00",
            "start_date": "2030-09-01",
        },
        touches=(AWARD, REFERRAL),
    ),
    "referral-evaluation-no-suitable-provider": Row(
        ids="award_referral",
        writes={"POST": placing(200)},
        body=lambda w, s, a: {"reason": "Matrix: none fits."},
        touches=(REFERRAL,),
    ),
    # The world's referral is closed, not "no suitable provider": a re-run is a wrong state.
    "referral-evaluation-rerun": Row(
        ids="award_referral",
        writes={"POST": placing(409)},
        body=lambda w, s, a: {"route": "direct_award"},
        touches=(REFERRAL,),
    ),
    "award-list": Row(
        get=expect() | {COMMISSIONER_A: 200, SENIOR_MANAGER_A: 200, COMMISSIONER_B: 200},
        lists="award-detail",
    ),
    "award-detail": Row(ids="pending_award", get=placing(200)),
    "award-approve": Row(
        ids="pending_award",
        writes={"POST": senior_a(200)},
        body=lambda w, s, a: {"note": "Matrix approval."},
        touches=(AWARD, REFERRAL),
    ),
    "award-reject": Row(
        ids="pending_award",
        writes={"POST": senior_a(200)},
        body=lambda w, s, a: {"reason": "Matrix: negotiate first."},
        touches=(AWARD,),
    ),
    "awarded-placement-list": Row(get=expect(providers=200), lists="awarded-placement-detail"),
    "awarded-placement-detail": Row(ids="placement", get=expect(providers=Own(200))),
}
