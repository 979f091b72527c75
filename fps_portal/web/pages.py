"""Helpers every capability's pages share: who may open a page, and a service's messages put on
the form's fields (the error summary lists them)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
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


def add_problems(
    form: forms.Form,
    problems: Mapping[str, Any],
    *,
    field_for: Callable[[str], str] = lambda name: name,
) -> None:
    """Puts a service's messages (by the service's field name) on the form's fields.

    A field that already has an error keeps only its own: the service saw a placeholder for it.
    A message about something the form has no field for goes at the top of the form.
    """
    for name, messages in problems.items():
        target = field_for(name)
        if target in form.errors:
            continue
        for message in messages if isinstance(messages, list) else [messages]:
            form.add_error(target if target in form.fields else None, str(message))
