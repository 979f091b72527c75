"""The rating alerts' navigation entry and dashboard panels (imported from the app's ready()).
Counts are the selectors', one query a panel."""

from __future__ import annotations

from django.urls import reverse

from fps_portal.accounts.models import Role
from fps_portal.actors import Actor
from fps_portal.context_processors import register_nav
from fps_portal.web.dashboard import Panel, QueueItem, register_panel
from quality.permissions import reads_alerts
from quality.selectors.alerts import decisions_waiting, unacknowledged_count

register_nav(
    "Rating alerts",
    "quality:alert-list",
    lambda actor: actor is not None and reads_alerts(actor),
)


@register_panel(roles={Role.SENIOR_MANAGER, Role.LEAD_EVALUATOR}, order=15)
def rating_alerts_panel(actor: Actor) -> Panel | None:
    if not reads_alerts(actor):
        return None
    items = [
        QueueItem(
            "Rating alerts you have not acknowledged",
            unacknowledged_count(actor),
            reverse("quality:alert-list"),
            "A setting where your authority has a child placed had its band lowered.",
        )
    ]
    if actor.is_lead_evaluator:
        items.append(
            QueueItem(
                "Fail bands awaiting the lead authority's decision",
                decisions_waiting(actor).count(),
                reverse("quality:decision-list"),
                "Suspend the provider's membership, or record why not.",
            )
        )
    return Panel(title="Rating alerts", items=items)
