"""The referral's moves after drafting, one page each: publish (after the check), return to the
referrer, withdraw and close early, the last three with a reason."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from fps_portal.access import page_access
from fps_portal.actors import Actor
from fps_portal.errors import DomainError
from fps_portal.scoping import dangerously_unscoped
from fps_portal.web.pages import put_on_form
from referrals.models import (
    Invitation,
    ReferralState,
    Route,
)
from referrals.permissions import PLACING
from referrals.services.publish_check import publish_problems
from referrals.services.referral_rules import offers_on_the_lot
from referrals.services.referral_states import (
    CLOSE_REASON_MISSING,
    RETURN_REASON_MISSING,
    WITHDRAW_REASON_MISSING,
    referral_close,
    referral_publish,
    referral_return,
    referral_withdraw,
)
from referrals.views.referrals import form_status, placing_referral
from referrals.views.referrals_forms import (
    ReasonForm,
)

# -- actions ------------------------------------------------------------------------------


@page_access(PLACING)
@require_http_methods(["GET", "POST"])
def referral_publish_page(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    referral = placing_referral(actor, pk)
    problems = publish_problems(referral) if referral.state == ReferralState.DRAFT else []
    status, message = 200, ""
    if request.method == "POST":
        try:
            referral_publish(actor=actor, referral=referral)
        except DomainError as exc:
            status, message = exc.http_status, exc.message
            referral = placing_referral(actor, pk)
        else:
            invited = dangerously_unscoped(Invitation).filter(referral=referral).count()
            messages.success(
                request,
                f"Referral {referral.reference} published: {invited} provider(s) invited.",
            )
            return redirect("referrals:referral-detail", pk=referral.pk)
    invitees = 0
    if referral.state == ReferralState.DRAFT and not problems:
        offers = offers_on_the_lot(referral)
        if referral.route == Route.PRESELECTED_COMPETITION:
            offers = offers.filter(setting_id__in=referral.shortlist.values("setting_id"))
        invitees = offers.values("setting__provider_id").distinct().count()
    return render(
        request,
        "referrals/referrals/publish.html",
        {
            "referral": referral,
            "problems": problems,
            "message": message,
            "invitees": invitees,
            "can_publish": referral.is_competition and referral.state == ReferralState.DRAFT,
        },
        status=status,
    )


def _reason_page(
    request: HttpRequest,
    actor: Actor,
    pk: int,
    *,
    service: Any,
    label: str,
    missing: str,
    template_context: dict[str, str],
    done: str,
) -> HttpResponse:
    referral = placing_referral(actor, pk)
    form = ReasonForm(
        request.POST if request.method == "POST" else None, label=label, missing=missing
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            service(actor=actor, referral=referral, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            put_on_form(form, exc)
            status = exc.http_status
        else:
            messages.success(request, done)
            return redirect("referrals:referral-detail", pk=referral.pk)
    return render(
        request,
        "referrals/referrals/reason.html",
        {"referral": referral, "form": form, **template_context},
        status=form_status(form, status),
    )


@page_access(PLACING)
@require_http_methods(["GET", "POST"])
def referral_return_page(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    return _reason_page(
        request,
        actor,
        pk,
        service=referral_return,
        label="What does the referrer need to add or change?",
        missing=RETURN_REASON_MISSING,
        template_context={
            "title": "Return the referral to the referrer",
            "intro": "The referral goes back for more information. If it has the referrer's "
            "e-mail, they are sent your words. Editing it makes it a draft again.",
            "button": "Return the referral",
        },
        done="Referral returned to the referrer.",
    )


@page_access(PLACING)
@require_http_methods(["GET", "POST"])
def referral_withdraw_page(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    return _reason_page(
        request,
        actor,
        pk,
        service=referral_withdraw,
        label="Why is the referral withdrawn?",
        missing=WITHDRAW_REASON_MISSING,
        template_context={
            "title": "Withdraw the referral",
            "intro": "Nothing more can be done with a withdrawn referral. Invited providers are "
            "told it was withdrawn, with your reason.",
            "button": "Withdraw the referral",
        },
        done="Referral withdrawn. Invited providers have been told.",
    )


@page_access(PLACING)
@require_http_methods(["GET", "POST"])
def referral_close_page(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    return _reason_page(
        request,
        actor,
        pk,
        service=referral_close,
        label="Why close the competition before its deadline?",
        missing=CLOSE_REASON_MISSING,
        template_context={
            "title": "Close the competition early",
            "intro": "No more responses are taken once it closes; invitations not yet answered "
            "lapse. The submitted responses are then opened for evaluation.",
            "button": "Close the competition",
        },
        done="Competition closed: its responses can be evaluated.",
    )
