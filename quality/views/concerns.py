"""The concerns' pages: the list (the authority's own; the provider's own from stage 2), raising
one, one concern with its stages and their record, recording on it (the provider answers),
escalating, closing with the outcome for the child, and the stage 3 letter's download."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from contracts.models import Agreement
from fps_portal.access import page_access
from fps_portal.actors import Actor
from fps_portal.errors import DomainError
from fps_portal.web.pages import put_on_form
from quality.concern_permissions import CONCERN_READERS, CONCERN_STAFF, handles_concerns
from quality.models import LAST_STAGE, Concern, ConcernState, EntryKind
from quality.plan_permissions import is_qa_officer
from quality.selectors.concerns import (
    STATE_FILTERS,
    concern_detail,
    concern_placement,
    concern_stages,
    concerns_for,
    letter_for_download,
    placements_to_choose,
    providers_to_choose,
    settings_to_choose,
)
from quality.services.concern_escalation import concern_escalate
from quality.services.concern_letters import concern_letter_downloaded
from quality.services.concern_reading import concern_placement_viewed
from quality.services.concern_recipients import safeguarding_contacts
from quality.services.concerns import concern_close, concern_raise, concern_record
from quality.views.concern_forms import (
    ConcernCloseForm,
    ConcernEscalateForm,
    ConcernRaiseForm,
    ConcernRecordForm,
)
from referrals.scope_rules import places_children


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


@page_access(CONCERN_READERS)
@require_GET
def concern_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    state = request.GET.get("state", "")
    if state not in STATE_FILTERS:
        state = ""
    return render(
        request,
        "quality/concern_list.html",
        {
            "concerns": list(concerns_for(actor, state=state)[:200]),
            "state": state,
            "today": timezone.localdate(),
            "staff": handles_concerns(actor),
        },
    )


def _chosen(value: str, options: list[Any]) -> Any:
    """The row picked from the form's own choices, or None."""
    return next((o for o in options if str(o.pk) == value), None)


