"""The improvement plans' navigation entry and dashboard panel (imported from the app's ready()).
The counts are one query (the selectors' `panel_counts`)."""

from __future__ import annotations

from django.urls import reverse

from fps_portal.accounts.models import Role
from fps_portal.actors import Actor
from fps_portal.context_processors import register_nav
from fps_portal.web.dashboard import Panel, QueueItem, register_panel
from quality.plan_permissions import is_qa_officer, reads_plans_for_authority
from quality.selectors.improvement_plans import panel_counts

register_nav(
    "Improvement plans",
    "quality:improvement-plan-list",
    lambda actor: actor is not None and (actor.is_provider or reads_plans_for_authority(actor)),
)


@register_panel(roles={Role.QA_OFFICER, Role.PROVIDER_USER}, order=20)
def improvement_plans_panel(actor: Actor) -> Panel | None:
    if not (actor.is_provider or is_qa_officer(actor)):
        return None
    url = reverse("quality:improvement-plan-list")
    waiting_count, overdue_count = panel_counts(actor)
    if actor.is_provider:
        waiting = QueueItem(
            "Improvement actions for you to do",
            waiting_count,
            f"{url}?state=open",
            "Mark each done with its evidence by its due date.",
        )
    else:
        waiting = QueueItem(
            "Improvement actions marked done, to review",
            waiting_count,
            f"{url}?state=to_review",
            "Accept the evidence, or reopen the action with a reason.",
        )
    overdue = QueueItem(
        "Overdue improvement actions",
        overdue_count,
        f"{url}?state=overdue",
        "An overdue action raises the setting's place in the visit programme.",
    )
    return Panel(title="Improvement plans", items=[waiting, overdue])
