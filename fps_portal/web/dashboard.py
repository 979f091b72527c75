"""Dashboard panels. Each app registers the work queues it owns for the roles that work them,
so the portal's dashboard needs no knowledge of the apps that build on it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from fps_portal.actors import Actor


@dataclass(frozen=True)
class QueueItem:
    label: str
    count: int
    url: str = ""
    hint: str = ""


@dataclass(frozen=True)
class Panel:
    title: str
    items: list[QueueItem] = field(default_factory=list)
    description: str = ""


PanelBuilder = Callable[[Actor], Panel | None]


@dataclass(frozen=True)
class _Registration:
    roles: frozenset[str]
    order: int
    build: PanelBuilder


_registry: list[_Registration] = []


def register_panel(
    *, roles: set[str] | frozenset[str], order: int = 50
) -> Callable[[PanelBuilder], PanelBuilder]:
    def decorator(build: PanelBuilder) -> PanelBuilder:
        _registry.append(_Registration(roles=frozenset(roles), order=order, build=build))
        return build

    return decorator


def panels_for(actor: Actor) -> list[Panel]:
    chosen = sorted((r for r in _registry if actor.role in r.roles), key=lambda r: r.order)
    return [panel for r in chosen if (panel := r.build(actor)) is not None]
