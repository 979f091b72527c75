"""Regional uplift pages: every provider and authority reads the uplifts the lead authority has
published; the lead authority publishes one; a provider applies one to many of its agreements at
once (all or nothing, see `contracts.services.uplifts`)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from contracts.models import RegionalUplift
from contracts.services.uplifts import (
    FIELD_PREFIX,
    applicable_agreements,
    regional_uplift_apply,
    regional_uplift_publish,
)
from contracts.views.uplifts_forms import ApplyUpliftForm, PublishUpliftForm
from fps_portal.access import AUTHORITIES, LEAD_EVALUATORS, PROVIDERS, either, page_access
from fps_portal.actors import Actor
from fps_portal.errors import DomainError
from fps_portal.scoping import get_scoped_or_404, scoped
from fps_portal.web.pages import put_on_form
from providers.models import PurchasingSystem

UPLIFT_READERS = either(
    PROVIDERS,
    AUTHORITIES,
    message="Only providers and local authority staff can see regional uplifts.",
)


@page_access(UPLIFT_READERS)
def uplift_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    uplifts = list(scoped(RegionalUplift, actor).select_related("purchasing_system"))
    return render(request, "contracts/uplifts/list.html", {"uplifts": uplifts})


@page_access(LEAD_EVALUATORS)
@require_http_methods(["GET", "POST"])
def uplift_publish(request: HttpRequest, actor: Actor) -> HttpResponse:
    systems = scoped(PurchasingSystem, actor).order_by("name")
    form = PublishUpliftForm(request.POST if request.method == "POST" else None, systems=systems)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            uplift = regional_uplift_publish(
                actor=actor,
                purchasing_system=data["purchasing_system"],
                title=data["title"] or "",
                percent=data["percent"],
                effective_from=data["effective_from"],
                reason=data["reason"] or "",
            )
        except DomainError as exc:
            put_on_form(form, exc)
            status = exc.http_status
        else:
            messages.success(request, f"{uplift.title} is published. Providers have been told.")
            return redirect("contracts:regional-uplifts")
    if status == 200 and form.errors:
        status = 400
    return render(request, "contracts/uplifts/publish.html", {"form": form}, status=status)


@page_access(PROVIDERS)
@require_http_methods(["GET", "POST"])
def uplift_apply(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    uplift = get_scoped_or_404(RegionalUplift, actor, pk=pk)
    agreements = list(applicable_agreements(actor, uplift))
    choices = [
        (str(a.pk), f"{a.reference}: {a.order.setting_name}, £{a.weekly_fee:,} a week")
        for a in agreements
    ]
    form = ApplyUpliftForm(request.POST if request.method == "POST" else None, choices=choices)
    status = 200
    if request.method == "POST" and form.is_valid():
        chosen = {int(pk) for pk in form.cleaned_data["agreements"]}
        try:
            made = regional_uplift_apply(
                actor=actor, uplift=uplift, agreements=[a for a in agreements if a.pk in chosen]
            )
        except DomainError as exc:
            for key, found in exc.fields.items():
                for message in found:
                    form.add_error(
                        "agreements"
                        if key.startswith(FIELD_PREFIX) or key == "agreements"
                        else None,
                        message,
                    )
            if not exc.fields:
                put_on_form(form, exc)
            status = exc.http_status
        else:
            messages.success(
                request,
                f"{uplift.title} is proposed on {len(made)} agreement"
                f"{'s' if len(made) != 1 else ''}. Sign each new version; its placing authority "
                "then countersigns.",
            )
            return redirect("contracts:regional-uplifts")
    if status == 200 and form.errors:
        status = 400
    return render(
        request,
        "contracts/uplifts/apply.html",
        {"uplift": uplift, "form": form, "agreements": agreements},
        status=status,
    )
