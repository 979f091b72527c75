"""The improvement plans' part of the authorisation matrix's world (tests/portal/matrix_world.py):
for each side, authority A's plan about provider X's setting ("X") or authority B's about
provider Y's ("Y"), with one provider-owned action, written as the rows they are: open again
after a reopening, so it keeps its evidence (text and a file) and an accept is refused (409).
- improvement_plan: the plan;
- improvement_action: the action, with its plan's id (the nested page routes);
- plan_action: the action alone (the API's improvement-actions/ routes).
"""

from __future__ import annotations

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from fps_portal.accounts.models import Organisation
from providers.models import Setting
from quality.models import ImprovementAction, ImprovementEvent, ImprovementPlan

KINDS = ("improvement_plan", "improvement_action", "plan_action")


def build_plan_side(*, authority: Organisation, setting: Setting) -> dict[str, int]:
    plan = ImprovementPlan.objects.create(
        authority=authority,
        setting=setting,
        title="Matrix plan",
        cause="Matrix.",
        origin="other",
        origin_reason="Matrix.",
    )
    action = ImprovementAction.objects.create(
        plan=plan,
        description="Matrix action",
        owner="provider",
        due_on=timezone.localdate() + datetime.timedelta(days=14),
        evidence_text="Sent before it was reopened.",
        evidence_file=ContentFile(b"%PDF-1.4\n% matrix\n%%EOF\n", name="evidence.pdf"),
        evidence_filename="evidence.pdf",
        evidence_content_type="application/pdf",
    )
    ImprovementEvent.objects.create(plan=plan, kind="created", detail="Matrix.")
    return {"improvement_plan": plan.pk, "improvement_action": action.pk, "plan_action": action.pk}


def build_api_plan(*, qa_officer: object, setting: Setting) -> dict[str, int]:
    """The API gates' plan (tests/api/world.py): the QA officer's authority's, about `setting`."""
    from fps_portal.accounts.models import User

    assert isinstance(qa_officer, User)
    authority = qa_officer.memberships.get().organisation
    ids = build_plan_side(authority=authority, setting=setting)
    return {"improvement_plan": ids["improvement_plan"], "improvement_action": ids["plan_action"]}
