"""The rating alerts' pages: the alerts told to the viewer's authority, each alert with the old
and new judgement, what to do next, the viewer's own authority's children placed there (audited)
and who in that authority acknowledged it; and the acknowledge button."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from fps_portal.access import page_access
from fps_portal.actors import Actor
from fps_portal.errors import DomainError
from fps_portal.scoping import get_scoped_or_404
from quality.models import RatingAlert
from quality.permissions import ALERT_READERS
from quality.selectors.alerts import alert_view, alerts_for
from quality.services.alerts import alert_acknowledge
from quality.services.reading import alert_placements_viewed


@page_access(ALERT_READERS)
def alert_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    return render(request, "quality/alert_list.html", {"alerts": list(alerts_for(actor)[:200])})


@page_access(ALERT_READERS)
def alert_detail(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    view = alert_view(actor, pk)
    alert_placements_viewed(actor=actor, placements=view.placements, alert_id=view.alert.pk)
    return render(
        request,
        "quality/alert_detail.html",
        {"view": view, "alert": view.alert, "setting": view.alert.setting},
    )


@page_access(ALERT_READERS)
@require_POST
def alert_acknowledge_page(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    alert = get_scoped_or_404(RatingAlert, actor, pk=pk)
    try:
        alert_acknowledge(actor=actor, alert=alert)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "You have acknowledged the alert.")
    return redirect("quality:alert", pk=alert.pk)
