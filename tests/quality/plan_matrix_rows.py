"""The improvement plans' rows of the authorisation matrix (tests/portal/matrix_table.py).

Authority A's QA officer, commissioner and senior manager read A's plan ("X"; B's is 404);
B's commissioner reads B's ("Y"; A's is 404); each provider reads the plan about its own setting
(Own). Only QA officers agree plans and add actions (every other role 403 before anything is
looked up); a reader who is not a party is refused by the service (403). Pages are posted empty:
the new-plan and new-action forms and the action's step are 400; the plan page's POST closes the
plan, refused while its action is open (400 for A's QA officer, 403 for the others). The API's
writes get an empty body (400) once allowed; accepting the open action is 409.
"""

from __future__ import annotations

from tests.portal.matrix_routes import Answer
from tests.portal.matrix_rules import Cell, Expect, Own, Row, expect
from tests.portal.matrix_world import (
    COMMISSIONER_A,
    COMMISSIONER_B,
    PROVIDER_X,
    PROVIDER_Y,
    QA_OFFICER_A,
    SENIOR_MANAGER_A,
)

TOUCHES = ("quality.ImprovementPlan", "quality.ImprovementAction", "quality.ImprovementEvent")


def _a(ok: Answer) -> dict[str, Answer]:
    return {"X": ok, "Y": 404, "missing": 404}


def _b(ok: Answer) -> dict[str, Answer]:
    return {"X": 404, "Y": ok, "missing": 404}


def readers(
    qa: Answer,
    *,
    others: Answer | None = None,
    providers: Answer | None = None,
    ids: bool = True,
) -> Expect:
    """A's QA officer answers `qa`; A's other readers and B's commissioner `others`; the
    providers `providers` (each defaulting to `qa`)."""
    others = qa if others is None else others
    providers = qa if providers is None else providers

    def cell(ok: Answer, which: object = _a) -> Cell:
        return which(ok) if ids else ok  # type: ignore[operator]

    out = expect(providers=Own(providers) if ids else providers)
    return out | {
        QA_OFFICER_A: cell(qa),
        COMMISSIONER_A: cell(others),
        SENIOR_MANAGER_A: cell(others),
        COMMISSIONER_B: cell(others, _b),
    }


def officers(ok: Answer, *, ids: bool = True) -> Expect:
    return expect() | {QA_OFFICER_A: _a(ok) if ids else ok}


def parties(ok: Answer) -> Expect:
    """The QA officer and the providers (the API's complete and comment)."""
    return expect() | {QA_OFFICER_A: _a(ok), PROVIDER_X: Own(ok), PROVIDER_Y: Own(ok)}


PAGES: dict[str, Row] = {
    "quality:improvement-plan-list": Row(get=readers(200, ids=False)),
    "quality:improvement-plan-new": Row(
        get=officers(302, ids=False), writes={"POST": officers(400, ids=False)}, touches=TOUCHES
    ),
    "quality:improvement-plan": Row(
        ids="improvement_plan",
        get=readers(200),
        writes={"POST": readers(400, others=403, providers=403)},
        touches=TOUCHES,
    ),
    "quality:improvement-action-new": Row(
        ids="improvement_plan",
        get=officers(302),
        writes={"POST": officers(400)},
        touches=TOUCHES,
    ),
    "quality:improvement-action": Row(
        ids="improvement_action",
        get=readers(200),
        writes={"POST": readers(400)},
        touches=TOUCHES,
    ),
    "quality:improvement-action-evidence": Row(ids="improvement_action", get=readers(200)),
}

API: dict[str, Row] = {
    "improvement-plan-list": Row(
        get=readers(200, ids=False),
        lists="improvement-plan-detail",
        writes={"POST": officers(400, ids=False)},
        touches=TOUCHES,
    ),
    "improvement-plan-detail": Row(ids="improvement_plan", get=readers(200)),
    "improvement-plan-add-action": Row(
        ids="improvement_plan", writes={"POST": officers(400)}, touches=TOUCHES
    ),
    "improvement-action-list": Row(get=readers(200, ids=False), lists="improvement-action-detail"),
    "improvement-action-detail": Row(ids="plan_action", get=readers(200)),
    "improvement-action-complete": Row(
        ids="plan_action", writes={"POST": parties(400)}, touches=TOUCHES
    ),
    "improvement-action-comment": Row(
        ids="plan_action", writes={"POST": parties(400)}, touches=TOUCHES
    ),
    "improvement-action-accept": Row(
        ids="plan_action", writes={"POST": officers(409)}, touches=TOUCHES
    ),
    "improvement-action-reopen": Row(
        ids="plan_action", writes={"POST": officers(400)}, touches=TOUCHES
    ),
}
