"""The placing authority's page of a referral's clarification questions: each with who asked
(the authority alone learns that) and a form to answer it; the answer goes to every invitee."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from fps_portal.access import page_access
from fps_portal.actors import Actor
from fps_portal.errors import DomainError
from fps_portal.scoping import get_scoped_or_404, scoped
from fps_portal.web.pages import put_on_form
from referrals.models import Referral, ReferralQuestion, ReferralState
from referrals.permissions import PLACING
from referrals.selectors.invitations import QUESTIONS_UNANSWERED_FIRST
from referrals.services.questions import question_answer
from referrals.views.invitations_forms import AnswerForm


@page_access(PLACING)
def referral_questions(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    referral = get_scoped_or_404(Referral, actor, select_related=("lot",), pk=pk)
    questions = list(
        scoped(ReferralQuestion, actor)
        .filter(referral=referral)
        .select_related("asked_by_invitation__provider", "answered_by")
        .order_by(*QUESTIONS_UNANSWERED_FIRST)
    )
    return render(
        request,
        "referrals/invitations/authority_questions.html",
        {
            "referral": referral,
            "questions": questions,
            "open": referral.state == ReferralState.OPEN,
        },
    )


@page_access(PLACING)
@require_http_methods(["GET", "POST"])
def referral_question_answer(
    request: HttpRequest, actor: Actor, pk: int, question_pk: int
) -> HttpResponse:
    referral = get_scoped_or_404(Referral, actor, pk=pk)
    question = get_scoped_or_404(
        ReferralQuestion,
        actor,
        select_related=("asked_by_invitation__provider", "referral"),
        pk=question_pk,
        referral=referral,
    )
    form = AnswerForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            question_answer(actor=actor, question=question, answer=form.cleaned_data["answer"])
        except DomainError as exc:
            put_on_form(form, exc)
            status = exc.http_status
        else:
            messages.success(request, "Answered. Every invited provider has been told.")
            return redirect("referrals:referral-questions", referral.pk)
    return render(
        request,
        "referrals/invitations/authority_answer.html",
        {
            "referral": referral,
            "question": question,
            "form": form,
            "can_answer": question.answered_at is None and referral.state == ReferralState.OPEN,
        },
        status=status if status != 200 else (400 if form.errors else 200),
    )
