"""The portal's own dashboard panel: the user's unread notifications."""

from __future__ import annotations

from django.urls import reverse

from fps_portal.accounts.models import Role
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
