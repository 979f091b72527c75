"""The annual re-check's pages: the list (the provider's own; every one for the lead authority),
one re-check with its items and history (the provider sends it from here), one item (the
provider confirms or changes it; the lead authority accepts or returns it), and the month the
lead authority chooses for a purchasing system."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from fps_portal.access import LEAD_EVALUATORS, PROVIDERS, either, page_access
from fps_portal.actors import Actor
from fps_portal.errors import DomainError
from fps_portal.scoping import get_scoped_or_404, scoped
from fps_portal.web.decisions import decision_page
from fps_portal.web.pages import put_on_form
from providers.models import PurchasingSystem, Setting
from providers.views.onboarding.forms import EvidenceForm
from quality.models import WITH_PROVIDER, ItemReview, RecheckItem, RecheckState
from quality.selectors.rechecks import (
    STATE_FILTERS,
    calendars_for,
    recheck_detail,
    recheck_history,
    recheck_item_detail,
    recheck_items,
    rechecks_for,
)
from quality.services.recheck_additions import recheck_item_add
from quality.services.recheck_schedule import recheck_calendar_set
from quality.services.rechecks import (
    recheck_item_change,
    recheck_item_confirm,
    recheck_item_review,
    recheck_submit,
)
from quality.views.forms import ItemReviewForm, RecheckAnswerForm, RecheckCalendarForm

RECHECK_READERS = either(
    LEAD_EVALUATORS,
    PROVIDERS,
    message="Only the lead authority and the provider being re-checked can see re-checks.",
)


@page_access(RECHECK_READERS)
def recheck_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    state = request.GET.get("state", "")
    if state not in STATE_FILTERS:
        state = ""
    systems = []
    if actor.is_lead_evaluator:
        months = calendars_for(actor)
        ordered = scoped(PurchasingSystem, actor).order_by("-term_start")
        systems = [(system, months.get(system.pk)) for system in ordered]
    return render(
        request,
        "quality/recheck_list.html",
        {
            "rechecks": list(rechecks_for(actor, state=state)),
            "state": state,
            "today": timezone.localdate(),
            "systems": systems,
            "is_lead": actor.is_lead_evaluator,
        },
    )


@page_access(RECHECK_READERS)
@require_http_methods(["GET", "POST"])
def recheck_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """The re-check, its items and its history; the provider sends it with the POST."""
    recheck = recheck_detail(actor, pk)
    problem = ""
    status = 200
    if request.method == "POST":
        try:
            recheck_submit(actor=actor, recheck=recheck)
        except DomainError as exc:
            problem = " ".join(exc.fields.get("items", [])) or exc.message
            status = exc.http_status
        else:
            messages.success(request, "Re-check sent. The lead authority will review each item.")
            return redirect("quality:recheck", pk=recheck.pk)
    return render(
        request,
        "quality/recheck.html",
        {
            "recheck": recheck,
            "items": recheck_items(actor, recheck),
            "history": recheck_history(actor, recheck),
            "with_provider": recheck.state in WITH_PROVIDER,
            "overdue": recheck.is_overdue_on(timezone.localdate()),
            "problem": problem,
            "is_lead": actor.is_lead_evaluator,
        },
        status=status,
    )


@page_access(RECHECK_READERS)
@require_http_methods(["GET", "POST"])
def recheck_item_view(request: HttpRequest, actor: Actor, pk: int, item_pk: int) -> HttpResponse:
    item = recheck_item_detail(actor, pk, item_pk)
    if actor.is_lead_evaluator:
        return _review(request, actor, item)
    return _answer(request, actor, item)


def _context(item: RecheckItem) -> dict[str, object]:
    recheck = item.recheck
    return {
        "item": item,
        "recheck": recheck,
        "held": item.replacement or item.evidence,
        "answerable": recheck.state in WITH_PROVIDER and item.review != ItemReview.ACCEPTED,
        "reviewable": recheck.state == RecheckState.SUBMITTED and item.review == ItemReview.PENDING,
    }


def _review(request: HttpRequest, actor: Actor, item: RecheckItem) -> HttpResponse:
    def decide(outcome: str, reason: str) -> None:
        recheck_item_review(actor=actor, item=item, outcome=outcome, reason=reason)

    return decision_page(
        request,
        form_class=ItemReviewForm,
        decide=decide,
        done=lambda: "Item reviewed.",
        then=reverse("quality:recheck", args=[item.recheck_id]),
        template="quality/recheck_item.html",
        context=lambda: _context(item),
    )


def _answer(request: HttpRequest, actor: Actor, item: RecheckItem) -> HttpResponse:
    held = item.replacement or item.evidence
    form = RecheckAnswerForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        initial={"title": held.title, "reference": held.reference, "insurer": held.insurer},
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["answer"] == "confirmed":
                recheck_item_confirm(actor=actor, item=item)
            else:
                recheck_item_change(
                    actor=actor,
                    item=item,
                    title=data.get("title") or "",
                    upload=data.get("file"),
                    valid_until=data.get("valid_until"),
                    reference=data.get("reference") or "",
                    insurer=data.get("insurer") or "",
                    cover_amount=data.get("cover_amount"),
                    submission_key=data.get("submission_key"),
                )
        except DomainError as exc:
            put_on_form(form, _on_answer(exc))
            status = exc.http_status
        else:
            messages.success(request, f"'{held.title}' answered.")
            return redirect("quality:recheck", pk=item.recheck_id)
    if form.errors and status == 200:
        status = 400
    return render(
        request, "quality/recheck_item.html", {"form": form, **_context(item)}, status=status
    )


@page_access(PROVIDERS)
@require_http_methods(["GET", "POST"])
def recheck_add(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """The provider adds evidence it did not hold when the re-check opened."""
    recheck = recheck_detail(actor, pk)
    posted = request.method == "POST"
    form = EvidenceForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        settings_qs=scoped(Setting, actor).filter(provider_id=recheck.membership.provider_id),
    )
    status = 200
    if posted and form.is_valid():
        data = form.cleaned_data
        try:
            recheck_item_add(
                actor=actor,
                recheck=recheck,
                kind=data["kind"],
                title=data.get("title") or "",
                upload=data.get("file"),
                setting=data.get("setting"),
                valid_until=data.get("valid_until"),
                reference=data.get("reference") or "",
                insurance_type=data.get("insurance_type") or "",
                insurer=data.get("insurer") or "",
                cover_amount=data.get("cover_amount"),
                submission_key=data.get("submission_key"),
            )
        except DomainError as exc:
            put_on_form(form, exc)
            status = exc.http_status
        else:
            messages.success(request, f"'{data.get('title')}' added to the re-check.")
            return redirect("quality:recheck", pk=recheck.pk)
    if form.errors and status == 200:
        status = 400
    open_to_answers = recheck.state in WITH_PROVIDER
    return render(
        request,
        "providers/onboarding/form.html",
        {
            "form": form,
            "title": "Add evidence to the re-check",
            "caption": f"Annual re-check {recheck.cycle}",
            "intro": (
                "Upload what you did not hold when the re-check opened, such as your insurance "
                "certificate or a registration. It is added to your evidence library too."
                if open_to_answers
                else "This re-check is with the lead authority, so nothing can be added now."
            ),
            "hide_form": not open_to_answers,
            "submit_label": "Add to the re-check",
            "multipart": True,
            "back_url": reverse("quality:recheck", args=[recheck.pk]),
        },
        status=status,
    )


def _on_answer(exc: DomainError) -> DomainError:
    """`evidence_add` names the upload `file` and the confirm check `response`: the form's
    fields are `file` and `answer`."""
    if "response" in exc.fields:
        exc.fields["answer"] = exc.fields.pop("response")
    return exc


@page_access(LEAD_EVALUATORS)
@require_http_methods(["GET", "POST"])
def recheck_calendar(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    system = get_scoped_or_404(PurchasingSystem, actor, pk=pk)
    month = calendars_for(actor).get(system.pk)
    form = RecheckCalendarForm(
        request.POST if request.method == "POST" else None,
        initial={"month": "" if month is None else str(month)},
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["month"]
        try:
            recheck_calendar_set(
                actor=actor, purchasing_system=system, month=int(chosen) if chosen else None
            )
        except DomainError as exc:
            put_on_form(form, exc)
            status = exc.http_status
        else:
            messages.success(request, "Saved. Re-checks open on the new day from now on.")
            return redirect("quality:recheck-list")
    if form.errors and status == 200:
        status = 400
    return render(
        request,
        "quality/recheck_calendar.html",
        {"form": form, "system": system},
        status=status,
    )
