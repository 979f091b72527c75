"""The placing authority's evaluation and award pages: the ranking of a closed referral's
responses, a response's marks, the award form, no suitable provider, re-running on another
route, and the award's own page with its RI/Inadequate steps."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from fps_portal.access import page_access
from fps_portal.actors import Actor
from fps_portal.errors import DomainError, InvalidInput
from fps_portal.scoping import get_scoped_or_404, scoped
from fps_portal.web.pages import put_on_form
from referrals.models import Award as AwardModel
from referrals.models import (
    AwardState,
    CriterionKind,
    Referral,
    ReferralState,
    Response,
    ResponseService,
    RiskApproval,
)
from referrals.permissions import PLACING
from referrals.selectors.awards import live_award
from referrals.selectors.ranking import evaluation_ranking
from referrals.services.awards import (
    annual_value,
    approval_threshold,
    approver_choices,
    award_propose,
)
from referrals.services.evaluation import mark_record
from referrals.services.referral_outcomes import referral_no_suitable_provider, referral_rerun
from referrals.services.risk import risk_attach_documents, risk_record_approach, sign_off_blocker
from referrals.views.awards_forms import (
    AwardForm,
    MarksForm,
    NoSuitableProviderForm,
    RerunForm,
    RiskApproachForm,
    RiskDocumentsForm,
)

RESPONSE_JOINS = (
    "invitation__referral",
    "invitation__referral__lot",
    "invitation__provider",
    "setting",
)


AWARD_DONE: dict[str, str] = {
    AwardState.COMPLETE: "Award made. The provider and every other invitee have been told.",
    AwardState.AWAITING_APPROVAL: "Award proposed. It waits for its approver.",
    AwardState.AWAITING_SIGN_OFF: "Award proposed. It waits for the risk sign-offs.",
}


def _status(form_has_errors: bool, status: int) -> int:
    return status if status != 200 else (400 if form_has_errors else 200)


@page_access(PLACING)
def evaluation(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    referral = get_scoped_or_404(Referral, actor, select_related=("lot", "child"), pk=pk)
    ranking = evaluation_ranking(referral=referral, actor=actor)
    return render(
        request,
        "referrals/awards/evaluation.html",
        {
            "referral": referral,
            "ranking": ranking,
            "closed": referral.state == ReferralState.CLOSED,
            "award": live_award(referral),
            "threshold": approval_threshold(referral),
        },
    )


@page_access(PLACING)
@require_http_methods(["GET", "POST"])
def response_marks(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    response = get_scoped_or_404(Response, actor, select_related=RESPONSE_JOINS, pk=pk)
    referral = response.invitation.referral
    ranking = evaluation_ranking(referral=referral, actor=actor)
    item = ranking.find(response.pk)
    initial: dict[str, object] = {}
    if item is not None:
        for result in item.results:
            if result.mark is None:
                continue
            c = result.criterion
            if c.kind == CriterionKind.PASS_FAIL:
                initial[f"passed_{c.pk}"] = "yes" if result.mark.passed else "no"
            else:
                initial[f"score_{c.pk}"] = result.mark.score
            initial[f"note_{c.pk}"] = result.mark.note
    form = MarksForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        referral=referral,
        criteria=ranking.criteria,
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                for c in form.criteria:
                    try:
                        mark_record(
                            actor=actor,
                            response=response,
                            criterion=c,
                            passed=form.cleaned_data.get(f"passed_{c.pk}"),
                            score=form.cleaned_data.get(f"score_{c.pk}"),
                            note=form.cleaned_data.get(f"note_{c.pk}", ""),
                        )
                    except InvalidInput as exc:
                        raise InvalidInput.on_fields(
                            {f"{name}_{c.pk}": m for name, m in exc.fields.items()}
                        ) from exc
        except DomainError as exc:
            put_on_form(form, exc)
            status = exc.http_status
        else:
            messages.success(request, f"Marks saved for {response.setting.name}.")
            return redirect("referrals:evaluation", referral.pk)
    return render(
        request,
        "referrals/awards/marks.html",
        {
            "form": form,
            "response": response,
            "referral": referral,
            "item": item,
            "closed": referral.state == ReferralState.CLOSED,
        },
        status=_status(bool(form.errors), status),
    )


def _service_errors(form: AwardForm, exc: DomainError, rows: list[int]) -> None:
    """Puts the service's `services.<n>.<part>` messages on the form's row fields."""
    other: dict[str, list[str]] = {}
    for name, msgs in exc.fields.items():
        parts = name.split(".")
        if len(parts) == 3 and parts[0] == "services" and parts[1].isdigit():
            row = rows[int(parts[1])]
            for message in msgs:
                form.add_error(f"service_{row}_{parts[2]}", message)
        else:
            other[name] = msgs
    if other:
        put_on_form(form, InvalidInput(exc.message, fields=other))


@page_access(PLACING)
@require_http_methods(["GET", "POST"])
def award_create(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    response = get_scoped_or_404(Response, actor, select_related=RESPONSE_JOINS, pk=pk)
    referral = response.invitation.referral
    ranking = evaluation_ranking(referral=referral, actor=actor)
    item = ranking.find(response.pk)
    services = list(scoped(ResponseService, actor).filter(response_id=response.pk))
    form = AwardForm(
        request.POST if request.method == "POST" else None,
        initial={
            "agreed_weekly_price": response.weekly_price,
            "start_date": response.proposed_start_date or referral.start_date,
            "end_date": referral.expected_end_date,
        },
        approvers=approver_choices(referral, actor),
        services=services,
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        lines = form.services()
        try:
            award = award_propose(
                actor=actor,
                response=response,
                reasons=form.cleaned_data["reasons"],
                agreed_weekly_price=form.cleaned_data["agreed_weekly_price"],
                price_negotiation_note=form.cleaned_data["price_negotiation_note"],
                start_date=form.cleaned_data["start_date"],
                end_date=form.cleaned_data["end_date"],
                services=[line for _row, line in lines],
                parental_preference_reason=form.cleaned_data["parental_preference_reason"],
                approver=form.approver_user(),
            )
        except DomainError as exc:
            _service_errors(form, exc, [row for row, _line in lines])
            status = exc.http_status
        else:
            messages.success(request, AWARD_DONE[award.state])
            return redirect("referrals:award-detail", award.pk)
    return render(
        request,
        "referrals/awards/award_form.html",
        {
            "form": form,
            "response": response,
            "referral": referral,
            "ranking": ranking,
            "item": item,
            "closed": referral.state == ReferralState.CLOSED and live_award(referral) is None,
            "threshold": approval_threshold(referral),
            "annual_bid": (
                annual_value(weekly_price=response.weekly_price, places=referral.places)
                if response.weekly_price is not None
                else None
            ),
        },
        status=_status(bool(form.errors), status),
    )


@page_access(PLACING)
@require_http_methods(["GET", "POST"])
def no_suitable_provider(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    referral = get_scoped_or_404(Referral, actor, pk=pk)
    form = NoSuitableProviderForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            referral_no_suitable_provider(
                actor=actor, referral=referral, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            put_on_form(form, exc)
            status = exc.http_status
        else:
            messages.success(
                request, "Recorded: no suitable provider. Every invitee has been told."
            )
            return redirect("referrals:evaluation", referral.pk)
    return render(
        request,
        "referrals/awards/no_suitable_provider.html",
        {"form": form, "referral": referral, "closed": referral.state == ReferralState.CLOSED},
        status=_status(bool(form.errors), status),
    )


@page_access(PLACING)
@require_http_methods(["GET", "POST"])
def rerun(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    referral = get_scoped_or_404(Referral, actor, pk=pk)
    form = RerunForm(request.POST if request.method == "POST" else None, current=referral.route)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            new = referral_rerun(actor=actor, referral=referral, route=form.cleaned_data["route"])
        except DomainError as exc:
            put_on_form(form, exc)
            status = exc.http_status
        else:
            messages.success(
                request, f"Draft referral {new.reference} made from {referral.reference}."
            )
            return redirect("referrals:evaluation", referral.pk)
    return render(
        request,
        "referrals/awards/rerun.html",
        {
            "form": form,
            "referral": referral,
            "can_rerun": referral.state == ReferralState.NO_SUITABLE_PROVIDER,
            "reruns": list(scoped(Referral, actor).filter(rerun_of_id=referral.pk)),
        },
        status=_status(bool(form.errors), status),
    )


AWARD_DETAIL_JOINS = ("referral", "referral__lot", "setting", "provider", "response", "approver")


def _approval_of(award: AwardModel, actor: Actor) -> RiskApproval | None:
    return scoped(RiskApproval, actor).filter(award_id=award.pk).first()


@page_access(PLACING)
def award_detail(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    award = get_scoped_or_404(AwardModel, actor, select_related=AWARD_DETAIL_JOINS, pk=pk)
    approval = _approval_of(award, actor)
    return render(
        request,
        "referrals/awards/award_detail.html",
        {
            "award": award,
            "referral": award.referral,
            "approval": approval,
            "services": list(award.services.all()),
            "blocker": sign_off_blocker(approval) if approval else "",
            "at_sign_off": award.state == AwardState.AWAITING_SIGN_OFF,
        },
    )


def _risk_page(
    request: HttpRequest,
    actor: Actor,
    pk: int,
    *,
    form_class: type,
    template: str,
    save: object,
    done: str,
) -> HttpResponse:
    award = get_scoped_or_404(AwardModel, actor, select_related=AWARD_DETAIL_JOINS, pk=pk)
    approval = _approval_of(award, actor)
    initial = {}
    if approval is not None and form_class is RiskApproachForm:
        initial = {
            "risk_approach": approval.risk_approach,
            "quality_visit_planned_on": approval.quality_visit_planned_on,
        }
    posted = request.method == "POST"
    form = form_class(
        request.POST if posted else None, request.FILES if posted else None, initial=initial
    )
    status = 200
    if posted and approval is None:
        status = 409
        form.is_valid()
        form.add_error(None, "This award is not waiting for the risk sign-offs.")
    elif posted and form.is_valid():
        try:
            save(actor=actor, approval=approval, **form.cleaned_data)  # type: ignore[operator]
        except DomainError as exc:
            put_on_form(form, exc)
            status = exc.http_status
        else:
            messages.success(request, done)
            return redirect("referrals:award-detail", award.pk)
    return render(
        request,
        template,
        {
            "form": form,
            "award": award,
            "referral": award.referral,
            "approval": approval,
            "at_sign_off": award.state == AwardState.AWAITING_SIGN_OFF,
        },
        status=_status(bool(form.errors), status),
    )


@page_access(PLACING)
@require_http_methods(["GET", "POST"])
def risk_documents(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    return _risk_page(
        request,
        actor,
        pk,
        form_class=RiskDocumentsForm,
        template="referrals/awards/risk_documents.html",
        save=risk_attach_documents,
        done="The inspection summary and action plan are attached.",
    )


@page_access(PLACING)
@require_http_methods(["GET", "POST"])
def risk_approach(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    return _risk_page(
        request,
        actor,
        pk,
        form_class=RiskApproachForm,
        template="referrals/awards/risk_approach.html",
        save=risk_record_approach,
        done="The risk management approach is saved.",
    )
