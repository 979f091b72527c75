"""The QA visit pages' objects for the accessibility gate (tests/browser/pages.py): a Sefton
child placed at the provider's setting now (so it is in Sefton's programme), a visit scheduled
for today (the QA officer's schedule and cancel forms, and the record form) and one completed
with its report (what the provider, the senior manager and the commissioner read)."""

from __future__ import annotations

from django.utils import timezone

from fps_portal.accounts.models import User
from providers.models import Setting
from quality.models import AreaRating, VisitKind
from quality.services.visits import visit_complete, visit_plan, visit_schedule
from tests.providers.factories import LotFactory
from tests.quality.visit_world import all_areas, as_actor, place_child


def build_visit_pages(*, qa: User, commissioner: User, setting: Setting) -> dict[str, int]:
    authority = qa.memberships.get(is_active=True).organisation
    place_child(authority, setting, lot=LotFactory(), by=commissioner)
    actor = as_actor(qa)
    today = timezone.localdate()

    def scheduled() -> object:
        visit = visit_plan(
            actor=actor, setting_id=setting.pk, kind=VisitKind.PROGRAMMED, planned_month=today
        )
        return visit_schedule(actor=actor, visit=visit, visit_date=today, visitors="Ravi Shah")

    open_visit = scheduled()
    done = visit_complete(
        actor=actor,
        visit=scheduled(),  # type: ignore[arg-type]
        visit_date=today,
        visitors="Ravi Shah, QA officer",
        findings=all_areas(),
        overall_rating=AreaRating.GOOD,
        main_findings="A calm, well-led school.",
        recommendations="Refresh the behaviour policy.",
        children_views="The children said they feel safe.",
    )
    return {"scheduled_visit": open_visit.pk, "completed_visit": done.pk}  # type: ignore[attr-defined]
