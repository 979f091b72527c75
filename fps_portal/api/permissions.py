from collections.abc import Callable
from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from fps_portal.accounts.models import Role
from fps_portal.actors import Actor, actor_of

NO_ORGANISATION = "Sign in with an account that belongs to an organisation on the portal."


def role_refusal(actor: Actor) -> str:
    """Why this actor's role cannot use an endpoint meant for other roles, naming the role and
    organisation they act for, so they know it is the role and not the account at fault."""
    if actor.membership is None:
        # A platform administrator without a membership: the portal's data is not theirs to see.
        return (
            "Your account acts for no organisation, so it cannot use this part of the API. "
            "Platform administration is done in the back office."
        )
    role = Role(actor.membership.role).label.lower()
    return f"Your role ({role} at {actor.organisation}) cannot use this part of the API."


class HasActor(BasePermission):
    """Signed in and acting for an organisation (or a platform administrator)."""

    message = NO_ORGANISATION

    def has_permission(self, request: Request, view: Any) -> bool:
        return actor_of(request) is not None


class ActorHasRole(HasActor):
    """The view lists `allowed_roles`; anyone else gets 403 saying their role is the reason."""

    def has_permission(self, request: Request, view: Any) -> bool:
        actor = actor_of(request)
        if actor is None:
            return False
        allowed = getattr(view, "allowed_roles", None)
        if allowed is None or actor.role in allowed:
            return True
        # DRF makes a permission instance per request, so the message belongs to this one.
        self.message = role_refusal(actor)
        return False


ActorRule = tuple[Callable[[Actor], bool], str]


def lead_evaluators_only(actor: Actor) -> bool:
    return actor.is_lead_evaluator


def providers_only(actor: Actor) -> bool:
    return actor.is_provider


LEAD_EVALUATORS: ActorRule = (
    lead_evaluators_only,
    "Only the lead authority's evaluators can do this.",
)
PROVIDERS: ActorRule = (providers_only, "Only the provider's own users can do this.")


def either(*rules: ActorRule, message: str) -> ActorRule:
    return (lambda actor: any(test(actor) for test, _ in rules), message)


class ActionAllowed(HasActor):
    """Who may attempt each action, checked before the body is read or any object looked up.

    The view lists `action_rules` (action name -> (test, refusal)); an action it does not list is
    open to every actor. The service checks again on the object itself (a provider's OWN
    application): this check only makes sure a role that can never do the action is refused
    first, with a 403, whatever it sent.
    """

    def has_permission(self, request: Request, view: Any) -> bool:
        actor = actor_of(request)
        if actor is None:
            return False
        rule: ActorRule | None = getattr(view, "action_rules", {}).get(getattr(view, "action", ""))
        if rule is None:
            return True
        test, refusal = rule
        if test(actor):
            return True
        self.message = refusal
        return False
