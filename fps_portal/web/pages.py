"""Helpers every capability's pages share: a service's messages put on the form's fields (the
error summary lists them). Who may open a page is `fps_portal.access.page_access`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django import forms
from django.http import HttpResponse

from fps_portal.errors import DomainError

View = Callable[..., HttpResponse]


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
