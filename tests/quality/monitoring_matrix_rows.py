"""The monitoring rows of the authorisation matrix (tests/portal/matrix_table.py).

The provider sees its own returns (the other provider's is 404); authority A's QA officer sees X's
return, which holds A's placement, and not Y's, which holds only B's (404); every other role is
refused (403) before anything is looked up. Pages are posted empty: the figures page sends the
return with no figures and the review form has nothing chosen (each 400, nothing written); the
API's writes get an empty body (400) once allowed.
"""

from __future__ import annotations

from tests.portal.matrix_rules import Own, Row, expect
from tests.portal.matrix_world import QA_OFFICER_A

MONITORING = (
    "quality.MonitoringReturn",
    "quality.SettingReturn",
    "quality.PlacementReturn",
    "quality.OutcomeProgress",
    "quality.ReturnReview",
    "quality.ReturnEvent",
)


def _ours(ok: int) -> dict[str, object]:
    """Authority A's QA officer: X's return (A's placement) is theirs, Y's is not."""
    return {"X": ok, "Y": 404, "missing": 404}


def _both(ok: int, officer: int | None = None) -> dict[str, object]:
    answers = expect(providers=Own(ok))
    answers[QA_OFFICER_A] = _ours(ok if officer is None else officer)  # type: ignore[assignment]
    return answers


def _officer(ok: int) -> dict[str, object]:
    answers = expect()
    answers[QA_OFFICER_A] = _ours(ok)  # type: ignore[assignment]
    return answers


def _listers() -> dict[str, object]:
    answers = expect(providers=200)
    answers[QA_OFFICER_A] = 200
    return answers


PAGES: dict[str, Row] = {
    "quality:monitoring-return-list": Row(get=_listers()),  # type: ignore[arg-type]
    "quality:monitoring-return": Row(ids="monitoring_return", get=_both(200)),  # type: ignore[arg-type]
    "quality:monitoring-return-figures": Row(
        ids="monitoring_return",
        get=expect(providers=Own(200)),
        writes={"POST": expect(providers=Own(400))},
        touches=MONITORING,
    ),
    "quality:monitoring-return-review": Row(
        ids="monitoring_return",
        get=_officer(200),  # type: ignore[arg-type]
        writes={"POST": _officer(400)},  # type: ignore[dict-item]
        touches=MONITORING,
    ),
    "quality:monitoring-setting": Row(ids="setting", get=_both(200)),  # type: ignore[arg-type]
}

API: dict[str, Row] = {
    "monitoring-return-list": Row(get=_listers(), lists="monitoring-return-detail"),  # type: ignore[arg-type]
    "monitoring-return-detail": Row(ids="monitoring_return", get=_both(200)),  # type: ignore[arg-type]
    "monitoring-return-submit": Row(
        ids="monitoring_return", writes={"POST": expect(providers=Own(400))}, touches=MONITORING
    ),
    "monitoring-return-review": Row(
        ids="monitoring_return",
        writes={"POST": _officer(400)},  # type: ignore[dict-item]
        touches=MONITORING,
    ),
}
