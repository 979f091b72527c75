"""Senior managers' pages for awards: the queue of what waits for them (approvals above the
threshold, RI/Inadequate sign-offs), the approval decision and the sign-off."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from fps_portal.access import page_access
from fps_portal.actors import Actor
from fps_portal.errors import DomainError, WrongState
from fps_portal.scoping import get_scoped_or_404, scoped
from fps_portal.web.pages import put_on_form
from referrals.models import Award, AwardState, RiskApproval
from referrals.permissions import SENIOR_MANAGERS, can_sign_off_as
from referrals.selectors.awards import AWARD_JOINS, awards_awaiting
from referrals.services.award_decisions import award_approve, award_reject, can_approve, can_reject
from referrals.services.risk import risk_sign_off, sign_off_blocker
from referrals.views.awards_forms import ApprovalForm, SignOffForm


@page_access(SENIOR_MANAGERS)
def award_approvals(request: HttpRequest, actor: Actor) -> HttpResponse:
    return render(
        request,
        "referrals/awards/approvals.html",
        {"awards": list(awards_awaiting(actor)), "position": can_sign_off_as(actor)},
    )


@page_access(SENIOR_MANAGERS)
@require_http_methods(["GET", "POST"])
def award_approval(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    award = get_scoped_or_404(Award, actor, select_related=AWARD_JOINS, pk=pk)
    form = ApprovalForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["decision"] == "approve":
                award_approve(actor=actor, award=award, note=form.cleaned_data["reason"])
            else:
                award_reject(actor=actor, award=award, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            put_on_form(form, exc)
            status = exc.http_status
        else:
            messages.success(request, "Your decision on the award is recorded.")
            return redirect("referrals:award-approvals")
    return render(
        request,
        "referrals/awards/approval.html",
        {
            "form": form,
            "award": award,
            "referral": award.referral,
            "services": list(award.services.all()),
            "pending": award.state == AwardState.AWAITING_APPROVAL,
            "mine": can_approve(actor, award),
        },
        status=status if status != 200 else (400 if form.errors else 200),
    )


@page_access(SENIOR_MANAGERS)
@require_http_methods(["GET", "POST"])
def risk_sign_off_page(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    award = get_scoped_or_404(Award, actor, select_related=AWARD_JOINS, pk=pk)
    approval = scoped(RiskApproval, actor).filter(award_id=award.pk).first()
    form = SignOffForm(request.POST if request.method == "POST" else None)
    reject_form = ApprovalForm(None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            if approval is None:
                raise WrongState("This award is not waiting for the risk sign-offs.")
            risk_sign_off(actor=actor, approval=approval)
        except DomainError as exc:
            put_on_form(form, exc)
            status = exc.http_status
        else:
            messages.success(request, "Your sign-off is recorded.")
            return redirect("referrals:award-approvals")
    return render(
        request,
        "referrals/awards/sign_off.html",
        {
            "form": form,
            "reject_form": reject_form,
            "award": award,
            "referral": award.referral,
            "approval": approval,
            "position": can_sign_off_as(actor),
            "blocker": sign_off_blocker(approval) if approval else "",
            "at_sign_off": award.state == AwardState.AWAITING_SIGN_OFF,
            "may_reject": can_reject(actor, award),
        },
        status=status if status != 200 else (400 if form.errors else 200),
    )
