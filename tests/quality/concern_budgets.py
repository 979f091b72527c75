"""Query budgets of the concerns' routes, for tests/portal/test_query_budgets.py (route, who,
build, queries), each query named. The scene (tests/quality/concern_world.py): three of Sefton's
concerns about Marsh Lane School, one at stage 1, one at stage 2 answered by the provider, one
about the placement at stage 3 with its letter."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fps_portal.accounts.models import User
from quality.services.concern_escalation import concern_escalate
from quality.services.concerns import concern_record
from tests.portal.query_budget_scenes import Call, api, page
from tests.quality.concern_matrix import concern_rows
from tests.quality.concern_world import build


@dataclass
class Scene:
    qa: User
    commissioner: User
    provider: User
    concern: int


def scene() -> Scene:
    world = build()
    world.raise_concern()
    second = world.raise_concern()
    qa = world.actor(world.qa)
    second = concern_escalate(
        actor=qa, concern=second, reason="Unresolved.", provider_contact="Head"
    )
    concern_record(
        actor=world.actor(world.provider_user), concern=second, kind="answered", text="In hand."
    )
    third = concern_rows(authority=world.sefton, setting=world.setting, by=world.commissioner)
    return Scene(
        qa=world.qa,
        commissioner=world.commissioner,
        provider=world.provider_user,
        concern=third["concern"],
    )


def _as(
    who: str, build_path: Callable[[Scene], str], *, through_api: bool = False
) -> Callable[[], Call]:
    def made() -> Call:
        s = scene()
        user = {"qa": s.qa, "commissioner": s.commissioner, "provider": s.provider}[who]
        return (api if through_api else page)(build_path(s), user)

    return made


# Pages: 1-4 are always the session, the user, the otp device and the actor's memberships.
# The list: 5: the concerns with their providers, settings, placements and current due dates.
# One concern (about the setting, no placement): 5: it, with its authority, provider, setting
# and people; 6 (staff only): the safeguarding leads named; then its stages with their letters
# and openers, and their entries with who wrote them (the provider's: 6 and 7).
# API: 1: the token with its user; 2: the actor's memberships; 3: the page of concerns (or the
# one) with their authority, provider, setting and placement; 4: their stages with the letters;
# 5: their entries.
CONCERN_BUDGETS: list[tuple[str, str, Callable[[], Call], int]] = [
    ("quality:concern-list", "QA officer", _as("qa", lambda s: "/quality/concerns/"), 5),
    ("quality:concern-list", "provider", _as("provider", lambda s: "/quality/concerns/"), 5),
    (
        "quality:concern",
        "QA officer",
        _as("qa", lambda s: f"/quality/concerns/{s.concern}/"),
        8,
    ),
    (
        "quality:concern",
        "provider",
        _as("provider", lambda s: f"/quality/concerns/{s.concern}/"),
        7,
    ),
    ("concern-list", "QA officer", _as("qa", lambda s: "/api/v1/concerns/", through_api=True), 5),
    (
        "concern-detail",
        "provider",
        _as("provider", lambda s: f"/api/v1/concerns/{s.concern}/", through_api=True),
        5,
    ),
]
