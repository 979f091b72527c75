"""The improvement plans' pages: the list (the authority's plans for its QA staff, the plans
about its own settings for a provider), a new plan and a new action (QA officers), one plan with
its actions and history (the QA officer closes or reopens it there), one action (its owner marks
it done or comments; the QA officer accepts or reopens it) and the action's evidence file."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from fps_portal.access import page_access
from fps_portal.actors import Actor
from fps_portal.errors import DomainError
from fps_portal.once import address_with_new_key, key_in_address
from fps_portal.scoping import get_scoped_or_404
from fps_portal.web.pages import put_on_form
from providers.models import Setting
from quality.models import ActionOwner, ActionState, ImprovementAction, PlanState
from quality.plan_permissions import PLAN_READERS, QA_OFFICERS, is_qa_officer
from quality.selectors.improvement_plans import (
    STATE_FILTERS,
    action_detail,
    alerts_to_start_from,
    concerns_to_start_from,
    plan_actions,
    plan_detail,
    plan_history,
    plans_for,
    settings_to_plan_for,
    signoffs_to_start_from,
    visits_to_start_from,
)
from quality.services.improvement_actions import (
    action_accept,
    action_comment,
    action_complete,
    action_evidence_downloaded,
    action_reopen,
)
from quality.services.improvement_plans import action_add, plan_close, plan_create, plan_reopen
from quality.views.plan_forms import (
    ORIGIN_SELECTS,
    ActionForm,
    ActionStepForm,
    PlanForm,
    PlanReopenForm,
)

#: Each origin kind's choices for the new-plan page (the actor's own authority's).
ORIGIN_CHOICES = {
    "alert": alerts_to_start_from,
    "signoff": signoffs_to_start_from,
    "visit": visits_to_start_from,
    "concern": concerns_to_start_from,
}


def _posted(request: HttpRequest) -> tuple[object, object]:
    if request.method == "POST":
        return request.POST, request.FILES
    return None, None


@page_access(PLAN_READERS)
def plan_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    state = request.GET.get("state", "")
    if state not in STATE_FILTERS:
        state = ""
    return render(
        request,
        "quality/plan_list.html",
        {
            "plans": list(plans_for(actor, state=state)),
            "state": state,
            "is_officer": is_qa_officer(actor),
            "is_provider": actor.is_provider,
        },
    )


def _asked(request: HttpRequest) -> dict[str, str]:
    """The origin a link to this page chose (a visit's "start a plan from this visit"): only
    pre-selected, so the officer still sees and can change it; the form checks it as any."""
    kind = request.GET.get("origin", "")
    if kind not in ORIGIN_SELECTS:
        return {}
    field = ORIGIN_SELECTS[kind][0]
    return {"origin": kind, field: request.GET.get(field, "")}


@page_access(QA_OFFICERS)
@require_http_methods(["GET", "POST"])
def plan_new(request: HttpRequest, actor: Actor) -> HttpResponse:
    key = key_in_address(request)
    if request.method == "GET" and key is None:
        return redirect(address_with_new_key(request))
    settings = [(s.pk, f"{s.name} ({s.provider.name})") for s in settings_to_plan_for(actor)]
    origins = {kind: choices(actor) for kind, choices in ORIGIN_CHOICES.items()}
    data, _files = _posted(request)
    form = PlanForm(
        data, settings=settings, origins=origins, initial={"submission_key": key, **_asked(request)}
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data.get("setting")
        setting = get_scoped_or_404(Setting, actor, pk=int(chosen)) if chosen else None
        try:
            plan = plan_create(
                actor=actor,
                title=form.cleaned_data["title"],
                cause=form.cleaned_data["cause"],
                origin=form.cleaned_data["origin"],
                setting=setting,
                origin_id=form.origin_id(),
                origin_reason=form.cleaned_data["origin_reason"],
                submission_key=form.cleaned_data.get("submission_key"),
            )
        except DomainError as exc:
            _on_plan_form(exc, form.cleaned_data.get("origin", ""))
            put_on_form(form, exc)
            status = exc.http_status
        else:
            messages.success(request, "Plan agreed. Add its actions.")
            return redirect("quality:improvement-plan", pk=plan.pk)
    if form.errors and status == 200:
        status = 400
    return render(request, "quality/plan_new.html", {"form": form}, status=status)


def _on_plan_form(exc: DomainError, origin: str) -> None:
    """The service names the origin `origin_id`: the page's list for that kind."""
    if "origin_id" in exc.fields:
        name = ORIGIN_SELECTS[origin][0] if origin in ORIGIN_SELECTS else "origin"
        exc.fields[name] = exc.fields.pop("origin_id")


@page_access(PLAN_READERS)
@require_http_methods(["GET", "POST"])
def plan_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """The plan, its actions and history; the QA officer closes it (`do=close`) or reopens it
    (`do=reopen`, with a reason) with the POST."""
    plan = plan_detail(actor, pk)
    form = PlanReopenForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            if request.POST.get("do") == "reopen":
                plan_reopen(actor=actor, plan=plan, reason=form.cleaned_data["reason"])
                done = "Plan reopened. Add its new actions."
            else:
                plan_close(actor=actor, plan=plan)
                done = "Plan closed."
        except DomainError as exc:
            if "plan" in exc.fields:
                exc.fields["reason"] = exc.fields.pop("plan")
            put_on_form(form, exc)
            status = exc.http_status
        else:
            messages.success(request, done)
            return redirect("quality:improvement-plan", pk=plan.pk)
    if form.errors and status == 200:
        status = 400
    actions = plan_actions(actor, plan)
    return render(
        request,
        "quality/plan.html",
        {
            "plan": plan,
            "actions": actions,
            "history": plan_history(actor, plan),
            "form": form,
            "is_officer": is_qa_officer(actor),
            "is_provider": actor.is_provider,
            "today": timezone.localdate(),
            "closable": plan.state == PlanState.OPEN
            and bool(actions)
            and all(a.state == ActionState.ACCEPTED for a in actions),
        },
        status=status,
    )


@page_access(QA_OFFICERS)
@require_http_methods(["GET", "POST"])
def action_new(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    plan = plan_detail(actor, pk)
    key = key_in_address(request)
    if request.method == "GET" and key is None:
        return redirect(address_with_new_key(request))
    form = ActionForm(
        request.POST if request.method == "POST" else None, initial={"submission_key": key}
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            action_add(
                actor=actor,
                plan=plan,
                description=form.cleaned_data["description"],
                owner=form.cleaned_data["owner"],
                due_on=form.cleaned_data.get("due_on"),
                submission_key=form.cleaned_data.get("submission_key"),
            )
        except DomainError as exc:
            put_on_form(form, exc)
            status = exc.http_status
        else:
            messages.success(request, "Action added.")
            return redirect("quality:improvement-plan", pk=plan.pk)
    if form.errors and status == 200:
        status = 400
    return render(
        request, "quality/plan_action_new.html", {"form": form, "plan": plan}, status=status
    )


def _steps(actor: Actor, action: ImprovementAction) -> list[tuple[str, str]]:
    """What the actor may do to the action now (the services check it again)."""
    plan = action.plan
    officer = is_qa_officer(actor) and actor.organisation_id == plan.authority_id
    owner = (
        actor.is_provider if action.owner == ActionOwner.PROVIDER else officer
    ) and plan.state == PlanState.OPEN
    steps = []
    if owner and action.state == ActionState.OPEN:
        steps.append(("completed", "Mark it done, with the evidence"))
    if officer and action.state == ActionState.COMPLETED:
        steps.append(("accept", "Accept the evidence: the action is closed"))
    if officer and action.state != ActionState.OPEN:
        steps.append(("reopen", "Reopen it, with the reason"))
    steps.append(("comment", "Add a comment"))
    return steps


@page_access(PLAN_READERS)
@require_http_methods(["GET", "POST"])
def action_view(request: HttpRequest, actor: Actor, pk: int, action_pk: int) -> HttpResponse:
    action = action_detail(actor, pk, action_pk)
    data, files = _posted(request)
    form = ActionStepForm(data, files, steps=_steps(actor, action))
    status = 200
    if request.method == "POST" and form.is_valid():
        step, text = form.cleaned_data["step"], form.cleaned_data["text"]
        try:
            if step == "completed":
                action_complete(
                    actor=actor,
                    action=action,
                    evidence_text=text,
                    upload=form.cleaned_data.get("evidence_file"),
                )
            elif step == "accept":
                action_accept(actor=actor, action=action)
            elif step == "reopen":
                action_reopen(
                    actor=actor, action=action, reason=text, due_on=form.cleaned_data.get("due_on")
                )
            else:
                action_comment(actor=actor, action=action, text=text)
        except DomainError as exc:
            for name in ("evidence_text", "reason"):
                if name in exc.fields:
                    exc.fields["text"] = exc.fields.pop(name)
            put_on_form(form, exc)
            status = exc.http_status
        else:
            messages.success(request, "Saved.")
            return redirect("quality:improvement-plan", pk=action.plan_id)
    if form.errors and status == 200:
        status = 400
    return render(
        request,
        "quality/plan_action.html",
        {
            "action": action,
            "plan": action.plan,
            "form": form,
            "overdue": action.is_overdue_on(timezone.localdate()),
        },
        status=status,
    )


@page_access(PLAN_READERS)
def action_evidence(request: HttpRequest, actor: Actor, pk: int, action_pk: int) -> FileResponse:
    action = action_detail(actor, pk, action_pk)
    if not action.evidence_file:
        raise Http404("No evidence document.")
    action_evidence_downloaded(actor=actor, action=action)
    response = FileResponse(
        action.evidence_file.open("rb"),
        as_attachment=True,
        filename=action.evidence_filename,
        content_type=action.evidence_content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
