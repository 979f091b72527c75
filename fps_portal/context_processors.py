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


def _current(path: str, urls: list[str]) -> str | None:
    """The one item a page belongs to: its own address, else the longest item address it sits
    under ("/fps/windows/3/" is under Windows, "/fps/windows/", not also under "/fps/"). The
    dashboard and the home page own only themselves."""
    if path in urls:
        return path
    under = [url for url in urls if url not in ("/", reverse("dashboard")) and path.startswith(url)]
    return max(under, key=len, default=None)


def portal(request: HttpRequest) -> dict[str, object]:
    actor = actor_of(request) if getattr(request, "user", None) is not None else None
    entries: list[tuple[str, str]] = []
    for entry in _nav:
        if not entry.show(actor):
            continue
        try:
            entries.append((entry.label, reverse(entry.url_name)))
        except NoReverseMatch:
            continue
    current = _current(request.path, [url for _, url in entries])
    items = [{"label": label, "url": url, "active": url == current} for label, url in entries]
    return {"actor": actor, "nav_items": items}
