"""Taking things off a provider's lists: deleting a draft setting, withdrawing a setting, and
removing an evidence document. Each asks for confirmation on its own page (GOV.UK's pattern for
a destructive action) and offers the action only when its service's `*_blocker` allows it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from fps_portal.access import PROVIDERS, page_access
from fps_portal.actors import Actor
from fps_portal.errors import DomainError
from fps_portal.scoping import get_scoped_or_404
from fps_portal.web.pages import put_on_form
from fps_portal.web.reasons import ReasonForm, reason_field
from providers.models import Evidence, Setting
from providers.services.evidence import evidence_remove, evidence_remove_blocker
from providers.services.setting_lifecycle import (
    REASON_MISSING,
    setting_delete,
    setting_delete_blocker,
    setting_withdraw,
    setting_withdraw_blocker,
)

CONFIRM = "providers/directory/confirm_removal.html"


class WithdrawalForm(ReasonForm):
    reason = reason_field(
        "Why are you withdrawing this setting?",
        required=REASON_MISSING,
        max_length=1000,
        rows=4,
        help_text="For example, it has closed or no longer offers places. The lead authority "
        "is told.",
    )


def _own_setting(actor: Actor, pk: int) -> Setting:
    return get_scoped_or_404(
        Setting, actor, pk=pk, provider_id=actor.organisation_id, select_related=["provider"]
    )


def _confirm(
    request: HttpRequest,
    *,
    form: forms.Form,
    blocker: str | None,
    act: Callable[[dict[str, Any]], object],
    done: str,
    then: str,
    error_status: int = 409,
    **page: object,
) -> HttpResponse:
    """A confirmation page: on POST, unless `blocker` says the action can no longer be taken,
    `act(cleaned_data)` and back to `then` with `done`; otherwise the page again, its form
    carrying the service's message (`error_status`), or 409 when a blocker refused the POST."""
    posted = request.method == "POST"
    # A form with no fields has nothing to check (and is unbound when nothing was sent).
    if posted and not blocker and (not form.fields or form.is_valid()):
        try:
            act(form.cleaned_data if form.fields else {})
        except DomainError as exc:
            put_on_form(form, exc)
        else:
            messages.success(request, done)
            return redirect(then)
    status = 409 if blocker and posted else (error_status if form.errors else 200)
    return render(request, CONFIRM, {"form": form, "blocker": blocker, **page}, status=status)


@page_access(PROVIDERS)
@require_http_methods(["GET", "POST"])
def setting_delete_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    setting = _own_setting(actor, pk)
    return _confirm(
        request,
        form=forms.Form(request.POST or None),
        blocker=setting_delete_blocker(setting),
        act=lambda _: setting_delete(actor=actor, setting=setting),
        done=f"{setting.name} was deleted.",
        then="providers:setting-list",
        title=f"Delete {setting.name}?",
        caption="Your settings",
        explanation="The setting, its prices and services are deleted, and it is taken out of "
        "your draft applications. You cannot undo this.",
        button="Delete setting",
        back=reverse("providers:setting-detail", args=[setting.pk]),
    )


@page_access(PROVIDERS)
@require_http_methods(["GET", "POST"])
def setting_withdraw_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    setting = _own_setting(actor, pk)
    return _confirm(
        request,
        form=WithdrawalForm(request.POST or None),
        blocker=setting_withdraw_blocker(setting),
        act=lambda data: setting_withdraw(actor=actor, setting=setting, reason=data["reason"]),
        done=f"{setting.name} was withdrawn. Commissioners no longer find it, and the lead "
        "authority has been told.",
        then="providers:setting-list",
        error_status=400,
        title=f"Withdraw {setting.name}?",
        caption="Your settings",
        explanation="Commissioners will no longer find it, its approval on each lot ends, and "
        "it is taken out of your draft applications. Past applications keep it. To offer it "
        "again, include it in a new application.",
        button="Withdraw setting",
        back=reverse("providers:setting-detail", args=[setting.pk]),
    )


@page_access(PROVIDERS)
@require_http_methods(["GET", "POST"])
def evidence_remove_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    evidence = get_scoped_or_404(Evidence, actor, pk=pk, provider_id=actor.organisation_id)
    return _confirm(
        request,
        form=forms.Form(request.POST or None),
        blocker=evidence_remove_blocker(evidence),
        act=lambda _: evidence_remove(actor=actor, evidence=evidence),
        done=f"'{evidence.title}' was removed from your evidence.",
        then="providers:evidence-list",
        title=f"Remove '{evidence.title}'?",
        caption="Evidence library",
        explanation="The document and its file are deleted, and it is taken out of your draft "
        "applications. You cannot undo this.",
        button="Remove document",
        back=reverse("providers:evidence-list"),
    )
