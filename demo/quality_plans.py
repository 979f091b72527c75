"""Demo data for improvement plans (issue 14), made through the quality services: Sefton's QA
officer (qa@sefton.example) has agreed an open plan for Mersey Vale School, where Sefton has its
active placement, after the November Ofsted file lowered its band (the rating alert
demo/quality_import.py raises; "something else" if that alert is not there). It has two actions:
the provider's safeguarding training, overdue (its due date moved into the past as the passing
of time would: the service refuses a past date), and Sefton's own follow-up visit, due next
month. business@merseyvale.example sees the plan and the overdue action on its dashboard.
Idempotent: the plan and each action are made with fixed submission keys."""

from __future__ import annotations

import datetime
import uuid

from django.db import transaction
from django.utils import timezone

from demo.guard import require_demo_data_allowed
from fps_portal.accounts.models import User
from fps_portal.actors import actor_for_user
from fps_portal.scoping import dangerously_unscoped
from providers.models import Setting
from quality.models import ActionOwner, AlertRecipient, ImprovementAction, PlanOrigin
from quality.services.improvement_plans import action_add, plan_create

QA_OFFICER = "qa@sefton.example"
SETTING = "Mersey Vale School"
PLAN_KEY = uuid.uuid5(uuid.NAMESPACE_URL, "demo:quality:plan:mersey-vale")
TRAINING_KEY = uuid.uuid5(uuid.NAMESPACE_URL, "demo:quality:plan:mersey-vale:training")
VISIT_KEY = uuid.uuid5(uuid.NAMESPACE_URL, "demo:quality:plan:mersey-vale:visit")
OVERDUE_BY_DAYS = 5


@transaction.atomic
def load_improvement_plans() -> None:
    require_demo_data_allowed()
    user = User.objects.filter(email=QA_OFFICER).first()
    setting = Setting.objects.filter(name=SETTING).first()
    actor = actor_for_user(user) if user is not None else None
    if actor is None or setting is None:
        return
    alert_id = (
        dangerously_unscoped(AlertRecipient)
        .filter(authority_id=actor.organisation_id, alert__setting=setting)
        .values_list("alert_id", flat=True)
        .first()
    )
    today = timezone.localdate()
    plan = plan_create(
        actor=actor,
        title="Safeguarding after the November inspection",
        cause="Ofsted judged safeguarding ineffective in November: staff training in "
        "safeguarding was out of date and the single central record was incomplete.",
        origin=PlanOrigin.ALERT if alert_id else PlanOrigin.OTHER,
        origin_id=alert_id,
        setting=None if alert_id else setting,
        origin_reason="" if alert_id else "Ofsted's November inspection of the school.",
        submission_key=PLAN_KEY,
    )
    training = action_add(
        actor=actor,
        plan=plan,
        description="Bring every member of staff's safeguarding training up to date and send "
        "the training record.",
        owner=ActionOwner.PROVIDER,
        due_on=today,
        submission_key=TRAINING_KEY,
    )
    if training.due_on >= today and not training.reminded_overdue_on:
        ImprovementAction.objects.filter(pk=training.pk).update(
            due_on=today - datetime.timedelta(days=OVERDUE_BY_DAYS)
        )
    action_add(
        actor=actor,
        plan=plan,
        description="Sefton's follow-up quality visit to check the single central record.",
        owner=ActionOwner.AUTHORITY,
        due_on=today + datetime.timedelta(days=30),
        submission_key=VISIT_KEY,
    )
