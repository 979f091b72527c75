"""Lead authority pages that correct a window: change its name or dates, cancel it, open it now,
close it early. Each asks for a reason; whether the window's state allows the correction is the
service's predicate (`window_correction_blocker`), so a page for a window that has moved on shows
what happened instead of a form, and a POST that lost a race with beat answers 409."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from fps_portal.access import LEAD_EVALUATORS, page_access
from fps_portal.actors import Actor
from fps_portal.dates import govuk_datetime
from fps_portal.errors import DomainError
from fps_portal.scoping import get_scoped_or_404
from providers.models import EvaluationWindow
from providers.services.window_corrections import (
    window_cancel,
    window_close_early,
    window_correction_blocker,
    window_open_now,
    window_reschedule,
)
from providers.views.onboarding._notice import Notice
from providers.views.onboarding.forms import (
    WindowCorrectionForm,
    WindowRescheduleForm,
    apply_domain_error,
)

FORM = "providers/onboarding/form.html"


def _correction_page(
    request: HttpRequest,
    actor: Actor,
    pk: int,
    *,
    correction: str,
    make_form: Callable[[Any, EvaluationWindow], forms.Form],
    act: Callable[[EvaluationWindow, dict[str, Any]], object],
    done: str,
    page: Callable[[EvaluationWindow], dict[str, str]],
) -> HttpResponse:
    """GET shows the form (or, if the window has moved on, what happened); POST corrects."""
    window = get_scoped_or_404(EvaluationWindow, actor, pk=pk, select_related=["purchasing_system"])
    detail = reverse("providers:window-detail", args=[pk])
    blocker = window_correction_blocker(window, correction)
    posted = request.method == "POST"
    form = make_form(request.POST if posted and not blocker else None, window)
    status = 409 if blocker and posted else 200
    if posted and not blocker and form.is_valid():
        try:
            act(window, form.cleaned_data)
        except DomainError as error:
            apply_domain_error(form, error)
            status = error.http_status
        else:
            messages.success(request, done.format(name=window.name))
            return redirect(detail)
    elif form.errors:
        status = 400
    return render(
        request,
        FORM,
        {
            "form": form,
            "caption": window.name,
            "back_url": detail,
            "notice": Notice(blocker, detail, "See the window") if blocker else None,
            "refused": blocker if status == 409 and blocker else "",
            **page(window),
        },
        status=status,
    )


def _reason_form(label: str, required: str) -> Callable[[Any, EvaluationWindow], forms.Form]:
    return lambda data, window: WindowCorrectionForm(data, label=label, required=required)


@page_access(LEAD_EVALUATORS)
@require_http_methods(["GET", "POST"])
def window_reschedule_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    return _correction_page(
        request,
        actor,
        pk,
        correction="reschedule",
        make_form=lambda data, window: WindowRescheduleForm(
            data,
            initial={
                "name": window.name,
                "opens_at": window.opens_at,
                "closes_at": window.closes_at,
                "evaluation_deadline": window.evaluation_deadline,
            },
        ),
        act=lambda window, data: window_reschedule(actor=actor, window=window, **data),
        done="{name} is changed. Providers are told of any new date.",
        page=lambda window: {
            "title": "Change the window",
            "intro": "Correct the name or dates before the window opens. The same rules apply "
            "as when it was scheduled.",
            "submit_label": "Save changes",
        },
    )


@page_access(LEAD_EVALUATORS)
@require_http_methods(["GET", "POST"])
def window_cancel_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    return _correction_page(
        request,
        actor,
        pk,
        correction="cancel",
        make_form=_reason_form(
            "Why are you cancelling the window?", "Give the reason for cancelling the window."
        ),
        act=lambda window, data: window_cancel(actor=actor, window=window, **data),
        done="{name} is cancelled. Every provider has been told.",
        page=lambda window: {
            "title": f"Are you sure you want to cancel {window.name}?",
            "intro": f"It was to open on {govuk_datetime(window.opens_at)}. A cancelled window "
            "never opens and cannot be scheduled again; its name and dates are free for "
            "another window. Every provider is told.",
            "submit_label": "Cancel the window",
            "submit_class": "govuk-button--warning",
        },
    )


@page_access(LEAD_EVALUATORS)
@require_http_methods(["GET", "POST"])
def window_open_now_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    return _correction_page(
        request,
        actor,
        pk,
        correction="open_now",
        make_form=_reason_form(
            "Why are you opening the window now?", "Give the reason for opening the window now."
        ),
        act=lambda window, data: window_open_now(actor=actor, window=window, **data),
        done="{name} is open. Every provider has been told.",
        page=lambda window: {
            "title": f"Open {window.name} now",
            "intro": f"It is scheduled to open on {govuk_datetime(window.opens_at)}. Opened "
            "now, providers can submit at once and every provider is told it is open. It "
            f"still closes on {govuk_datetime(window.closes_at)}.",
            "submit_label": "Open the window now",
        },
    )


@page_access(LEAD_EVALUATORS)
@require_http_methods(["GET", "POST"])
def window_close_early_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    return _correction_page(
        request,
        actor,
        pk,
        correction="close_early",
        make_form=_reason_form(
            "Why are you closing the window early?",
            "Give the reason for closing the window early.",
        ),
        act=lambda window, data: window_close_early(actor=actor, window=window, **data),
        done="{name} is closed. Submitted applications are now under evaluation.",
        page=lambda window: {
            "title": f"Are you sure you want to close {window.name} early?",
            "intro": f"It is open until {govuk_datetime(window.closes_at)}. Closed now, no "
            "more applications can be submitted, those already submitted go to evaluation, "
            "and every provider is told.",
            "submit_label": "Close the window now",
            "submit_class": "govuk-button--warning",
        },
    )
