"""Input fields that hold the API to the same limits as the forms and the database."""

from __future__ import annotations

from typing import Any

from django.db import models
from rest_framework import serializers

from fps_portal.text import too_long


def model_text(
    model: type[models.Model], name: str, what: str, **kwargs: Any
) -> serializers.CharField:
    """A text input as long as the model's column allows (its `max_length`, if it has one), with
    the forms' GOV.UK wording when it is over: over-long text is refused with a 400 naming the
    field, never sent to the database to fail there."""
    limit = getattr(model._meta.get_field(name), "max_length", None)
    if limit is not None:
        kwargs.setdefault("max_length", limit)
        kwargs["error_messages"] = {**too_long(what, limit), **kwargs.get("error_messages", {})}
    return serializers.CharField(**kwargs)


def column_limit(model: type[models.Model], name: str) -> int:
    """The `max_length` of a model's text column (for inputs other than plain text)."""
    limit = getattr(model._meta.get_field(name), "max_length", None)
    assert isinstance(limit, int), f"{model.__name__}.{name} has no max_length"
    return limit