@page_access(CONCERN_STAFF)
@require_http_methods(["GET", "POST"])
def concern_new(request: HttpRequest, actor: Actor) -> HttpResponse:
    placements = placements_to_choose(actor) if places_children(actor) else []
    settings, providers = settings_to_choose(actor), providers_to_choose(actor)
    form = ConcernRaiseForm(
        _posted(request), placements=placements, settings=settings, providers=providers
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            concern = concern_raise(
                actor=actor,
                agreement=_chosen(data.get("agreement") or "", placements),
                setting=_chosen(data.get("setting") or "", settings),
                provider=_chosen(data.get("provider") or "", providers),
                category=data["category"],
                summary=data["summary"],
                description=data["description"],
                immediate_safety=data["immediate_safety"] == "yes",
                source=data["source"] or "practitioner",
                raised_by_name=data["raised_by_name"],
                raised_by_role=data["raised_by_role"],
                raised_by_contact=data["raised_by_contact"],
                timescale_days=data["timescale_days"],
                submission_key=data.get("submission_key"),
            )
        except DomainError as exc:
            if "about" in exc.fields:
                exc.fields["setting"] = exc.fields.pop("about")
            put_on_form(form, exc)
            status = exc.http_status
        else:
            done = "Concern raised."
            if concern.immediate_safety:
                done += " The safeguarding lead has been told at once."
            messages.success(request, done)
            return redirect("quality:concern", pk=concern.pk)
    if form.errors and status == 200:
        status = 400
    return render(request, "quality/concern_new.html", {"form": form}, status=status)


def _page(request: HttpRequest, actor: Actor, concern: Concern, **extra: Any) -> dict[str, Any]:
    placement: Agreement | None = concern_placement(actor, concern)
    if placement is not None and placement.child_id is not None:
        concern_placement_viewed(
            actor=actor, agreement=placement, concern_id=concern.pk, how=request.path
        )
    staff = handles_concerns(actor)
    named = safeguarding_contacts(concern.authority_id)[1] if staff else True
    stages = concern_stages(actor, concern)
    current = stages[-1] if stages else None
    return {
        "concern": concern,
        "stages": stages,
        "current": current,
        "placement": placement,
        "staff": staff,
        "is_open": concern.state == ConcernState.OPEN,
        "can_escalate": staff and concern.is_open and concern.stage < LAST_STAGE,
        "overdue": current is not None
        and concern.is_open
        and current.due_on < timezone.localdate(),
        "no_safeguarding_lead": not named,
        # Plans are the QA officers'; one needs a setting, which a concern about a provider lacks.
        "starts_plans": is_qa_officer(actor) and concern.setting_id is not None,
        "partnership_recorded": current is not None
        and any(e.kind == EntryKind.INFORMED and e.by_id for e in current.entries.all()),
        **extra,
    }


@page_access(CONCERN_READERS)
@require_GET
def concern_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    concern = concern_detail(actor, pk)
    return render(request, "quality/concern.html", _page(request, actor, concern))


def _action_page(
    request: HttpRequest,
    actor: Actor,
    pk: int,
    *,
    form: Any,
    act: Any,
    done: str,
    template: str,
    button: str,
) -> HttpResponse:
    concern = concern_detail(actor, pk)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            act(concern, form.cleaned_data)
        except DomainError as exc:
            put_on_form(form, exc)
            status = exc.http_status
        else:
            messages.success(request, done)
            return redirect("quality:concern", pk=concern.pk)
    if form.errors and status == 200:
        status = 400
    return render(
        request,
        template,
        {"form": form, "concern": concern, "is_open": concern.is_open, "button": button},
        status=status,
    )


@page_access(CONCERN_READERS)
@require_http_methods(["GET", "POST"])
def concern_record_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    def act(concern: Concern, data: dict[str, Any]) -> None:
        kind = EntryKind.ANSWERED if actor.is_provider else data.get("kind") or ""
        concern_record(actor=actor, concern=concern, kind=kind, text=data.get("text") or "")

    return _action_page(
        request,
        actor,
        pk,
        form=ConcernRecordForm(_posted(request), provider=actor.is_provider),
        act=act,
        done="Answer sent." if actor.is_provider else "Recorded on the current stage.",
        template="quality/concern_record.html",
        button="Send the answer" if actor.is_provider else "Save the record",
    )


@page_access(CONCERN_STAFF)
@require_http_methods(["GET", "POST"])
def concern_escalate_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    def act(concern: Concern, data: dict[str, Any]) -> None:
        concern_escalate(
            actor=actor,
            concern=concern,
            reason=data.get("reason") or "",
            timescale_days=data.get("timescale_days"),
            provider_contact=data.get("provider_contact") or "",
            informed=data.get("informed") or "",
        )

    return _action_page(
        request,
        actor,
        pk,
        form=ConcernEscalateForm(_posted(request)),
        act=act,
        done="Concern escalated. The people concerned have been told.",
        template="quality/concern_escalate.html",
        button="Escalate the concern",
    )


@page_access(CONCERN_STAFF)
@require_http_methods(["GET", "POST"])
def concern_close_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    def act(concern: Concern, data: dict[str, Any]) -> None:
        concern_close(
            actor=actor, concern=concern, outcome_for_child=data.get("outcome_for_child") or ""
        )

    return _action_page(
        request,
        actor,
        pk,
        form=ConcernCloseForm(_posted(request)),
        act=act,
        done="Concern closed with the outcome for the child.",
        template="quality/concern_close.html",
        button="Close the concern",
    )


@page_access(CONCERN_READERS)
@require_GET
def concern_letter_download(request: HttpRequest, actor: Actor, pk: int) -> FileResponse:
    letter = letter_for_download(actor, pk)
    concern_letter_downloaded(actor=actor, letter=letter)
    response = FileResponse(
        letter.file.open("rb"),
        as_attachment=True,
        filename=f"concern-{letter.stage.concern_id}-letter-of-escalation.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
