"""The provider's side of a referral: its invitations, one invitation (the referral's snapshot
only, never the child's record), declining, asking a question, the shared documents
(downloads audited), and its responses per setting (the form, services, attachments, submit,
withdraw and resubmit). Thin views: read through selectors and `scoped()`, write through the
services, and put a service's message on the form."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from fps_portal.access import PROVIDERS, page_access
from fps_portal.actors import Actor
from fps_portal.errors import DomainError
from fps_portal.scoping import get_scoped_or_404
from fps_portal.web.pages import add_problems, put_on_form
from referrals.models import (
    ChildDocument,
    Invitation,
    InvitationState,
    Response,
    ResponseAttachment,
    ResponseService,
    ResponseState,
)
from referrals.selectors.invitations import (
    INVITATION_JOINS,
    indicative_price,
    invitation_view,
    price_list,
    proposable_settings,
    provider_invitations,
    referral_criteria,
    response_detail,
)
from referrals.services.invitations import (
    can_answer,
    invitation_decline,
    invitation_reopen,
    invitation_viewed,
    shared_document_record_download,
)
from referrals.services.questions import question_ask
from referrals.services.response_parts import (
    response_attachment_add,
    response_attachment_record_download,
    response_attachment_remove,
    response_service_add,
    response_service_remove,
)
from referrals.services.response_submission import (
    response_resubmit,
    response_submit,
    response_withdraw,
    submission_problems,
)
from referrals.services.responses import ResponseData, response_start, response_update
from referrals.views.invitations_forms import (
    AttachmentForm,
    DeclineForm,
    QuestionForm,
    ResponseForm,
    ServiceForm,
    StartResponseForm,
    answer_field_name,
)

T = "referrals/invitations/"


def _invitation(actor: Actor, pk: int) -> Invitation:
    return get_scoped_or_404(Invitation, actor, select_related=INVITATION_JOINS, pk=pk)


def _response(actor: Actor, pk: int) -> Response:
    found = response_detail(actor, pk).first()
    if found is None:
        get_scoped_or_404(Response, actor, pk=-1)  # the same 404 as a missing one
    assert found is not None
    return found


def _download(file_field: object, filename: str, content_type: str) -> FileResponse:
    response = FileResponse(
        file_field.open("rb"),  # type: ignore[attr-defined]
        as_attachment=True,
        filename=filename,
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@page_access(PROVIDERS)
def invitation_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    invitations = list(provider_invitations(actor)[:200])
    now = timezone.now()
    rows = [
        {
            "invitation": i,
            "referral": i.referral,
            "drafts": sum(r.state == ResponseState.DRAFT for r in i.responses.all()),
            "submitted": sum(r.state == ResponseState.SUBMITTED for r in i.responses.all()),
            "open": can_answer(i, now=now),
        }
        for i in invitations
    ]
    return render(request, T + "list.html", {"rows": rows})


@page_access(PROVIDERS)
@require_http_methods(["GET", "POST"])
def invitation_detail(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    invitation = _invitation(actor, pk)
    settings = proposable_settings(actor, invitation)
    form = StartResponseForm(request.POST if request.method == "POST" else None, settings=settings)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            response = response_start(
                actor=actor, invitation=invitation, setting=form.cleaned_data["setting"]
            )
        except DomainError as exc:
            put_on_form(form, exc)
            status = exc.http_status
        else:
            return redirect("referrals:response-edit", response.pk)
    elif request.method == "GET":
        invitation_viewed(actor=actor, invitation=invitation)
    view = invitation_view(actor, invitation)
    proposed = {r.setting_id for r in view.responses}
    return render(
        request,
        T + "detail.html",
        {
            "view": view,
            "invitation": invitation,
            "referral": invitation.referral,
            "form": form,
            "can_propose": [s for s in settings if s.pk not in proposed],
            "open": can_answer(invitation),
            "declined": invitation.state == InvitationState.DECLINED,
        },
        status=status if status != 200 else (400 if form.errors else 200),
    )


@page_access(PROVIDERS)
@require_http_methods(["GET", "POST"])
def invitation_decline_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    invitation = _invitation(actor, pk)
    form = DeclineForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            invitation_decline(
                actor=actor,
                invitation=invitation,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except DomainError as exc:
            put_on_form(form, exc)
            status = exc.http_status
        else:
            messages.success(request, f"You declined referral {invitation.referral.reference}.")
            return redirect("referrals:invitation-detail", invitation.pk)
    return render(
        request,
        T + "decline.html",
        {"form": form, "invitation": invitation, "referral": invitation.referral},
        status=status if status != 200 else (400 if form.errors else 200),
    )


@page_access(PROVIDERS)
@require_POST
def invitation_reopen_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    invitation = _invitation(actor, pk)
    try:
        invitation_reopen(actor=actor, invitation=invitation)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "You can respond to this referral again.")
    return redirect("referrals:invitation-detail", invitation.pk)


@page_access(PROVIDERS)
@require_http_methods(["GET", "POST"])
def question_ask_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    invitation = _invitation(actor, pk)
    form = QuestionForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            question_ask(
                actor=actor,
                invitation=invitation,
                question=form.cleaned_data["question"],
                submission_key=form.cleaned_data.get("submission_key"),
            )
        except DomainError as exc:
            put_on_form(form, exc)
            status = exc.http_status
        else:
            messages.success(
                request, "Your question was sent. Every invited provider will see the answer."
            )
            return redirect("referrals:invitation-detail", invitation.pk)
    return render(
        request,
        T + "question.html",
        {"form": form, "invitation": invitation, "referral": invitation.referral},
        status=status if status != 200 else (400 if form.errors else 200),
    )


@page_access(PROVIDERS)
def shared_document_download(
    request: HttpRequest, actor: Actor, pk: int, document_pk: int
) -> FileResponse:
    invitation = _invitation(actor, pk)
    document = get_scoped_or_404(
        ChildDocument, actor, pk=document_pk, shared_with_referrals=invitation.referral_id
    )
    shared_document_record_download(actor=actor, invitation=invitation, document=document)
    return _download(document.file, document.original_filename, document.content_type)


def _response_context(actor: Actor, response: Response, form: ResponseForm) -> dict[str, object]:
    invitation = response.invitation
    referral = invitation.referral
    indicative = indicative_price(response.setting, referral.lot_id)
    answers = {a.criterion_id: a.answer for a in response.answers.all()}
    return {
        "response": response,
        "invitation": invitation,
        "referral": referral,
        "form": form,
        "indicative": indicative,
        "services": list(response.services.all()),
        "answered": [(c.title, answers.get(c.pk, "")) for c in form.criteria],
        "attachments": list(response.attachments.all()),
        "service_form": ServiceForm(price_list=price_list(actor, response.setting)),
        "problems": submission_problems(response, criteria=form.criteria, indicative=indicative)
        if response.state == ResponseState.DRAFT
        else {},
        "open": can_answer(invitation),
        "draft": response.state == ResponseState.DRAFT,
    }


def _initial(response: Response, form_criteria: list) -> dict[str, object]:
    answers = {a.criterion_id: a.answer for a in response.answers.all()}
    initial: dict[str, object] = {
        name: getattr(response, name)
        for name in (
            "weekly_price",
            "price_difference_reason",
            "proposed_start_date",
            "how_needs_met",
            "how_outcomes_met",
            "inspection_judgement",
            "inspection_date",
            "inspection_confirmed",
        )
    }
    for criterion in form_criteria:
        initial[answer_field_name(criterion)] = answers.get(criterion.pk, "")
    return initial


@page_access(PROVIDERS)
@require_http_methods(["GET", "POST"])
def response_edit(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    response = _response(actor, pk)
    criteria = referral_criteria(actor, response.invitation.referral_id)
    form = ResponseForm(
        request.POST if request.method == "POST" else None,
        criteria=criteria,
        initial=_initial(response, criteria),
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            response_update(
                actor=actor,
                response=response,
                data=ResponseData(
                    weekly_price=data["weekly_price"],
                    price_difference_reason=data["price_difference_reason"],
                    proposed_start_date=data["proposed_start_date"],
                    how_needs_met=data["how_needs_met"],
                    how_outcomes_met=data["how_outcomes_met"],
                    inspection_judgement=data["inspection_judgement"],
                    inspection_date=data["inspection_date"],
                    inspection_confirmed=data["inspection_confirmed"],
                    answers={c.pk: data[answer_field_name(c)] for c in criteria},
                ),
            )
        except DomainError as exc:
            add_problems(form, exc.fields or {"__all__": [exc.message]}, field_for=form.field_for)
            status = exc.http_status
        else:
            messages.success(request, "Your draft response is saved.")
            return redirect("referrals:response-edit", response.pk)
    return render(
        request,
        T + "response.html",
        _response_context(actor, response, form),
        status=status if status != 200 else (400 if form.errors else 200),
    )


def _act(request: HttpRequest, actor: Actor, pk: int, verb: str) -> HttpResponse:
    response = _response(actor, pk)
    act = {"submit": response_submit, "withdraw": response_withdraw, "resubmit": response_resubmit}
    try:
        act[verb](actor=actor, response=response)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        done = {
            "submit": "Your response is submitted. You can withdraw it until the deadline.",
            "withdraw": "Your response is withdrawn. The authority will not consider it.",
            "resubmit": "Your response is a draft again. Change it and submit it.",
        }
        messages.success(request, done[verb])
    return redirect("referrals:response-edit", response.pk)


@page_access(PROVIDERS)
@require_POST
def response_submit_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    return _act(request, actor, pk, "submit")


@page_access(PROVIDERS)
@require_POST
def response_withdraw_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    return _act(request, actor, pk, "withdraw")


@page_access(PROVIDERS)
@require_POST
def response_resubmit_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    return _act(request, actor, pk, "resubmit")


@page_access(PROVIDERS)
@require_http_methods(["GET", "POST"])
def response_service_add_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    response = _response(actor, pk)
    form = ServiceForm(
        request.POST if request.method == "POST" else None,
        price_list=price_list(actor, response.setting),
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            response_service_add(
                actor=actor,
                response=response,
                price_list_item=form.chosen(),
                name=data["name"],
                unit=data["unit"],
                rate=data["rate"],
                quantity=data["quantity"],
                submission_key=data.get("submission_key"),
            )
        except DomainError as exc:
            put_on_form(form, exc)
            status = exc.http_status
        else:
            messages.success(request, "The service is added to your response.")
            return redirect("referrals:response-edit", response.pk)
    return render(
        request,
        T + "service.html",
        {"form": form, "response": response, "referral": response.invitation.referral},
        status=status if status != 200 else (400 if form.errors else 200),
    )


@page_access(PROVIDERS)
@require_POST
def response_service_remove_view(
    request: HttpRequest, actor: Actor, pk: int, service_pk: int
) -> HttpResponse:
    response = _response(actor, pk)
    service = get_scoped_or_404(ResponseService, actor, pk=service_pk, response=response)
    try:
        response_service_remove(actor=actor, service=service)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{service.name} is removed from your response.")
    return redirect("referrals:response-edit", response.pk)


@page_access(PROVIDERS)
@require_http_methods(["GET", "POST"])
def response_attachment_add_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    response = _response(actor, pk)
    form = AttachmentForm(request.POST if request.method == "POST" else None, request.FILES or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            response_attachment_add(
                actor=actor,
                response=response,
                title=form.cleaned_data["title"],
                upload=form.cleaned_data.get("file"),
                submission_key=form.cleaned_data.get("submission_key"),
            )
        except DomainError as exc:
            put_on_form(form, exc)
            status = exc.http_status
        else:
            messages.success(request, "The file is attached to your response.")
            return redirect("referrals:response-edit", response.pk)
    return render(
        request,
        T + "attachment.html",
        {"form": form, "response": response, "referral": response.invitation.referral},
        status=status if status != 200 else (400 if form.errors else 200),
    )


@page_access(PROVIDERS)
def response_attachment_download(
    request: HttpRequest, actor: Actor, pk: int, attachment_pk: int
) -> FileResponse:
    response = _response(actor, pk)
    attachment = get_scoped_or_404(ResponseAttachment, actor, pk=attachment_pk, response=response)
    response_attachment_record_download(actor=actor, attachment=attachment)
    return _download(attachment.file, attachment.original_filename, attachment.content_type)


@page_access(PROVIDERS)
@require_POST
def response_attachment_remove_view(
    request: HttpRequest, actor: Actor, pk: int, attachment_pk: int
) -> HttpResponse:
    response = _response(actor, pk)
    attachment = get_scoped_or_404(ResponseAttachment, actor, pk=attachment_pk, response=response)
    try:
        response_attachment_remove(actor=actor, attachment=attachment)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{attachment.title} is removed from your response.")
    return redirect("referrals:response-edit", response.pk)
