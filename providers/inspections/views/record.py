"""Recording an inspection judgement for a setting: the lead authority's evaluators and the
setting's own provider (whose report then waits for the lead authority's check)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from fps_portal.actors import Actor
from fps_portal.errors import DomainError
from fps_portal.scoping import get_scoped_or_404
from fps_portal.web.pages import actor_required
from providers.inspections.models import CheckStatus, JudgementSource
from providers.inspections.permissions import can_record_judgement
from providers.inspections.services import judgement_record
from providers.inspections.views.forms import JudgementForm
from providers.models import Setting


@actor_required(lambda a: a.is_lead_evaluator or a.is_provider)
@require_http_methods(["GET", "POST"])
def judgement_create(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    setting = get_scoped_or_404(Setting, actor, pk=pk)
    if not can_record_judgement(actor, setting):
        return render(request, "403.html", status=403)
    form = JudgementForm(
        request.POST or None,
        initial={"relates_to_current_urn": True},
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
