"""The monitoring pages' objects for the accessibility gate (tests/browser/pages.py): a Sefton
placement at the provider's own setting (an active agreement with a child and two EHC plan
outcomes), and two of the provider's returns for it: Q1 2026-27 sent (waiting for Sefton's QA
officer: the review form, and a quarter in the trend) and Q2 open (the provider's figures
form)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import cast

from django.utils import timezone

from contracts.models import Agreement, AgreementState
from contracts.services.orders import order_for_award
from fps_portal.accounts.models import Organisation, User
from providers.models import Setting
from quality.models import (
    MonitoringReturn,
    MonitoringRound,
    OutcomeProgress,
    PlacementReturn,
    ReturnEvent,
    ReturnState,
    SettingReturn,
)
from referrals.models import Award, AwardState, EhcpOutcome, ReferralState
from tests.providers.factories import LotFactory
from tests.referrals.awards.matrix import _referral

QUARTERS = (
    (datetime.date(2026, 4, 1), datetime.date(2026, 6, 30), "Q1 2026-27"),
    (datetime.date(2026, 7, 1), datetime.date(2026, 9, 30), "Q2 2026-27"),
)


def build_monitoring_pages(
    *, setting: Setting, authority: Organisation, commissioner: User
) -> dict[str, int]:
    # A reference of its own: the demo's referrals hold the factory's sequence of references.
    referral = _referral(
        authority,
        LotFactory(),
        commissioner,
        state=ReferralState.AWARDED,
        awarded_at=timezone.now(),
        reference="BROWSER-MONITORING-1",
    )
    award = Award.objects.create(
        referral=referral,
        provider=setting.provider,
        setting=setting,
        state=AwardState.COMPLETE,
        reasons="The best value for the child.",
        agreed_weekly_price=Decimal("3250.00"),
        start_date=referral.start_date,
        completed_at=timezone.now(),
    )
    agreement = Agreement.objects.get(order=order_for_award(award=award, actor=None))
    Agreement.objects.filter(pk=agreement.pk).update(state=AgreementState.ACTIVE)
    for position, text in enumerate(("Reads a short book aloud", "Travels to school alone")):
        EhcpOutcome.objects.create(
            child_id=cast(int, award.referral.child_id), text=text, position=position
        )
    made: dict[str, int] = {"monitoring_setting": setting.pk}
    for (start, end, label), name in zip(QUARTERS, ("sent", "open"), strict=True):
        round_, _ = MonitoringRound.objects.get_or_create(
            period_start=start,
            defaults={
                "period_end": end,
                "label": label,
                "due_on": end + datetime.timedelta(days=21),
            },
        )
        sent = name == "sent"
        monitoring_return = MonitoringReturn.objects.create(
            round=round_,
            provider=setting.provider,
            due_on=round_.due_on,
            state=ReturnState.SUBMITTED if sent else ReturnState.OPEN,
            submissions=1 if sent else 0,
        )
        SettingReturn.objects.create(
            monitoring_return=monitoring_return,
            setting=setting,
            **(
                {
                    "staffing_changes": 1,
                    "complaints": 0,
                    "incidents": 4,
                    "restraints": 1,
                    "safeguarding_referrals": 1,
                    "exclusions": 0,
                    "suspensions": 1,
                }
                if sent
                else {}
            ),
        )
        placement = PlacementReturn.objects.create(
            monitoring_return=monitoring_return,
            agreement=agreement,
            authority=authority,
            setting=setting,
            **({"attendance_percent": "93.5", "incidents": 1} if sent else {}),
        )
        for outcome in EhcpOutcome.objects.filter(child_id=cast(int, award.referral.child_id)):
            OutcomeProgress.objects.create(
                placement_return=placement,
                ehcp_outcome=outcome,
                outcome_text=outcome.text,
                position=outcome.position,
                rating="on_track" if sent else "",
                progress="Steady progress." if sent else "",
            )
        ReturnEvent.objects.create(monitoring_return=monitoring_return, kind="requested")
        made[f"{name}_return"] = monitoring_return.pk
    return made
