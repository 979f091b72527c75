"""The rating alerts' rows of the authorisation matrix (tests/portal/matrix_table.py).

Alerts are for authorities' senior managers and the lead authority's evaluators, each seeing
those told to their own authority (X: told to authority A; Y: told to B only, so 404 to A's);
every other role is refused (403) before anything is looked up. The decision queue is the lead
authority's evaluators' alone. Pages are posted empty: the acknowledge button has no fields
(302 back to the alert), a decision without an outcome is 400.
"""

from __future__ import annotations

from tests.portal.matrix_routes import Answer
from tests.portal.matrix_rules import Expect, Row, expect
from tests.portal.matrix_world import LEAD_EVALUATOR_A, SENIOR_MANAGER_A

ALERT = "quality.RatingAlert"
RECIPIENT = "quality.AlertRecipient"


def _a(ok: Answer) -> dict[str, Answer]:
    return {"X": ok, "Y": 404, "missing": 404}


def readers(ok: Answer, *, ids: bool = True) -> Expect:
    """A's senior manager and the lead authority's evaluator (both of authority A)."""
    cell: Answer | dict[str, Answer] = _a(ok) if ids else ok
    return expect() | {SENIOR_MANAGER_A: cell, LEAD_EVALUATOR_A: cell}


def deciders(ok: Answer, *, ids: bool = True) -> Expect:
    return expect() | {LEAD_EVALUATOR_A: _a(ok) if ids else ok}


PAGES: dict[str, Row] = {
    "quality:alert-list": Row(get=readers(200, ids=False)),
    "quality:alert": Row(ids="rating_alert", get=readers(200)),
    "quality:alert-acknowledge": Row(
        ids="rating_alert", writes={"POST": readers(302)}, touches=(RECIPIENT,)
    ),
    "quality:decision-list": Row(get=deciders(200, ids=False)),
    "quality:decision": Row(
        ids="rating_alert",
        get=deciders(200),
        writes={"POST": deciders(400)},
        touches=(ALERT, "providers.FpsMembership", "providers.Setting"),
    ),
}

API: dict[str, Row] = {
    "rating-alert-list": Row(get=readers(200, ids=False), lists="rating-alert-detail"),
    "rating-alert-detail": Row(ids="rating_alert", get=readers(200)),
    "rating-alert-acknowledge": Row(
        ids="rating_alert", writes={"POST": readers(200)}, touches=(RECIPIENT,)
    ),
}
