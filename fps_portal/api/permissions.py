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
