"""An improvement action's steps: its owner (the provider's users, or the authority's QA
officers) marks it done with the evidence of completion or comments on it; the QA officer
accepts the evidence or reopens the action with a reason. The last acceptance closes the plan;
reopening an action of a closed plan opens the plan again.

Lock order: the plan, then the action; so two officers accepting the last two actions at once
queue, and the second sees every action accepted and closes the plan once; two acceptances of
the same action: the second waits, then is refused (a decision stands).
"""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record
from fps_portal.dates import govuk_date
from fps_portal.errors import InvalidInput, NotAllowed, WrongState
from fps_portal.notifications.services import notify
from fps_portal.transitions import transition
from providers.uploads import check_upload
from quality.models import (
    ACTION_TRANSITIONS,
    ActionOwner,
    ActionState,
    ImprovementAction,
    ImprovementEventKind,
    ImprovementPlan,
    PlanState,
)
from quality.plan_permissions import is_qa_officer, qa_officers_of
from quality.services.improvement_plans import (
    DUE_IN_PAST,
    close_plan,
    lock_plan,
    owners_of,
    plan_url,
    record_event,
    reopen_plan,
    require_officer_of,
)

EVIDENCE_MISSING = "Enter the evidence that the action is done: what was done, and where it shows."
COMMENT_MISSING = "Enter your comment."
REOPEN_REASON_MISSING = "Enter why the action is reopened, so its owner can put it right."
NOT_THE_OWNER: dict[str, str] = {
    ActionOwner.PROVIDER: "This action is the provider's: only its users mark it done.",
    ActionOwner.AUTHORITY: "This action is the placing authority's: only its QA officers mark it "
    "done.",
}
NOT_OPEN = "This action is not open, so it cannot be marked done now."
NOT_COMPLETED = "This action has not been marked done, so there is nothing to accept."
ALREADY_OPEN = "This action is open already."
NOT_A_PARTY = "Only the provider and the placing authority's QA officers comment on a plan."


def _lock(action: ImprovementAction) -> tuple[ImprovementPlan, ImprovementAction]:
    plan = lock_plan(action.plan)
    return plan, ImprovementAction.objects.select_for_update().get(pk=action.pk)


def _is_provider_of(actor: Actor, plan: ImprovementPlan) -> bool:
    return actor.is_provider and actor.organisation_id == plan.setting.provider_id


def _acts_as_owner(actor: Actor, plan: ImprovementPlan, action: ImprovementAction) -> bool:
    if action.owner == ActionOwner.PROVIDER:
        return _is_provider_of(actor, plan)
    return is_qa_officer(actor) and actor.organisation_id == plan.authority_id


def _tell(
    plan: ImprovementPlan, action: ImprovementAction, *, recipients: object, key: str, template: str
) -> None:
    notify(
        recipients=recipients,  # type: ignore[arg-type]
        event_key=key,
        template=template,
        context={"plan": plan, "action": action},
        url=plan_url(plan),
        send_email=False,
    )


def action_complete(
    *,
    actor: Actor,
    action: ImprovementAction,
    evidence_text: str,
    upload: UploadedFile | None = None,
) -> ImprovementAction:
    """The owner marks the action done with the evidence (text, and a file if given, checked as
    every upload is and stored privately). The QA officers are told, to review it."""
    evidence_text = evidence_text.strip()
    errors: dict[str, list[str]] = {}
    if not evidence_text:
        errors["evidence_text"] = [EVIDENCE_MISSING]
    checked = None
    if upload is not None:
        try:
            checked = check_upload(upload, field="evidence_file")
        except InvalidInput as exc:
            errors.update(exc.fields)
    with transaction.atomic():
        plan, locked = _lock(action)
        if not _acts_as_owner(actor, plan, locked):
            raise NotAllowed(NOT_THE_OWNER[locked.owner])
        if locked.state != ActionState.OPEN:
            raise WrongState(NOT_OPEN)
        if errors:
            raise InvalidInput.on_fields(errors)
        fields: dict[str, object] = {"evidence_text": evidence_text}
        if checked is not None and upload is not None:
            # The file is stored first (a FieldFile is no audit value); its name is audited.
            locked.evidence_file.save("evidence.bin", upload, save=False)
            locked.evidence_content_type = checked.content_type
            locked.save(update_fields=["evidence_file", "evidence_content_type"])
            fields["evidence_filename"] = checked.original_filename
        transition(
            locked,
            to=ActionState.COMPLETED,
            table=ACTION_TRANSITIONS,
            event="completed",
            by=actor.user,
            also=fields,
            what="action",
            actor=actor,
            reason=evidence_text,
        )
        record_event(
            plan, ImprovementEventKind.COMPLETED, actor=actor, action=locked, detail=evidence_text
        )
        _tell(
            plan,
            locked,
            recipients=qa_officers_of(plan.authority_id),
            key=f"improvement-action-completed:{locked.pk}:{locked.completed_at:%Y%m%d%H%M%S%f}",
            template="notifications/improvement_action_completed",
        )
    return locked


