"""Demo data for QA visits (issue 14), made through the quality services as Sefton's QA officer
(qa@sefton.example): the visit programme lists the settings where Sefton has children placed now;
the riskiest (Mersey Vale School, lowered to fail by the demo's Ofsted import, if it is there)
has a programmed visit completed two weeks ago with its report (every area rated, the children's
views, recommendations; its summary shared with the region), and each other setting has a visit
planned for next month. Idempotent: each visit is planned with a fixed submission key, and is
scheduled and completed only while it is not yet."""

from __future__ import annotations

import datetime
import uuid

from django.utils import timezone

from fps_portal.accounts.models import User
from fps_portal.actors import actor_for_user
from quality.models import AreaRating, QaVisit, VisitArea, VisitKind, VisitState
from quality.selectors.visits import programme_for
from quality.services.visits import AreaFinding, visit_complete, visit_plan, visit_schedule

QA_EMAIL = "qa@sefton.example"

FINDINGS = {
    VisitArea.FEEDBACK: (
        AreaRating.GOOD,
        "Parents we spoke to praised communication; two asked for more notice of trips.",
    ),
    VisitArea.INSPECTIONS: (
        AreaRating.REQUIRES_IMPROVEMENT,
        "The latest Ofsted report's actions on safeguarding records are under way, not finished.",
    ),
    VisitArea.POLICIES: (
        AreaRating.REQUIRES_IMPROVEMENT,
        "The behaviour policy predates the new restraint guidance and needs refreshing.",
    ),
    VisitArea.PREMISES: (AreaRating.GOOD, "Clean, calm, with a sensory room in daily use."),
    VisitArea.STAFF: (
        AreaRating.GOOD,
        "Training matrix up to date; all staff trained in de-escalation this year.",
    ),
    VisitArea.OUTCOMES: (
        AreaRating.GOOD,
        "Progress towards EHC plan outcomes tracked termly; fees in line with the region.",
    ),
}


def _key(name: str) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"demo:quality:visit:{name}")


def _next_month(today: datetime.date) -> datetime.date:
    return (today.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def load_qa_visits() -> None:
    user = User.objects.filter(email=QA_EMAIL).first()
    actor = actor_for_user(user) if user is not None else None
    if actor is None or actor.organisation is None:
        return
    rows = programme_for(actor)
    if not rows:
        return
    today = timezone.localdate()
    first, rest = rows[0], rows[1:]
    visit = visit_plan(
        actor=actor,
        setting_id=first.setting.pk,
        kind=VisitKind.PROGRAMMED,
        planned_month=today,
        submission_key=_key(f"completed:{first.setting.urn}"),
    )
    if visit.state == VisitState.PLANNED:
        visit = visit_schedule(
            actor=actor, visit=visit, visit_date=today, visitors="Ravi Shah, QA officer"
        )
    if visit.state == VisitState.SCHEDULED:
        _complete(actor, visit, today - datetime.timedelta(days=14))
    for row in rest:
        visit_plan(
            actor=actor,
            setting_id=row.setting.pk,
            kind=VisitKind.PROGRAMMED,
            planned_month=_next_month(today),
            submission_key=_key(f"planned:{row.setting.urn}"),
        )


def _complete(actor: object, visit: QaVisit, on: datetime.date) -> None:
    visit_complete(
        actor=actor,  # type: ignore[arg-type]
        visit=visit,
        visit_date=on,
        visitors="Ravi Shah, QA officer\nSefton commissioning officer",
        findings={area: AreaFinding(*FINDINGS[VisitArea(area)]) for area in VisitArea.values},
        overall_rating=AreaRating.REQUIRES_IMPROVEMENT,
        main_findings=(
            "A caring school with strong therapy and staff training. The Ofsted safeguarding "
            "actions are not finished and the behaviour policy needs refreshing."
        ),
        recommendations=(
            "1. Finish the Ofsted safeguarding actions by the end of next term.\n"
            "2. Refresh the behaviour policy against the restraint guidance."
        ),
        children_views=(
            "The children we met said they feel safe and like the sensory room; one said "
            "lunchtimes are too noisy."
        ),
    )
