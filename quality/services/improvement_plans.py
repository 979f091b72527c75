"""Improvement plans: a placing authority's QA officer agrees a plan about a setting (with what
caused it), adds its actions, and closes it when every action is accepted (the last acceptance
closes it by itself: `quality.services.improvement_actions`).

Lock order everywhere: the plan, then its action. Every state change goes through
`fps_portal.transitions.transition`, audited in the same transaction; each step is also an
`ImprovementEvent` for the plan's readable history.
"""

from __future__ import annotations

import datetime
import uuid

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from fps_portal.accounts.recipients import provider_users
from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record
from fps_portal.dates import govuk_date
from fps_portal.errors import InvalidInput, NotAllowed, WrongState
from fps_portal.notifications.services import notify
from fps_portal.once import create_once
from fps_portal.scoping import dangerously_unscoped
from fps_portal.transitions import transition
from providers.models import Setting
from quality.models import (
    ORIGIN_FIELDS,
    PLAN_TRANSITIONS,
    ActionOwner,
    ActionState,
    ImprovementAction,
    ImprovementEvent,
    ImprovementEventKind,
    ImprovementPlan,
    PlanOrigin,
    PlanState,
)
from quality.plan_permissions import is_qa_officer, qa_officers_of

TITLE_MISSING = "Enter a title for the plan."
CAUSE_MISSING = "Enter what caused the plan, as the provider will read it."
ORIGIN_MISSING = "Select what caused the plan."
ORIGIN_REASON_MISSING = "Enter why the plan is needed, since nothing on the portal caused it."
ORIGIN_NOT_FOUND: dict[str, str] = {
    PlanOrigin.ALERT: "Select a rating alert your authority was told of.",
    PlanOrigin.SIGNOFF: "Select one of your authority's awards whose RI/Inadequate sign-off "
    "holds the provider's action plan.",
    PlanOrigin.CONCERN: "Select one of your authority's concerns about a setting.",
}
ORIGIN_ELSEWHERE = "The plan's setting must be the setting its origin is about."
SETTING_MISSING = "Select the setting the plan is about."
DESCRIPTION_MISSING = "Enter what is to be done."
OWNER_MISSING = "Select who owns the action: the provider or your authority."
DUE_MISSING = "Enter the date the action is due."
DUE_IN_PAST = "The due date must be today or later."
PLAN_CLOSED = "This plan is closed. Reopen it to add an action."
NOT_ALL_ACCEPTED = "Every action must be accepted before the plan closes."
NO_ACTIONS = "Add at least one action before closing the plan."
PLAN_REOPEN_REASON_MISSING = "Enter why the plan is reopened, so the provider knows."
OFFICERS_ONLY = "Only the placing authority's QA officers manage its improvement plans."


def record_event(
    plan: ImprovementPlan,
    kind: str,
    *,
    actor: Actor | None,
    action: ImprovementAction | None = None,
    detail: str = "",
) -> ImprovementEvent:
    return ImprovementEvent.objects.create(
        plan=plan,
        action=action,
        kind=kind,
        detail=detail,
        by=actor.user if actor is not None and actor.user.pk else None,
    )


def require_officer_of(actor: Actor, plan: ImprovementPlan) -> None:
    if not (is_qa_officer(actor) and actor.organisation_id == plan.authority_id):
        raise NotAllowed(OFFICERS_ONLY)


def lock_plan(plan: ImprovementPlan) -> ImprovementPlan:
    return (
        ImprovementPlan.objects.select_for_update()
        .select_related("setting__provider", "authority")
        .get(pk=plan.pk)
    )


def plan_url(plan: ImprovementPlan) -> str:
    return reverse("quality:improvement-plan", args=[plan.pk])


def owners_of(plan: ImprovementPlan, owner: str) -> object:
    """Who is told about an action: the provider's users, or the authority's QA officers."""
    if owner == ActionOwner.PROVIDER:
        return provider_users(plan.setting.provider_id)
    return qa_officers_of(plan.authority_id)


