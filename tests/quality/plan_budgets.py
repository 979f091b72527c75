"""Query budgets of the improvement plans' routes, for tests/portal/test_query_budgets.py (route,
who, build, queries), each query named. The scene: Sefton's plan for Oak House with three
actions (one done, with its evidence), and a second plan for Elm Lodge
(tests/quality/plan_world.py); more rows do not add queries."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fps_portal.accounts.models import User
from quality.services.improvement_actions import action_complete
from tests.portal.query_budget_scenes import Call, api, page
from tests.quality.plan_world import a_plan, actor, an_action, build_world


@dataclass
class Scene:
    qa: User
    provider: User
    plan: int
    action: int


def scene() -> Scene:
    world = build_world()
    plan = a_plan(world)
    actions = [an_action(world, plan) for _ in range(3)]
    action_complete(actor=actor(world.oak_user), action=actions[0], evidence_text="Done.")
    a_plan(world, setting=world.elm_lodge)
    return Scene(qa=world.qa, provider=world.oak_user, plan=plan.pk, action=actions[0].pk)


def _as(
    who: str, build: Callable[[Scene], str], *, through_api: bool = False
) -> Callable[[], Call]:
    def made() -> Call:
        s = scene()
        user = s.provider if who == "provider" else s.qa
        return (api if through_api else page)(build(s), user)

    return made


# Pages: 1-4 are always the session, the user, the otp device and the actor's memberships.
# The list: 5: the plans with their settings, providers, authorities and action counts (one
# query). One plan: 5: it, with its setting, provider, authority and people; 6: its actions
# with their people; 7: its history with the actions and people. One action: 5: it, with its
# plan, setting, provider, authority and who marked it done.
# API: 1: the token with its user; 2: the actor's memberships; 3: the page of plans (or the
# one) with their settings and authorities; 4: their actions; 5: their history. Actions: 3.
PLAN_BUDGETS: list[tuple[str, str, Callable[[], Call], int]] = [
    (
        "quality:improvement-plan-list",
        "QA officer",
        _as("qa", lambda s: "/quality/improvement-plans/"),
        5,
    ),
    (
        "quality:improvement-plan-list",
        "provider",
        _as("provider", lambda s: "/quality/improvement-plans/"),
        5,
    ),
    (
        "quality:improvement-plan",
        "provider",
        _as("provider", lambda s: f"/quality/improvement-plans/{s.plan}/"),
        7,
    ),
    (
        "quality:improvement-action",
        "QA officer",
        _as("qa", lambda s: f"/quality/improvement-plans/{s.plan}/actions/{s.action}/"),
        5,
    ),
    (
        "improvement-plan-list",
        "provider",
        _as("provider", lambda s: "/api/v1/improvement-plans/", through_api=True),
        5,
    ),
    (
        "improvement-plan-detail",
        "QA officer",
        _as("qa", lambda s: f"/api/v1/improvement-plans/{s.plan}/", through_api=True),
        5,
    ),
    (
        "improvement-action-list",
        "provider",
        _as("provider", lambda s: "/api/v1/improvement-actions/", through_api=True),
        3,
    ),
    (
        "improvement-action-detail",
        "QA officer",
        _as("qa", lambda s: f"/api/v1/improvement-actions/{s.action}/", through_api=True),
        3,
    ),
]
