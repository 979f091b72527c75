"""Monitoring's navigation entry and dashboard panel (imported from the app's ready()), for
providers and authorities' QA officers. Both counts come from one query (`panel_counts`)."""

from __future__ import annotations

from django.urls import reverse

from fps_portal.accounts.models import Role
from fps_portal.actors import Actor
from fps_portal.context_processors import register_nav
from fps_portal.web.dashboard import Panel, QueueItem, register_panel
from quality.monitoring_scope_rules import monitors
from quality.selectors.monitoring import panel_counts

register_nav(
    "Monitoring returns",
    "quality:monitoring-return-list",
    lambda actor: actor is not None and (actor.is_provider or monitors(actor)),
)


@register_panel(roles={Role.QA_OFFICER, Role.PROVIDER_USER}, order=25)
def monitoring_panel(actor: Actor) -> Panel | None:
    url = reverse("quality:monitoring-return-list")
    if not (actor.is_provider or monitors(actor)):
        return None
    waiting, overdue = panel_counts(actor)
    if actor.is_provider:
        items = [
            QueueItem(
                "Monitoring returns to send",
                waiting,
                f"{url}?state=with_provider",
                "Each quarter's figures for your settings and the children placed with you.",
            ),
            QueueItem(
                "Overdue monitoring returns",
                overdue,
                f"{url}?state=overdue",
                "Past their due date: send them as soon as you can.",
            ),
        ]
    else:
        items = [
            QueueItem(
                "Monitoring returns to review",
                waiting,
                f"{url}?state=to_review",
                "Rate each provider's return for your placements, or return it for correction.",
            ),
            QueueItem(
                "Overdue monitoring returns",
                overdue,
                f"{url}?state=overdue",
                "Providers that have not sent their return by its due date.",
            ),
        ]
    return Panel(title="Quarterly monitoring", items=items)
