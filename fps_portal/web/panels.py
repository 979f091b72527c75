"""The portal's own dashboard panel: the user's unread notifications."""

from __future__ import annotations

from django.urls import reverse

from fps_portal.accounts.models import ApiClient, Membership, Role
from fps_portal.actors import Actor
from fps_portal.notifications.models import Notification
from fps_portal.scoping import scoped
from fps_portal.web.dashboard import Panel, QueueItem, register_panel


@register_panel(roles=set(Role.values), order=90)
def notifications_panel(actor: Actor) -> Panel:
    unread = scoped(Notification, actor).filter(read_at__isnull=True).count()
    return Panel(
        title="Messages",
        items=[QueueItem(label="Unread notifications", count=unread, url=reverse("notifications"))],
    )


@register_panel(roles={Role.AUTHORITY_ADMIN}, order=10)
def people_panel(actor: Actor) -> Panel:
    people = (
        scoped(Membership, actor)
        .filter(is_active=True, api_client__isnull=True)
        .values("user")
        .distinct()
        .count()
    )
    clients = scoped(ApiClient, actor).filter(revoked_at__isnull=True).count()
    return Panel(
        title="Your authority's accounts",
        items=[
            QueueItem(label="People with a role", count=people, url=reverse("people-list")),
            QueueItem(
                label="API clients not revoked", count=clients, url=reverse("api-client-list")
            ),
        ],
    )
