"""Who may open onboarding pages. Anonymous people go to sign in; other roles get 403; another
organisation's object is 404 through the scoping mechanism."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from fps_portal.accounts.models import Organisation
from fps_portal.actors import Actor, actor_of

View = Callable[..., HttpResponseBase]


def _require(check: Callable[[Actor], bool]) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            actor = actor_of(request)
            if actor is None or not check(actor):
                raise PermissionDenied
            return view(request, actor, *args, **kwargs)

        return wrapped

    return decorator


provider_only = _require(lambda actor: actor.is_provider)
evaluator_only = _require(lambda actor: actor.is_lead_evaluator)
any_actor = _require(lambda actor: True)


def organisation_of(actor: Actor) -> Organisation:
    """The actor's organisation; every onboarding page's actor has one (checked by the
    decorators)."""
    assert actor.organisation is not None
    return actor.organisation
