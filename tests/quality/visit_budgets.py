"""Query budgets of the QA visit routes, for tests/portal/test_query_budgets.py (route, who,
build, queries), each query named. The scene (tests/quality/visit_world.py): Sefton's children
placed at two settings, one visited (completed, with its findings and summary) and one with a
visit planned."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fps_portal.accounts.models import User
from tests.portal.query_budget_scenes import Call, api, page
from tests.quality.visit_world import build, completed, planned


@dataclass
class Scene:
    qa: User
    provider: User
    other_qa: User
    visit: int
    summary: int


def scene() -> Scene:
    w = build(settings=2)
    visit = completed(w, w.settings[0])
    planned(w, w.settings[1])
    return Scene(
        qa=w.qa,
        provider=w.provider_user,
        other_qa=w.other_qa,
        visit=visit.pk,
        summary=visit.summary.pk,
    )


def _as(who: str, build_path: Callable[[Scene], str], *, through_api: bool = False):
    def made() -> Call:
        s = scene()
        user = {"qa": s.qa, "provider": s.provider, "other": s.other_qa}[who]
        return (api if through_api else page)(build_path(s), user)

    return made


# Pages: 1-4 are always the session, the user, the otp device and the actor's memberships.
# The programme: 5: the authority's active placements by setting; 6-12: one per risk signal
# (band, sign-off, open concerns, overdue improvement actions, alerts, last visit, children
# placed); 13: the settings with their providers; 14: the open visits (the programme's own query
# test: the same count at 1 and 50 settings).
# The list: 5: the visits with their settings, providers and authorities.
# One visit: 5: it, with its setting, provider, authority and people; 6: its findings; 7: its
# report PDF. The summaries: 5: the summaries with their settings, providers and authorities.
# API: 1: the token with its user; 2: the actor's memberships; 3: the page of visits (or the
# one) with their authorities and settings; 4: their findings. Summaries: 3: the page.
VISIT_BUDGETS: list[tuple[str, str, Callable[[], Call], int]] = [
    ("quality:visit-programme", "QA officer", _as("qa", lambda s: "/quality/visit-programme/"), 14),
    ("quality:visit-list", "QA officer", _as("qa", lambda s: "/quality/visits/"), 5),
    ("quality:visit-list", "provider", _as("provider", lambda s: "/quality/visits/"), 5),
    ("quality:visit", "QA officer", _as("qa", lambda s: f"/quality/visits/{s.visit}/"), 7),
    ("quality:visit", "provider", _as("provider", lambda s: f"/quality/visits/{s.visit}/"), 7),
    (
        "quality:visit-summary-list",
        "another authority's QA officer",
        _as("other", lambda s: "/quality/visit-summaries/"),
        5,
    ),
    ("qa-visit-list", "QA officer", _as("qa", lambda s: "/api/v1/qa-visits/", through_api=True), 4),
    (
        "qa-visit-detail",
        "provider",
        _as("provider", lambda s: f"/api/v1/qa-visits/{s.visit}/", through_api=True),
        4,
    ),
    (
        "qa-visit-summary-list",
        "another authority's QA officer",
        _as("other", lambda s: "/api/v1/qa-visit-summaries/", through_api=True),
        3,
    ),
    (
        "qa-visit-summary-detail",
        "another authority's QA officer",
        _as("other", lambda s: f"/api/v1/qa-visit-summaries/{s.summary}/", through_api=True),
        3,
    ),
]
