"""Strict query-parameter filtering: a value that cannot be understood answers 400 naming the
parameter, rather than being ignored and returning results the caller did not ask for."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db import models
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError

TRUE_VALUES = ("true", "1", "yes")
FALSE_VALUES = ("false", "0", "no")


# Documented as the words it takes: a query parameter is text, and these are the words.
@extend_schema_field({"type": "string", "enum": [*TRUE_VALUES, *FALSE_VALUES]})
class StrictBooleanFilter(django_filters.TypedChoiceFilter):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("choices", [(v, v) for v in (*TRUE_VALUES, *FALSE_VALUES)])
        kwargs.setdefault("coerce", lambda value: value in TRUE_VALUES)
        super().__init__(*args, **kwargs)


class StrictFilterSet(django_filters.FilterSet):
    FILTER_DEFAULTS = {
        **django_filters.FilterSet.FILTER_DEFAULTS,
        models.BooleanField: {"filter_class": StrictBooleanFilter},
    }


# Parameters every list understands besides its filters.
COMMON_PARAMETERS = frozenset({"cursor", "page_size", "ordering", "format"})


class StrictFilterBackend(DjangoFilterBackend):
    """Uses StrictFilterSet for `filterset_fields`; refuses parameters the view does not know."""

    filterset_base = StrictFilterSet

    def filter_queryset(self, request: Any, queryset: Any, view: Any) -> Any:
        filterset_class = self.get_filterset_class(view, queryset)
        known = set(COMMON_PARAMETERS) | set(getattr(view, "extra_query_parameters", ()))
        if filterset_class is not None:
            known |= set(filterset_class.base_filters)
        if getattr(view, "action", "list") == "list":
            problems = {
                name: ["This is not a parameter of this list."]
                for name in sorted(set(request.query_params) - known)
            }
            # `?state=` would otherwise quietly mean "any state": say what is missing instead.
            problems.update(
                {
                    name: ["Give a value for this parameter, or leave it out."]
                    for name, values in request.query_params.lists()
                    if name in known and name not in COMMON_PARAMETERS and "" in values
                }
            )
            if problems:
                raise ValidationError(problems)
        return super().filter_queryset(request, queryset, view)