def _origin_setting(actor: Actor, origin: str, origin_id: int | None) -> int:
    """The setting id of the origin, checked to be the actor's authority's (a stranger's or a
    missing id reads the same)."""
    spec = ORIGIN_FIELDS[origin]
    model = ImprovementPlan._meta.get_field(spec.field).related_model
    found = None
    if origin_id is not None:
        found = (
            dangerously_unscoped(model)  # type: ignore[arg-type]
            .filter(pk=origin_id, **{spec.authority: actor.organisation_id}, **dict(spec.also))
            .values_list(spec.setting, flat=True)
            .first()
        )
    if found is None:
        raise InvalidInput.on_fields({"origin_id": ORIGIN_NOT_FOUND.get(origin, ORIGIN_MISSING)})
    return int(found)


def plan_create(
    *,
    actor: Actor,
    title: str,
    cause: str,
    origin: str,
    setting: Setting | None = None,
    origin_id: int | None = None,
    origin_reason: str = "",
    submission_key: uuid.UUID | None = None,
) -> ImprovementPlan:
    """The QA officer agrees a plan for their authority. With an origin on the portal (an alert,
    a sign-off) the setting is the origin's; with none (`other`) the setting is given and a
    reason is required. Nothing is written when any check fails."""
    if not is_qa_officer(actor) or actor.organisation_id is None:
        raise NotAllowed(OFFICERS_ONLY)
    title, cause, origin_reason = title.strip(), cause.strip(), origin_reason.strip()
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = TITLE_MISSING
    if not cause:
        errors["cause"] = CAUSE_MISSING
    setting_id = setting.pk if setting is not None else None
    if origin == PlanOrigin.OTHER:
        if not origin_reason:
            errors["origin_reason"] = ORIGIN_REASON_MISSING
        if setting_id is None:
            errors["setting"] = SETTING_MISSING
        origin_id = None
    elif origin in ORIGIN_FIELDS:
        try:
            found = _origin_setting(actor, origin, origin_id)
        except InvalidInput as exc:
            errors.update({k: str(v[0]) for k, v in exc.fields.items()})
        else:
            if setting_id is not None and setting_id != found:
                errors["setting"] = ORIGIN_ELSEWHERE
            setting_id = found
        origin_reason = ""
    else:
        errors["origin"] = ORIGIN_MISSING
    if errors:
        raise InvalidInput.on_fields(errors)
    assert setting_id is not None
    authority_id = actor.organisation_id
    if not dangerously_unscoped(Setting).filter(pk=setting_id).exists():
        raise InvalidInput.on_fields({"setting": SETTING_MISSING})
    links: dict[str, int | None] = {f"{spec.field}_id": None for spec in ORIGIN_FIELDS.values()}
    if origin in ORIGIN_FIELDS:
        links[f"{ORIGIN_FIELDS[origin].field}_id"] = origin_id
    with transaction.atomic():

        def create() -> ImprovementPlan:
            return ImprovementPlan.objects.create(
                authority_id=authority_id,
                setting_id=setting_id,
                title=title,
                cause=cause,
                origin=origin,
                origin_reason=origin_reason,
                created_by=actor.user,
                submission_key=submission_key,
                **links,
            )

        plan, created = create_once(
            earlier=ImprovementPlan.objects.filter(authority_id=actor.organisation_id),
            submission_key=submission_key,
            create=create,
        )
        if not created:
            return plan
        audit_record(
            actor=actor,
            verb=AuditVerb.CREATED,
            obj=plan,
            after={"title": title, "setting_id": setting_id, "origin": origin, **links},
        )
        record_event(plan, ImprovementEventKind.CREATED, actor=actor, detail=title)
        plan = lock_plan(plan)
        notify(
            recipients=provider_users(plan.setting.provider_id),
            event_key=f"improvement-plan-created:{plan.pk}",
            template="notifications/improvement_plan_created",
            context={"plan": plan},
            url=plan_url(plan),
        )
    return plan


