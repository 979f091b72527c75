"""The QA visits' navigation entries and the QA officer's dashboard panel (imported from the
app's ready()). The panel's counts are one query (`visit_queue_counts`)."""

from __future__ import annotations

from django.urls import reverse

from fps_portal.accounts.models import Role
from fps_portal.actors import Actor
from fps_portal.context_processors import register_nav
from fps_portal.web.dashboard import Panel, QueueItem, register_panel
from quality.selectors.visits import visit_queue_counts
from quality.visits.access import reads_visits, runs_visits

register_nav(
    "QA visits",
    "quality:visit-programme",
    lambda actor: actor is not None and reads_visits(actor),
)
register_nav(
    "QA visit reports",
    "quality:visit-list",
    lambda actor: actor is not None and actor.is_provider,
)


@register_panel(roles={Role.QA_OFFICER}, order=16)
def qa_visits_panel(actor: Actor) -> Panel | None:
    if not runs_visits(actor):
        return None
    counts = visit_queue_counts(actor)
    return Panel(
        title="QA visits",
        items=[
            QueueItem(
                "Planned visits with no date yet",
                counts["to_schedule"],
                reverse("quality:visit-list") + "?state=planned",
                "Planned for this month or earlier: agree a date with the setting.",
            ),
            QueueItem(
                "Visits to record",
                counts["to_record"],
                reverse("quality:visit-list") + "?state=scheduled",
                "The day has come: write the report.",
            ),
        ],
        description="Your authority's visit programme, ordered by risk.",
    )
