"""The improvement plans' pages' objects for the accessibility gate (tests/browser/pages.py):
Sefton's QA officer's open plan about the demo provider's own setting, with a provider action
still to do (the provider's mark-done form) and one marked done with its evidence (the QA
officer's accept or reopen form)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from fps_portal.accounts.models import User
from providers.models import Setting
from quality.models import ImprovementAction, ImprovementPlan
from quality.services.improvement_actions import action_complete
from quality.services.improvement_plans import action_add, plan_create
from tests.providers.onboarding.factories import actor


def build_plan_pages(*, qa_officer: User, provider_user: User, setting: Setting) -> dict[str, int]:
    plan: ImprovementPlan = plan_create(
        actor=actor(qa_officer),
        title="Safer recruitment",
        cause="Staff files lacked two references each.",
        origin="other",
        origin_reason="Found at a quality visit.",
        setting=setting,
    )
    due = timezone.localdate() + datetime.timedelta(days=14)

    def add(description: str) -> ImprovementAction:
        return action_add(
            actor=actor(qa_officer),
            plan=plan,
            description=description,
            owner="provider",
            due_on=due,
        )

    to_do = add("Audit every staff file for two references.")
    done = add("Train the recruiting managers in safer recruitment.")
    action_complete(
        actor=actor(provider_user), action=done, evidence_text="All six managers trained in May."
    )
    return {"plan": plan.pk, "plan_action_to_do": to_do.pk, "plan_action_done": done.pk}
