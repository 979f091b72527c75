"""Who may use a route: one rule per page or endpoint, the same rules for pages and the API.

A rule (`Access`) is a test on the actor and what a refused actor is told. Pages take it in
`@page_access(RULE)`; API viewsets in `access = RULE` (the whole endpoint) and `action_rules`
(one action). Both refuse before any object is looked up or a body read, so a role that can
never do something gets the same 403 whatever id or input it sent; another organisation's object
is then 404 through the scoping mechanism. See ADR 0014.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, NamedTuple

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render

from fps_portal.accounts.models import Organisation, Role
from fps_portal.actors import Actor, actor_of

View = Callable[..., HttpResponseBase]


def role_refusal(actor: Actor) -> str:
    """Why this actor's role cannot use a route meant for other roles, naming the role and
    organisation they act for, so they know it is the role and not the account at fault."""
    if actor.membership is None:
        # A platform administrator without a membership: the portal's data is not theirs to see.
        return (
            "Your account acts for no organisation, so it cannot use this part of the API. "
            "Platform administration is done in the back office."
        )
    role = Role(actor.membership.role).label.lower()
    return f"Your role ({role} at {actor.organisation}) cannot use this part of the API."


class Access(NamedTuple):
    """Who may use a route: `allows(actor)`, and the refusal the API gives everyone else (none:
    a message naming the actor's role, from `role_refusal`)."""

    allows: Callable[[Actor], bool]
    refusal: str | None = None

    def refusal_for(self, actor: Actor) -> str:
        return self.refusal if self.refusal is not None else role_refusal(actor)


def either(*rules: Access, message: str) -> Access:
    """Allowed by any of the rules."""
    return Access(lambda actor: any(rule.allows(actor) for rule in rules), message)


def roles(*allowed: str) -> Access:
    """The membership's role is one of these (whatever the organisation)."""
    return Access(lambda actor: actor.role in allowed)


#: Signed in with an actor: any membership, or a platform administrator with none (who then
#: sees only their own things).
ANY_ACTOR = Access(lambda actor: True)
PROVIDERS = Access(lambda actor: actor.is_provider, "Only the provider's own users can do this.")
LEAD_EVALUATORS = Access(
    lambda actor: actor.is_lead_evaluator, "Only the lead authority's evaluators can do this."
)
AUTHORITIES = Access(
    lambda actor: actor.is_authority, "Only local authority staff can use this part of the portal."
)
#: The directory's readers: authority staff, providers and forum members.
DIRECTORY_READERS = Access(
    lambda actor: actor.is_authority or actor.is_provider or actor.is_forum,
    "Only authority staff, providers and forum members can use this list.",
)

#: An authority's administrator (ADR 0015): manages its people and API clients. Never an API
#: client, whatever its role: a client must not manage people or clients.
AUTHORITY_ADMINS = Access(
    lambda actor: actor.is_authority_admin and actor.api_client is None,
    "Only the authority's administrators can manage its people and API clients.",
)


def page_access(rule: Access) -> Callable[[View], View]:
    """A page for the actors `rule` allows; the view is called as `view(request, actor, ...)`.

    Anonymous people go to sign in; a signed-in account acting for no organisation gets the
    no-organisation page (403), as on the dashboard; any other actor the rule refuses gets 403.
    """

    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            actor = actor_of(request)
            if actor is None:
                return render(request, "portal/no_membership.html", status=403)
            if not rule.allows(actor):
                raise PermissionDenied
            return view(request, actor, *args, **kwargs)

        return wrapped

    return decorator


def organisation_of(actor: Actor) -> Organisation:
    """The actor's organisation, for a route whose rule only organisations' members pass."""
    assert actor.organisation is not None
    return actor.organisation
