"""Helpers the directory pages share."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render

from fps_portal.actors import Actor, actor_of
from fps_portal.errors import DomainError

View = Callable[..., HttpResponse]


def actor_required(allowed: Callable[[Actor], bool]) -> Callable[[View], View]:
    """Signed in (else the sign-in page), acting for an organisation the check allows (else 403)."""

    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            actor = actor_of(request)
            if actor is None or actor.membership is None or not allowed(actor):
                return render(request, "403.html", status=403)
            return view(request, actor, *args, **kwargs)

        return wrapped

    return decorator


def put_on_form(form: forms.Form, exc: DomainError) -> None:
    """The service's message at each field it names (the error summary lists them)."""
    placed = False
    for name, messages in exc.fields.items():
        if name in form.fields:
            for message in messages if isinstance(messages, list) else [messages]:
                form.add_error(name, str(message))
            placed = True
    if not placed:
        form.add_error(None, exc.message)


def query_without(params: Any, *names: str) -> str:
    """The query string without the named parameters (for pagination and export links)."""
    copy = params.copy()
    for name in names:
        copy.pop(name, None)
    return str(copy.urlencode())


def search_to_return_to(request: HttpRequest) -> str:
    """The search a setting's page was opened from (`?from=`), as a clean query string.

    Re-encoded from its parsed form, so whatever was put in the parameter can only ever become
    a query string on the search's own path, never another address.
    """
    raw = request.GET.get("from", "")
    return QueryDict(raw).urlencode() if raw else ""
