"""The API's permission classes: the rules of `fps_portal.access`, checked before the body is
read or any object looked up."""

from typing import Any

from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from fps_portal.access import Access
from fps_portal.actors import actor_of

NO_ORGANISATION = "Sign in with an account that belongs to an organisation on the portal."


class HasActor(BasePermission):
    """Signed in and acting for an organisation (or a platform administrator)."""

    message = NO_ORGANISATION

    def has_permission(self, request: Request, view: Any) -> bool:
        return actor_of(request) is not None


class AccessAllowed(HasActor):
    """Who may use the endpoint (`access`) and each action (`action_rules`, action name ->
    `Access`); an action the view does not list is open to every actor the endpoint allows.

    The service checks again on the object itself (a provider's OWN application): this check
    only makes sure a role that can never do the action is refused first, with a 403, whatever
    it sent.
    """

    def has_permission(self, request: Request, view: Any) -> bool:
        actor = actor_of(request)
        if actor is None:
            return False
        action_rules: dict[str, Access] = getattr(view, "action_rules", {})
        for rule in (getattr(view, "access", None), action_rules.get(getattr(view, "action", ""))):
            if rule is not None and not rule.allows(actor):
                # DRF makes a permission instance per request, so the message belongs to this one.
                self.message = rule.refusal_for(actor)
                return False
        return True


class SignedInInPerson(BasePermission):
    """The request comes with a browser session of the portal (past its second factor), not a
    token or an API client's credential: for the authority administrator's endpoints (people and
    API clients, ADR 0015). A credential is a single factor a system holds; managing who may act
    for an authority takes the person, signed in with their second factor."""

    message = (
        "Manage people and API clients signed in to the portal as your authority's "
        "administrator: a token or an API client's credential cannot."
    )

    def has_permission(self, request: Request, view: Any) -> bool:
        return isinstance(request.successful_authenticator, SessionAuthentication)
