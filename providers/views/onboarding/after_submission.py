"""Provider pages after a submission: clarification questions to answer, signing the FPS
agreement after a pass, and the membership's status."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from fps_portal.access import PROVIDERS, page_access
from fps_portal.actors import Actor
from fps_portal.errors import DomainError
from fps_portal.scoping import get_scoped_or_404, scoped
from fps_portal.text import is_number
from providers.models import (
    AgreementDocument,
    Application,
    ClarificationQuestion,
    FpsMembership,
)
from providers.selectors.onboarding_queues import clarifications_to_answer
from providers.services.agreement_documents import not_published_blocker
from providers.services.clarifications import clarification_answer
from providers.services.evaluation import clarification_answer_blocker
from providers.services.membership import (
    agreement_membership,
    agreement_sign,
    agreement_sign_blocker,
)
from providers.views.onboarding._notice import agreement_notice, clarification_notice
from providers.views.onboarding.applications import FORM, application_step_page, form_status
from providers.views.onboarding.forms import (
    AnswerForm,
    SignForm,
    apply_domain_error,
)


@page_access(PROVIDERS)
def clarification_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Exactly the questions the dashboard counts as waiting for an answer."""
    return render(
        request,
        "providers/onboarding/clarification_list.html",
        {"clarifications": clarifications_to_answer(actor)},
    )


@page_access(PROVIDERS)
@require_http_methods(["GET", "POST"])
def clarification_answer_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    clarification = get_scoped_or_404(ClarificationQuestion, actor, pk=pk)
    blocker = clarification_answer_blocker(clarification, clarification.application)
    data = request.POST if request.method == "POST" and not blocker else None
    form = AnswerForm(data)
    status = 200
    if blocker and request.method == "POST":
        status = 409
    elif request.method == "POST" and form.is_valid():
        try:
            clarification_answer(
                actor=actor, clarification=clarification, answer=form.cleaned_data["answer"]
            )
        except DomainError as error:
            apply_domain_error(form, error)
            status = error.http_status
        else:
            messages.success(request, "Your answer has been sent to the evaluators.")
            return redirect("providers:application-detail", pk=clarification.application_id)
    return render(
        request,
        FORM,
        {
            "form": form,
            "title": "Answer a clarification question",
            "caption": str(clarification.application),
            "quote": clarification.question,
            "answered": clarification.answer,
            "submit_label": "Send answer",
            "notice": clarification_notice(clarification, blocker) if blocker else None,
            "refused": blocker if status == 409 else "",
            "back_url": reverse(
                "providers:application-detail", args=[clarification.application_id]
            ),
        },
        status=status if status != 200 else form_status(form),
    )


@page_access(PROVIDERS)
@require_http_methods(["GET", "POST"])
def agreement_sign_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    application = get_scoped_or_404(Application, actor, pk=pk)
    membership = agreement_membership(application)
    document = (
        scoped(AgreementDocument, actor)
        .filter(purchasing_system_id=application.purchasing_system_id)
        .order_by("-version")
        .first()
    )
    blocker = agreement_sign_blocker(application, membership) or not_published_blocker(document)
    data = request.POST if request.method == "POST" and not blocker else None
    form = SignForm(data)
    status = 200
    if blocker and request.method == "POST":
        status = 409
    elif request.method == "POST" and form.is_valid():
        try:
            agreement_sign(
                actor=actor,
                application=application,
                signatory_name=form.cleaned_data["signatory_name"],
                signatory_role=form.cleaned_data["signatory_role"],
                # The version shown when the page was opened: a newer one is refused unread.
                version=_version_read(request),
            )
        except DomainError as error:
            apply_domain_error(form, error)
            status = error.http_status
        else:
            messages.success(request, "The FPS agreement is signed. You are now an active member.")
            return redirect("providers:membership-status")
    return application_step_page(
        request,
        application,
        form,
        title="Sign the FPS agreement",
        intro="By signing, your organisation agrees to the overarching agreement of "
        f"{application.purchasing_system}. "
        "Your name, role, the version signed and the time are recorded.",
        agreement_document=document,
        hidden={"agreement_version": document.version} if document else {},
        submit_label="Sign the agreement",
        notice=agreement_notice(application, membership, blocker) if blocker else None,
        refused=blocker if status == 409 else "",
        status=status,
    )


def _version_read(request: HttpRequest) -> int | None:
    sent = request.POST.get("agreement_version", "")
    return int(sent) if is_number(sent) else None


@page_access(PROVIDERS)
def membership_status(request: HttpRequest, actor: Actor) -> HttpResponse:
    memberships = scoped(FpsMembership, actor).select_related(
        "purchasing_system", "agreement_signed_by", "agreement_version"
    )
    return render(
        request, "providers/onboarding/membership_status.html", {"memberships": memberships}
    )