def action_add(
    *,
    actor: Actor,
    plan: ImprovementPlan,
    description: str,
    owner: str,
    due_on: datetime.date | None,
    submission_key: uuid.UUID | None = None,
) -> ImprovementAction:
    """The QA officer adds an action to an open plan: what, who owns it, by when (today or
    later). The owner is told."""
    require_officer_of(actor, plan)
    description = description.strip()
    errors: dict[str, str] = {}
    if not description:
        errors["description"] = DESCRIPTION_MISSING
    if owner not in ActionOwner.values:
        errors["owner"] = OWNER_MISSING
    if due_on is None:
        errors["due_on"] = DUE_MISSING
    elif due_on < timezone.localdate():
        errors["due_on"] = DUE_IN_PAST
    if errors:
        raise InvalidInput.on_fields(errors)
    assert due_on is not None
    with transaction.atomic():
        locked = lock_plan(plan)
        earlier = ImprovementAction.objects.filter(plan=locked)
        if submission_key is not None and (twin := earlier.filter(submission_key=submission_key)):
            return twin.get()
        if locked.state != PlanState.OPEN:
            raise WrongState(PLAN_CLOSED)
        action, created = create_once(
            earlier=earlier,
            submission_key=submission_key,
            create=lambda: ImprovementAction.objects.create(
                plan=locked,
                description=description,
                owner=owner,
                due_on=due_on,
                submission_key=submission_key,
            ),
        )
        if not created:
            return action
        audit_record(
            actor=actor,
            verb=AuditVerb.CREATED,
            obj=action,
            after={"plan_id": locked.pk, "owner": owner, "due_on": due_on.isoformat()},
        )
        record_event(
            locked,
            ImprovementEventKind.ACTION_ADDED,
            actor=actor,
            action=action,
            detail=f"{description} ({action.get_owner_display()}, due {govuk_date(due_on)}).",
        )
        if owner == ActionOwner.PROVIDER:
            notify(
                recipients=provider_users(locked.setting.provider_id),
                event_key=f"improvement-action-added:{action.pk}",
                template="notifications/improvement_action_added",
                context={"plan": locked, "action": action},
                url=plan_url(locked),
            )
    return action


def close_plan(plan: ImprovementPlan, *, actor: Actor | None, by_hand: bool) -> None:
    """Closes the locked plan once every action is accepted; tells the provider."""
    transition(
        plan,
        to=PlanState.CLOSED,
        table=PLAN_TRANSITIONS,
        event="closed",
        by=actor.user if actor is not None else None,
        what="improvement plan",
        actor=actor,
        reason="Closed by the QA officer." if by_hand else "Every action accepted.",
    )
    record_event(
        plan,
        ImprovementEventKind.CLOSED,
        actor=actor,
        detail="Closed by the QA officer." if by_hand else "Every action was accepted.",
    )
    notify(
        recipients=provider_users(plan.setting.provider_id),
        event_key=f"improvement-plan-closed:{plan.pk}:{plan.closed_at:%Y%m%d%H%M%S%f}",
        template="notifications/improvement_plan_closed",
        context={"plan": plan},
        url=plan_url(plan),
    )


def plan_reopen(*, actor: Actor, plan: ImprovementPlan, reason: str) -> ImprovementPlan:
    """The QA officer opens a closed plan again to add to it (a follow-up visit found more to
    do), with the reason the provider reads."""
    require_officer_of(actor, plan)
    reason = reason.strip()
    if not reason:
        raise InvalidInput.on_fields({"reason": PLAN_REOPEN_REASON_MISSING})
    with transaction.atomic():
        locked = lock_plan(plan)
        reopen_plan(locked, actor=actor, reason=reason)
    return locked


def reopen_plan(plan: ImprovementPlan, *, actor: Actor, reason: str) -> None:
    transition(
        plan,
        to=PlanState.OPEN,
        table=PLAN_TRANSITIONS,
        event="reopened",
        what="improvement plan",
        actor=actor,
        reason=reason,
    )
    record_event(plan, ImprovementEventKind.PLAN_REOPENED, actor=actor, detail=reason)


def plan_close(*, actor: Actor, plan: ImprovementPlan) -> ImprovementPlan:
    """The QA officer closes a plan whose every action is accepted. The last acceptance closes
    a plan by itself; this closes one reopened to add to it when nothing more was needed."""
    require_officer_of(actor, plan)
    with transaction.atomic():
        locked = lock_plan(plan)
        if locked.state != PlanState.OPEN:
            raise WrongState("This plan is closed already.")
        states = list(locked.actions.values_list("state", flat=True))
        if not states:
            raise InvalidInput.on_fields({"plan": NO_ACTIONS})
        if any(state != ActionState.ACCEPTED for state in states):
            raise InvalidInput.on_fields({"plan": NOT_ALL_ACCEPTED})
        close_plan(locked, actor=actor, by_hand=True)
    return locked
