"""The concerns' navigation entry and dashboard panel (imported from the app's ready()). The
counts are the selectors', one query for the panel."""

from __future__ import annotations

from django.urls import reverse

from fps_portal.accounts.models import Role
from fps_portal.actors import Actor
from fps_portal.context_processors import register_nav
from fps_portal.web.dashboard import Panel, QueueItem, register_panel
from quality.concern_permissions import handles_concerns
from quality.selectors.concerns import concern_counts

register_nav(
    "Concerns",
    "quality:concern-list",
    lambda actor: actor is not None and (handles_concerns(actor) or actor.is_provider),
)


@register_panel(
    roles={Role.COMMISSIONER, Role.QA_OFFICER, Role.SENIOR_MANAGER, Role.PROVIDER_USER},
    order=20,
)
def concerns_panel(actor: Actor) -> Panel | None:
    if not (handles_concerns(actor) or actor.is_provider):
        return None
    url = reverse("quality:concern-list")
    open_count, overdue, safety = concern_counts(actor)
    if actor.is_provider:
        return Panel(
            title="Concerns about your settings",
            items=[
                QueueItem(
                    "Open concerns raised with you",
                    open_count,
                    f"{url}?state=open",
                    "A placing authority escalated a concern to you: answer it on its record.",
                )
            ],
        )
    return Panel(
        title="Concerns and escalation",
        items=[
            QueueItem(
                "Immediate safety concerns open",
                safety,
                f"{url}?state=safety",
                "Flagged at once to your safeguarding lead.",
            ),
            QueueItem(
                "Concerns past their stage's due date",
                overdue,
                f"{url}?state=overdue",
                "They escalate by themselves to the next stage.",
            ),
            QueueItem("Open concerns", open_count, f"{url}?state=open"),
        ],
    )
