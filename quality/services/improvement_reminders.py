"""The improvement actions' reminders (beat, `quality.remind_improvement_actions`): an open
action reminds its owner once when it is due within `DUE_SOON_DAYS`, and once when it is overdue.
Each stage is stamped on the action with the due date it was for, under the action's lock, and
the notification's key names the action, the stage and the due date: a run repeated or
overlapping sends nothing twice; a reopening with a new due date starts the stages again."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from fps_portal.notifications.services import notify
from quality.models import ActionState, ImprovementAction, ImprovementEventKind, PlanState
from quality.services.improvement_plans import lock_plan, owners_of, plan_url, record_event

DUE_SOON_DAYS = 7


def improvement_actions_remind(*, today: datetime.date | None = None) -> int:
    """Every open action of an open plan due within a week or overdue, not yet reminded for that
    stage; returns the reminders sent."""
    today = today or timezone.localdate()
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    candidates = ImprovementAction.objects.filter(
        state=ActionState.OPEN, plan__state=PlanState.OPEN, due_on__lte=soon
    ).values_list("pk", flat=True)
    return sum(improvement_action_chase(action_id=pk, today=today) for pk in candidates)


@transaction.atomic
def improvement_action_chase(*, action_id: int, today: datetime.date) -> int:
    action = ImprovementAction.objects.select_related("plan").get(pk=action_id)
    plan = lock_plan(action.plan)
    action = ImprovementAction.objects.select_for_update().get(pk=action_id)
    if action.state != ActionState.OPEN or plan.state != PlanState.OPEN:
        return 0
    if action.due_on < today:
        stage, stamp = "overdue", "reminded_overdue_on"
        template = "notifications/improvement_action_overdue"
    elif action.due_on <= today + datetime.timedelta(days=DUE_SOON_DAYS):
        stage, stamp = "due-soon", "reminded_due_soon_on"
        template = "notifications/improvement_action_due_soon"
    else:
        return 0
    if getattr(action, stamp) == action.due_on:
        return 0
    setattr(action, stamp, action.due_on)
    action.save(update_fields=[stamp])
    record_event(
        plan,
        ImprovementEventKind.REMINDED,
        actor=None,
        action=action,
        detail=f"{action.get_owner_display()} reminded: {stage.replace('-', ' ')}.",
    )
    notify(
        recipients=owners_of(plan, action.owner),  # type: ignore[arg-type]
        event_key=f"improvement-action-{stage}:{action.pk}:{action.due_on:%Y%m%d}",
        template=template,
        context={"plan": plan, "action": action, "today": today},
        url=plan_url(plan),
    )
    return 1
