"""Query budgets of the monitoring routes, for tests/portal/test_query_budgets.py (route, who,
build, queries), each query named. The scene: Marsh Lane's provider's Q2 2026-27 return with
Sefton's two children and Wirral's one, sent (tests/quality/monitoring_world.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fps_portal.accounts.models import User
from quality.services.monitoring import monitoring_return_submit
from tests.portal.query_budget_scenes import Call, api, page
from tests.quality.monitoring_world import build_monitoring, complete_figures, requested


@dataclass
class Scene:
    provider: User
    officer: User
    monitoring_return: int
    setting: int


def scene() -> Scene:
    world = build_monitoring()
    made = requested(world)
    monitoring_return_submit(
        actor=world.alerts.actor(world.provider_user),
        monitoring_return=made,
        figures=complete_figures(made),
    )
    return Scene(
        provider=world.provider_user,
        officer=world.sefton_qa,
        monitoring_return=made.pk,
        setting=world.alerts.setting.pk,
    )


def _as(
    who: str, build: Callable[[Scene], str], *, through_api: bool = False
) -> Callable[[], Call]:
    def made() -> Call:
        s = scene()
        user = s.provider if who == "provider" else s.officer
        return (api if through_api else page)(build(s), user)

    return made


# Pages: 1-4 are always the session, the user, the otp device and the actor's memberships.
# The list: 5: the count of returns (the pager), 6: the page of returns with their quarters,
# providers and placement counts (and, for an officer, whether its authority reviewed them).
# One return: 5: it, with its quarter, provider and sender; 6: the placements the actor may see
# with their agreements, children, settings and authorities; 7: their outcomes; 8-10: the audit
# row of the children viewed, in its savepoint; 11: the setting rows with their settings; 12: the
# provider's trend (setting totals per quarter); 13: the reviews the actor may see; 14: the
# history it may see.
# A setting's trend: 5: its latest row the actor may see, with the setting and provider; 6: the
# trend.
# API: 1: the token with its user; 2: the actor's memberships; 3: the page of returns (or the
# one) with their quarters and providers; 4: their setting rows; 5: their placements; 6: the
# placements' outcomes; 7: their reviews; 8: their history; the detail also 9-11: the audit row
# of the children viewed, in its savepoint.
MONITORING_BUDGETS: list[tuple[str, str, Callable[[], Call], int]] = [
    (
        "quality:monitoring-return-list",
        "provider",
        _as("provider", lambda s: "/quality/monitoring/"),
        6,
    ),
    (
        "quality:monitoring-return-list",
        "QA officer",
        _as("officer", lambda s: "/quality/monitoring/"),
        6,
    ),
    (
        "quality:monitoring-return",
        "QA officer",
        _as("officer", lambda s: f"/quality/monitoring/{s.monitoring_return}/"),
        14,
    ),
    (
        "quality:monitoring-setting",
        "QA officer",
        _as("officer", lambda s: f"/quality/monitoring/settings/{s.setting}/"),
        6,
    ),
    (
        "monitoring-return-list",
        "QA officer",
        _as("officer", lambda s: "/api/v1/monitoring-returns/", through_api=True),
        8,
    ),
    (
        "monitoring-return-detail",
        "provider",
        _as(
            "provider",
            lambda s: f"/api/v1/monitoring-returns/{s.monitoring_return}/",
            through_api=True,
        ),
        11,
    ),
]
