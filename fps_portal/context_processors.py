"""What every page needs: the actor and the navigation for their role."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from fps_portal.actors import Actor, actor_of


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    show: Callable[[Actor | None], bool]


_nav: list[NavEntry] = []


def register_nav(label: str, url_name: str, show: Callable[[Actor | None], bool]) -> None:
    """Apps add their top-level pages here (from their AppConfig.ready)."""
    if all(entry.url_name != url_name for entry in _nav):
        _nav.append(NavEntry(label, url_name, show))


register_nav("Dashboard", "dashboard", lambda actor: actor is not None)
register_nav("People", "people-list", lambda actor: actor is not None and actor.is_authority_admin)
register_nav(
    "API clients", "api-client-list", lambda actor: actor is not None and actor.is_authority_admin
)


def portal(request: HttpRequest) -> dict[str, object]:
    actor = actor_of(request) if getattr(request, "user", None) is not None else None
    items = []
    for entry in _nav:
        if not entry.show(actor):
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        active = request.path == url or (
            url != "/" and request.path.startswith(url) and entry.url_name != "dashboard"
        )
        items.append({"label": entry.label, "url": url, "active": active})
    return {"actor": actor, "nav_items": items}
