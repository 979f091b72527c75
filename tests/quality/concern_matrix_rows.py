"""The concerns' rows of the authorisation matrix (tests/portal/matrix_table.py).

A concern is its placing authority's: the commissioners, QA officers and senior managers of
authority A reach A's ("X") and get 404 for B's ("Y"); B's commissioner the other way round.
The provider it is about reaches it from stage 2 (both are at stage 3), never the other
provider's (404). The lead authority's evaluator (as such), the forum, the administrators and
the platform administrator are refused (403) before anything is looked up. Pages are posted
empty (400: each field's message, nothing written); the API's writes get an empty body (400).
"""

from __future__ import annotations

from tests.portal.matrix_routes import Answer
from tests.portal.matrix_rules import Expect, Own, Row, expect
from tests.portal.matrix_world import (
    COMMISSIONER_A,
    COMMISSIONER_B,
    PROVIDERS,
    QA_OFFICER_A,
    SENIOR_MANAGER_A,
)

CONCERN = ("quality.Concern", "quality.ConcernStage", "quality.ConcernEntry")


def _staff(ok: Answer, *, ids: bool = True) -> Expect:
    """A's practitioners reach A's concern, B's commissioner B's; everyone else 403."""
    cells: Expect = expect()
    for actor in (COMMISSIONER_A, QA_OFFICER_A, SENIOR_MANAGER_A):
        cells[actor] = {"X": ok, "Y": 404, "missing": 404} if ids else ok
    cells[COMMISSIONER_B] = {"X": 404, "Y": ok, "missing": 404} if ids else ok
    return cells


def _readers(ok: Answer, *, ids: bool = True) -> Expect:
    """The practitioners as above, and the provider its own (the other's is 404)."""
    cells = _staff(ok, ids=ids)
    for actor in PROVIDERS:
        cells[actor] = Own(ok) if ids else ok
    return cells


PAGES: dict[str, Row] = {
    "quality:concern-list": Row(get=_readers(200, ids=False)),
    "quality:concern-new": Row(
        get=_staff(200, ids=False), writes={"POST": _staff(400, ids=False)}, touches=CONCERN
    ),
    "quality:concern": Row(ids="concern", get=_readers(200)),
    "quality:concern-record": Row(
        ids="concern", get=_readers(200), writes={"POST": _readers(400)}, touches=CONCERN
    ),
    "quality:concern-escalate": Row(
        ids="concern", get=_staff(200), writes={"POST": _staff(400)}, touches=CONCERN
    ),
    "quality:concern-close": Row(
        ids="concern", get=_staff(200), writes={"POST": _staff(400)}, touches=CONCERN
    ),
    "quality:concern-letter": Row(ids="concern_letter", get=_readers(200)),
}

API: dict[str, Row] = {
    "concern-list": Row(
        get=_readers(200, ids=False),
        writes={"POST": _staff(400, ids=False)},
        touches=CONCERN,
        lists="concern-detail",
    ),
    "concern-detail": Row(ids="concern", get=_readers(200)),
    "concern-answer": Row(ids="concern", writes={"POST": _readers(400)}, touches=CONCERN),
    "concern-escalate": Row(ids="concern", writes={"POST": _staff(400)}, touches=CONCERN),
    "concern-close": Row(ids="concern", writes={"POST": _staff(400)}, touches=CONCERN),
}
