"""Recording an inspection judgement for a setting: the lead authority's evaluators and the
setting's own provider (whose report then waits for the lead authority's check).

Two steps on one address, both plain forms (no JavaScript needed): with no `?framework=` the page
asks for the framework (a GET form, so the choice is in the address and Back works); with one, it
shows only that framework's areas and values, and posts with the framework in a hidden field."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from fps_portal.access import LEAD_EVALUATORS, PROVIDERS, either, page_access
from fps_portal.actors import Actor
from fps_portal.errors import DomainError
from fps_portal.scoping import get_scoped_or_404
from providers.inspections.models import CheckStatus, JudgementSource
from providers.inspections.permissions import can_record_judgement
from providers.inspections.services import judgement_record
from providers.inspections.views.forms import FrameworkChoiceForm, JudgementForm
from providers.models import Setting

#: The lead authority, or the setting's own provider (`can_record_judgement` checks which).
JUDGEMENT_RECORDERS = either(
    LEAD_EVALUATORS,
    PROVIDERS,
    message="Only the lead authority or the setting's provider can record its judgements.",
)


@page_access(JUDGEMENT_RECORDERS)
@require_http_methods(["GET", "POST"])
def judgement_create(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    setting = get_scoped_or_404(Setting, actor, pk=pk)
    if not can_record_judgement(actor, setting):
        return render(request, "403.html", status=403)
    if request.method == "GET":
        # Bound once the first step was sent (its hidden `step` goes even with no radio chosen).
        sent = "framework" in request.GET or "step" in request.GET
        choice = FrameworkChoiceForm(request.GET if sent else None)
        if not choice.is_valid():
            return render(
                request,
                "providers/directory/judgement_framework.html",
                {"form": choice, "setting": setting},
                status=400 if choice.errors else 200,
            )
    form = JudgementForm(
        request.POST or None,
        initial={
            "relates_to_current_urn": True,
            "framework": request.GET.get("framework", ""),
        },
        actor=actor,
        setting=setting,
        source=JudgementSource.MANUAL,
    )
    if request.method == "POST" and form.is_valid():
        try:
            judgement, _ = judgement_record(actor=actor, setting=setting, data=form.to_data())
        except DomainError as exc:
            form.add_service_error(exc)
        else:
            setting.refresh_from_db()
            band = setting.get_current_band_display().lower()
            if judgement.check_status == CheckStatus.AWAITING_CHECK:
                messages.success(
                    request,
                    "Judgement recorded as reported by the provider. It counts towards the "
                    "setting's band once the lead authority has checked it against the published "
                    f"report; until then the band stays {band}.",
                )
            else:
                messages.success(request, f"Judgement recorded. The setting's band is now {band}.")
            return redirect("providers:setting-detail", pk=setting.pk)
    return render(
        request,
        "providers/directory/judgement_form.html",
        {"form": form, "setting": setting},
        status=400 if form.errors else 200,
    )
