"""The monitoring part of the authorisation matrix's world (tests/portal/matrix_world.py): for each
side, provider X's return with authority A's placement (side X's agreement) and provider Y's with
authority B's (side Y's), written as the rows they are (a round, the return, its setting row, the
placement row with one outcome). Kind:
- monitoring_return: the return, open (with the provider).
"""

from __future__ import annotations

import datetime
from typing import cast

from contracts.models import Agreement
from quality.models import (
    MonitoringReturn,
    MonitoringRound,
    OutcomeProgress,
    PlacementReturn,
    ReturnEvent,
    SettingReturn,
)

KINDS = ("monitoring_return",)


def build_monitoring_side(*, agreement_id: int) -> dict[str, int]:
    agreement = Agreement.objects.get(pk=agreement_id)
    round_, _ = MonitoringRound.objects.get_or_create(
        period_start=datetime.date(2026, 7, 1),
        defaults={
            "period_end": datetime.date(2026, 9, 30),
            "label": "Q2 2026-27",
            "due_on": datetime.date(2026, 10, 21),
        },
    )
    made = MonitoringReturn.objects.create(
        round=round_, provider_id=cast(int, agreement.provider_id), due_on=round_.due_on
    )
    SettingReturn.objects.create(monitoring_return=made, setting_id=cast(int, agreement.setting_id))
    placement = PlacementReturn.objects.create(
        monitoring_return=made,
        agreement=agreement,
        authority_id=agreement.authority_id,
        setting_id=cast(int, agreement.setting_id),
    )
    OutcomeProgress.objects.create(placement_return=placement, outcome_text="Matrix outcome.")
    ReturnEvent.objects.create(monitoring_return=made, kind="requested", detail="Matrix.")
    return {"monitoring_return": made.pk}
