"""Portal-wide pages: the dashboard, notifications, choosing which organisation to act for."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from fps_portal.access import ANY_ACTOR, page_access
from fps_portal.actors import SESSION_MEMBERSHIP_KEY, Actor, active_memberships, actor_of
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record
from fps_portal.notifications.models import Notification
from fps_portal.notifications.services import notification_mark_read
from fps_portal.scoping import get_scoped_or_404, scoped
from fps_portal.web.dashboard import panels_for


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("dashboard")
    return render(request, "portal/home.html")


@page_access(ANY_ACTOR)
def dashboard(request: HttpRequest, actor: Actor) -> HttpResponse:
    if actor.membership is None:  # a platform administrator with no organisation
        return redirect("admin:index")
    return render(
        request,
        "portal/dashboard.html",
        {"panels": panels_for(actor), "role_label": actor.membership.get_role_display()},
    )


@page_access(ANY_ACTOR)
def notification_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    page = Paginator(scoped(Notification, actor), 25).get_page(request.GET.get("page"))
    return render(request, "portal/notifications.html", {"page": page})


@page_access(ANY_ACTOR)
@require_POST
def notification_open(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    notification = get_scoped_or_404(Notification, actor, pk=pk)
    notification_mark_read(notification=notification)
    target = notification.url or reverse("notifications")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("notifications")
    return HttpResponseRedirect(target)


@login_required
@require_http_methods(["GET", "POST"])
def switch_membership(request: HttpRequest) -> HttpResponse:
    memberships = active_memberships(request.user)  # type: ignore[arg-type]
    if request.method == "POST":
        chosen = next((m for m in memberships if str(m.pk) == request.POST.get("membership")), None)
        if chosen is None:
            return render(
                request,
                "portal/switch_membership.html",
                {
                    "memberships": memberships,
                    "error": "Select the organisation you want to act for.",
                },
                status=400,
            )
        previous = actor_of(request)
        with transaction.atomic():
            # Who acted for which organisation from when is part of the trail: each row after
            # this one names the organisation chosen here.
            audit_record(
                actor=Actor(user=request.user, membership=chosen),  # type: ignore[arg-type]
                verb=AuditVerb.SWITCHED_ORGANISATION,
                obj=chosen,
                before={"membership": previous.membership.pk}
                if previous is not None and previous.membership is not None
                else None,
                after={"membership": chosen.pk},
                reason=f"Now acting for {chosen.organisation.name} as "
                f"{chosen.get_role_display().lower()}",
            )
        request.session[SESSION_MEMBERSHIP_KEY] = chosen.pk
        messages.success(request, f"You are now acting for {chosen.organisation.name}.")
        return redirect("dashboard")
    return render(request, "portal/switch_membership.html", {"memberships": memberships})


def static_page(template: str) -> Callable[[HttpRequest], HttpResponse]:
    def view(request: HttpRequest) -> HttpResponse:
        return render(request, template)

    return view
