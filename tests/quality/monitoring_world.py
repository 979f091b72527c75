"""Monitoring returns' world: the rating alerts' setting (tests/quality/world.py) with Sefton's two
children and Wirral's one placed at Marsh Lane School, each child with two EHC plan outcomes; a QA
officer at Sefton and at Wirral; a provider user of the school's provider; the agreements started
in April 2026, so the quarter July to September 2026 (Q2 2026-27) asks about all three."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import cast

from contracts.models import Agreement
from fps_portal.accounts.models import Role, User
from quality.models import MonitoringReturn
from quality.services.monitoring_rounds import monitoring_requests_send
from referrals.models import EhcpOutcome
from tests.factories import person
from tests.quality.world import AlertWorld, build

#: A day in Q3 2026-27: the quarter before it is Q2 (July to September 2026), due 21 October.
ASKED_ON = datetime.date(2026, 10, 1)


@dataclass
class MonitoringWorld:
    alerts: AlertWorld
    provider_user: User
    sefton_qa: User
    wirral_qa: User
    knowsley_qa: User


def build_monitoring() -> MonitoringWorld:
    alerts = build()
    Agreement.objects.filter(
        pk__in=[a.pk for placed in alerts.placements.values() for a in placed]
    ).update(start_date=datetime.date(2026, 4, 1))
    for placed in alerts.placements.values():
        for agreement in placed:
            for position, text in enumerate(
                ("Reads with growing confidence", "Travels to school independently")
            ):
                EhcpOutcome.objects.create(
                    child_id=cast(int, agreement.child_id), text=text, position=position
                )
    return MonitoringWorld(
        alerts=alerts,
        provider_user=person(Role.PROVIDER_USER, alerts.setting.provider),
        sefton_qa=person(Role.QA_OFFICER, alerts.sefton),
        wirral_qa=person(Role.QA_OFFICER, alerts.wirral),
        knowsley_qa=person(Role.QA_OFFICER, alerts.knowsley),
    )


def requested(world: MonitoringWorld) -> MonitoringReturn:
    """Beat's request for Q2 2026-27: Marsh Lane's provider's return."""
    monitoring_requests_send(today=ASKED_ON)
    return MonitoringReturn.objects.get(provider=world.alerts.setting.provider)


def complete_figures(monitoring_return: MonitoringReturn) -> dict[str, str]:
    """Every figure of the return, as the page posts them."""
    figures: dict[str, str] = {}
    for row in monitoring_return.settings.all():
        for field in ("staffing_changes", "complaints", "incidents", "restraints"):
            figures[f"s{row.pk}_{field}"] = "2"
        for field in ("safeguarding_referrals", "exclusions", "suspensions"):
            figures[f"s{row.pk}_{field}"] = "1"
    for placement in monitoring_return.placements.all():
        figures[f"p{placement.pk}_attendance_percent"] = "94.5"
        for field in ("exclusions", "suspensions", "incidents", "restraints"):
            figures[f"p{placement.pk}_{field}"] = "0"
        figures[f"p{placement.pk}_safeguarding_referrals"] = "0"
        for outcome in placement.outcomes.all():
            figures[f"o{outcome.pk}_rating"] = "on_track"
            figures[f"o{outcome.pk}_progress"] = "Reads a short book aloud each week."
    return figures
