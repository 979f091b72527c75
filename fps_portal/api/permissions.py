from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from fps_portal.actors import actor_of


class HasActor(BasePermission):
    """Signed in and acting for an organisation (or a platform administrator)."""

    message = "Sign in with an account that belongs to an organisation on the portal."

    def has_permission(self, request: Request, view: Any) -> bool:
        return actor_of(request) is not None


class ActorHasRole(HasActor):
    """The view lists `allowed_roles`; anyone else gets 403."""

    def has_permission(self, request: Request, view: Any) -> bool:
        actor = actor_of(request)
        if actor is None:
            return False
        allowed = getattr(view, "allowed_roles", None)
        return allowed is None or actor.role in allowed
