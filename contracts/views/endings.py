"""The page that records the end of a placement: the placing authority records any end; the
provider gives notice (a planned end or a breakdown). Both parties'; another's agreement is 404.
Bad input is answered on the field, nothing written; an agreement that cannot end is 409."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from contracts.models import Agreement, AgreementState
from contracts.permissions import AGREEMENT_PARTIES
from contracts.services.endings import end_blocker, placement_end_record
from contracts.views.endings_forms import PlacementEndForm
from fps_portal.access import page_access
from fps_portal.actors import Actor
from fps_portal.dates import govuk_date
from fps_portal.errors import DomainError
from fps_portal.scoping import get_scoped_or_404, scoped
from fps_portal.web.pages import put_on_form
from providers.models import Setting


@page_access(AGREEMENT_PARTIES)
@require_http_methods(["GET", "POST"])
def placement_end(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    agreement = get_scoped_or_404(Agreement, actor, select_related=("order", "setting"), pk=pk)
    blocker = end_blocker(actor, agreement)
    provider = actor.is_provider
    settings = scoped(Setting, actor).exclude(pk=agreement.setting_id or 0).order_by("name")
    form = PlacementEndForm(
        request.POST if request.method == "POST" else None, settings=settings, provider=provider
    )
    status = 200
    if request.method == "POST":
        if blocker:
            status = 409
        elif form.is_valid():
            data = form.cleaned_data
            try:
                end = placement_end_record(
                    actor=actor,
                    agreement=agreement,
                    kind=data["kind"],
                    reason=data["reason"] or "",
                    details=data["details"] or "",
                    requested_by=data.get("requested_by") or "",
                    notice_given_on=data["notice_given_on"],
                    last_day=data["last_day"],
                    move_to_setting=data.get("move_to_setting"),
                    move_to_name=data.get("move_to_name") or "",
                )
            except DomainError as exc:
                put_on_form(form, exc)
                status = exc.http_status
            else:
                agreement.refresh_from_db(fields=["state"])
                messages.success(
                    request,
                    "The placement has ended."
                    if agreement.state == AgreementState.ENDED
                    else f"The end is recorded: the placement ends after "
                    f"{govuk_date(end.last_day)}.",
                )
                return redirect("contracts:agreement", agreement.pk)
    if status == 200 and form.errors:
        status = 400
    return render(
        request,
        "contracts/endings/placement_end.html",
        {"agreement": agreement, "form": form, "blocker": blocker, "provider": provider},
        status=status,
    )
