"""The quality part of the authorisation matrix's world (tests/portal/matrix_world.py): for each
side, the objects the rating alert routes take an id of.

"X" is an alert told to authority A (the lead authority: its senior manager and evaluator), a
fail band awaiting the lead authority's decision, about provider X's setting; "Y" an alert told
to authority B (Sefton) only, about provider Y's setting. Written as rows: the matrix asks who
may reach them, not how they were raised (tests/quality/test_alerts.py does that).
"""

from __future__ import annotations

import datetime

from fps_portal.accounts.models import Organisation, User
from providers.models import InspectionJudgement, Setting
from quality.models import AlertRecipient, DecisionState, RatingAlert
from tests.providers.factories import InspectionJudgementFactory

KINDS = ("rating_alert",)


def alert_rows(*, setting: Setting, told: list[tuple[User, Organisation]], tag: str) -> int:
    """One fail-band alert about `setting`, awaiting the lead authority's decision, told to each
    (person, authority): rows, for the gates' worlds."""
    judgement: InspectionJudgement = InspectionJudgementFactory(
        setting=setting,
        inspection_start_date=datetime.date(2026, 10, 6),
        publication_date=datetime.date(2026, 11, 2),
        grades={"overall_effectiveness": "4"},
    )
    alert = RatingAlert.objects.create(
        setting=setting,
        judgement=judgement,
        fingerprint=f"matrix-{tag}",
        previous_band="pass",
        previous_summary="Ofsted: Overall effectiveness: 2 (Good)",
        new_band="fail",
        new_summary="Ofsted: Overall effectiveness: 4 (Inadequate)",
        new_inspected_on=judgement.inspection_start_date,
        reasons="The band fell from Pass to Fail.",
        decision_state=DecisionState.PENDING,
    )
    AlertRecipient.objects.bulk_create(
        AlertRecipient(alert=alert, user=user, authority=authority) for user, authority in told
    )
    return alert.pk


def build_quality_world(
    *,
    setting_x: Setting,
    setting_y: Setting,
    told_a: list[tuple[User, Organisation]],
    told_b: list[tuple[User, Organisation]],
) -> tuple[dict[str, int], dict[str, int]]:
    """The ids of each kind for side X and side Y."""
    return (
        {"rating_alert": alert_rows(setting=setting_x, told=told_a, tag="x")},
        {"rating_alert": alert_rows(setting=setting_y, told=told_b, tag="y")},
    )
