"""The QA visit rows of the authorisation matrix (tests/portal/matrix_table.py).

An authority's QA officers, senior managers and commissioners read its own visits (A's is "X",
B's is "Y"; the other's is 404); only its QA officers plan, schedule, complete or cancel them.
The provider reads the completed visits to its own settings and answers them. Every authority's
staff (the lead authority's evaluators too) read the shared summaries. Every other role is refused
(403) before anything is looked up. Pages are posted empty (400, nothing written; the matrix's
visit is completed, so recording it again is 409); the API's writes get an empty body.
"""

from __future__ import annotations

from tests.portal.matrix_routes import Answer
from tests.portal.matrix_rules import Expect, Found, Own, Row, expect
from tests.portal.matrix_world import (
    COMMISSIONER_A,
    COMMISSIONER_B,
    PROVIDERS,
    QA_OFFICER_A,
    SENIOR_MANAGER_A,
)

VISIT = ("quality.QaVisit", "quality.QaVisitFinding", "quality.QaVisitSummary")


def _a(ok: Answer) -> dict[str, Answer]:
    return {"X": ok, "Y": 404, "missing": 404}


def readers(ok: Answer, provider: Answer | None = None) -> Expect:
    """A's QA officer, senior manager and commissioner on A's visit, B's commissioner on B's,
    and (with `provider`) each provider on its own."""
    out = expect() | {
        QA_OFFICER_A: _a(ok),
        SENIOR_MANAGER_A: _a(ok),
        COMMISSIONER_A: _a(ok),
        COMMISSIONER_B: {"X": 404, "Y": ok, "missing": 404},
    }
    if provider is not None:
        out |= {p: Own(provider) for p in PROVIDERS}
    return out


def qa_a(ok: Answer) -> Expect:
    return expect() | {QA_OFFICER_A: _a(ok)}


_LISTING = {QA_OFFICER_A: 200, SENIOR_MANAGER_A: 200, COMMISSIONER_A: 200, COMMISSIONER_B: 200}

PAGES: dict[str, Row] = {
    "quality:visit-programme": Row(get=expect() | _LISTING),
    "quality:visit-list": Row(get=expect(providers=200) | _LISTING),
    "quality:visit-new": Row(
        get=expect() | {QA_OFFICER_A: 200},
        writes={"POST": expect() | {QA_OFFICER_A: 400}},
        touches=VISIT,
    ),
    # An empty post names no action (400); only the QA officers and the provider post here.
    "quality:visit": Row(
        ids="qa_visit",
        get=readers(200, provider=200),
        writes={"POST": qa_a(400) | {p: Own(400) for p in PROVIDERS}},
        touches=VISIT,
    ),
    "quality:visit-complete": Row(
        ids="qa_visit", get=qa_a(200), writes={"POST": qa_a(409)}, touches=VISIT
    ),
    # The report is not rendered in the matrix world: the page says it is being prepared.
    "quality:visit-report": Row(ids="qa_visit", get=readers(200, provider=200)),
    "quality:visit-summary-list": Row(get=expect(authorities=200)),
}

API: dict[str, Row] = {
    "qa-visit-list": Row(
        get=expect(providers=200) | _LISTING,
        writes={"POST": expect() | {QA_OFFICER_A: 400}},
        touches=VISIT,
        lists="qa-visit-detail",
    ),
    "qa-visit-detail": Row(ids="qa_visit", get=readers(200, provider=200)),
    "qa-visit-schedule": Row(ids="qa_visit", writes={"POST": qa_a(400)}, touches=VISIT),
    "qa-visit-complete": Row(ids="qa_visit", writes={"POST": qa_a(400)}, touches=VISIT),
    "qa-visit-cancel": Row(ids="qa_visit", writes={"POST": qa_a(400)}, touches=VISIT),
    "qa-visit-respond": Row(
        ids="qa_visit", writes={"POST": expect(providers=Own(400))}, touches=VISIT
    ),
    "qa-visit-summary-list": Row(get=expect(authorities=200), lists="qa-visit-summary-detail"),
    "qa-visit-summary-detail": Row(ids="qa_visit_summary", get=expect(authorities=Found(200))),
}
