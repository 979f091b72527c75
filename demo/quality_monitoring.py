"""Demo data for quarterly contract monitoring (issue 14), made through the quality services: the
quarter in progress (October to December, Q3) is asked for as though it had just ended, so the
demo's placements, which started this autumn, have returns to show now (beat asks for the quarter
just ended, which predates them). Sefton's return is partly in:

- Mersey Vale School's provider (business@merseyvale.example), where Sefton's SEF-2026-0005 is
  placed, has sent its return: it waits for Sefton's QA officer (qa@sefton.example) to review;
- Fylde Coast School's provider (business@fyldecoast.example, Blackpool's placement) has saved a
  draft with its setting totals only: still with the provider.

Idempotent: a return is asked for once per provider and quarter, and each step is taken only from
the state before it."""

from __future__ import annotations

import datetime

from django.utils import timezone

from fps_portal.accounts.models import User
from fps_portal.actors import actor_for_user
from quality.models import MonitoringReturn, ReturnState
from quality.services.monitoring import monitoring_return_save, monitoring_return_submit
from quality.services.monitoring_rounds import monitoring_requests_send, quarter_containing

SENT_BY = "business@merseyvale.example"
DRAFTED_BY = "business@fyldecoast.example"


def _figures(monitoring_return: MonitoringReturn, *, placements: bool) -> dict[str, str]:
    figures: dict[str, str] = {}
    totals = ((1, 2, 6, 1, 1, 0, 2), (0, 1, 3, 0, 0, 0, 1))
    # A provider with more settings than these gives the last totals for the rest.
    rows = list(monitoring_return.settings.order_by("pk"))
    for index, row in enumerate(rows):
        values = totals[min(index, len(totals) - 1)]
        for field, value in zip(
            (
                "staffing_changes",
                "complaints",
                "incidents",
                "restraints",
                "safeguarding_referrals",
                "exclusions",
                "suspensions",
            ),
            values,
            strict=True,
        ):
            figures[f"s{row.pk}_{field}"] = str(value)
    if not placements:
        return figures
    for placement in monitoring_return.placements.all():
        figures[f"p{placement.pk}_attendance_percent"] = "92.5"
        for field, value in (
            ("exclusions", 0),
            ("suspensions", 0),
            ("incidents", 2),
            ("restraints", 0),
            ("safeguarding_referrals", 0),
        ):
            figures[f"p{placement.pk}_{field}"] = str(value)
        for outcome in placement.outcomes.all():
            figures[f"o{outcome.pk}_rating"] = "on_track"
            figures[f"o{outcome.pk}_progress"] = (
                "Steady progress this half term; reviewed with the family at the termly meeting."
            )
    return figures


def _return_of(email: str) -> tuple[MonitoringReturn | None, object]:
    user = User.objects.filter(email=email).first()
    actor = actor_for_user(user) if user is not None else None
    if actor is None or actor.organisation_id is None:
        return None, None
    found = (
        MonitoringReturn.objects.filter(provider_id=actor.organisation_id)
        .order_by("-round__period_start")
        .first()
    )
    return found, actor


def load_monitoring() -> None:
    _, end = quarter_containing(timezone.localdate())
    monitoring_requests_send(today=end + datetime.timedelta(days=1))
    sent, actor = _return_of(SENT_BY)
    if sent is not None and sent.state == ReturnState.OPEN:
        monitoring_return_submit(
            actor=actor,  # type: ignore[arg-type]
            monitoring_return=sent,
            figures=_figures(sent, placements=True),
        )
    drafted, actor = _return_of(DRAFTED_BY)
    if drafted is not None and drafted.state == ReturnState.OPEN and drafted.saved_at is None:
        monitoring_return_save(
            actor=actor,  # type: ignore[arg-type]
            monitoring_return=drafted,
            figures=_figures(drafted, placements=False),
        )