def action_comment(*, actor: Actor, action: ImprovementAction, text: str) -> ImprovementAction:
    """The provider or the authority's QA officer writes on the action's history (progress,
    a question); the other party is told."""
    text = text.strip()
    if not text:
        raise InvalidInput.on_fields({"text": COMMENT_MISSING})
    with transaction.atomic():
        plan, locked = _lock(action)
        from_provider = _is_provider_of(actor, plan)
        if not from_provider:
            try:
                require_officer_of(actor, plan)
            except NotAllowed:
                raise NotAllowed(NOT_A_PARTY) from None
        event = record_event(
            plan, ImprovementEventKind.COMMENTED, actor=actor, action=locked, detail=text
        )
        _tell(
            plan,
            locked,
            recipients=qa_officers_of(plan.authority_id)
            if from_provider
            else owners_of(plan, ActionOwner.PROVIDER),
            key=f"improvement-action-comment:{event.pk}",
            template="notifications/improvement_action_commented",
        )
    return locked


def action_accept(*, actor: Actor, action: ImprovementAction) -> ImprovementAction:
    """The QA officer accepts the evidence of a completed action; the last acceptance closes
    the plan."""
    with transaction.atomic():
        plan, locked = _lock(action)
        require_officer_of(actor, plan)
        if locked.state != ActionState.COMPLETED:
            raise WrongState(NOT_COMPLETED)
        transition(
            locked,
            to=ActionState.ACCEPTED,
            table=ACTION_TRANSITIONS,
            event="accepted",
            by=actor.user,
            what="action",
            actor=actor,
        )
        record_event(plan, ImprovementEventKind.ACCEPTED, actor=actor, action=locked)
        _tell(
            plan,
            locked,
            recipients=owners_of(plan, locked.owner),
            key=f"improvement-action-accepted:{locked.pk}:{locked.accepted_at:%Y%m%d%H%M%S%f}",
            template="notifications/improvement_action_accepted",
        )
        if (
            plan.state == PlanState.OPEN
            and not plan.actions.exclude(state=ActionState.ACCEPTED).exists()
        ):
            close_plan(plan, actor=actor, by_hand=False)
    return locked


def action_reopen(
    *,
    actor: Actor,
    action: ImprovementAction,
    reason: str,
    due_on: datetime.date | None = None,
) -> ImprovementAction:
    """The QA officer reopens a completed or accepted action with the reason its owner reads,
    and a new due date if given (today or later; the reminders then start again). A closed plan
    opens again with it."""
    reason = reason.strip()
    errors: dict[str, str] = {}
    if not reason:
        errors["reason"] = REOPEN_REASON_MISSING
    if due_on is not None and due_on < timezone.localdate():
        errors["due_on"] = DUE_IN_PAST
    with transaction.atomic():
        plan, locked = _lock(action)
        require_officer_of(actor, plan)
        if locked.state == ActionState.OPEN:
            raise WrongState(ALREADY_OPEN)
        if errors:
            raise InvalidInput.on_fields(errors)
        also: dict[str, object] = {}
        if due_on is not None and due_on != locked.due_on:
            also = {"due_on": due_on, "reminded_due_soon_on": None, "reminded_overdue_on": None}
        transition(
            locked,
            to=ActionState.OPEN,
            table=ACTION_TRANSITIONS,
            event="reopened",
            by=actor.user,
            also=also,
            what="action",
            actor=actor,
            reason=reason,
        )
        detail = reason if not also else f"{reason} Now due {govuk_date(locked.due_on)}."
        record_event(plan, ImprovementEventKind.REOPENED, actor=actor, action=locked, detail=detail)
        if plan.state == PlanState.CLOSED:
            reopen_plan(plan, actor=actor, reason=f"An action was reopened: {reason}")
        _tell(
            plan,
            locked,
            recipients=owners_of(plan, locked.owner),
            key=f"improvement-action-reopened:{locked.pk}:{locked.reopened_at:%Y%m%d%H%M%S%f}",
            template="notifications/improvement_action_reopened",
        )
    return locked


def action_evidence_downloaded(*, actor: Actor, action: ImprovementAction) -> None:
    """Downloads of an action's evidence are written to the audit log."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            verb=AuditVerb.DOWNLOADED,
            obj=action,
            reason=action.evidence_filename,
        )
