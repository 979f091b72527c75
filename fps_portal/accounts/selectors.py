"""Reads of the authority administrator's pages and API: the authority's people, each with the
roles they hold and held there. API clients' own users are not people (ADR 0015)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet

from fps_portal.accounts.models import ApiClient, Membership, User
from fps_portal.actors import Actor
from fps_portal.scoping import scoped


def awaiting_first_sign_in(user: User) -> bool:
    """Invited (no password set yet) and never signed in."""
    return not user.has_usable_password() and user.last_login is None


@dataclass(frozen=True)
class Person:
    user: User
    roles: list[Membership]
    ended: list[Membership]

    @property
    def status(self) -> str:
        if not self.roles:
            return "Left"
        return "Invited" if awaiting_first_sign_in(self.user) else "Active"


def people_users(actor: Actor) -> QuerySet[User]:
    """The users who hold or held a role in the actor's organisation, API clients' excluded:
    one query, in a stable order (by id) for a cursor."""
    return scoped(User, actor).filter(api_client__isnull=True).order_by("pk")


def people(actor: Actor, *, users: Iterable[User] | None = None) -> list[Person]:
    """The organisation's people (only `users`, when given), by name, with their roles here:
    one query for the memberships with their users."""
    memberships = (
        scoped(Membership, actor)
        .filter(api_client__isnull=True)
        .select_related("user")
        .order_by("user__full_name", "user__email", "role")
    )
    if users is not None:
        memberships = memberships.filter(user__in=[u.pk for u in users])
    found: dict[int, Person] = {}
    for m in memberships:
        person = found.setdefault(m.user_id, Person(user=m.user, roles=[], ended=[]))
        (person.roles if m.is_active else person.ended).append(m)
    return list(found.values())


def api_clients(actor: Actor) -> QuerySet[ApiClient]:
    """The actor's authority's API clients (none unless they are its administrator)."""
    return scoped(ApiClient, actor).select_related("membership", "created_by").order_by("pk")
