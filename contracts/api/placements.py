"""/api/v1/placements/ (issue 12): the placements list of the two parties, as the page and its
export read it (`contracts.selectors.placements`): the same columns, filters and scoping.

- list: the actor's placements (a placing authority's commissioners and senior managers: their
  authority's; a provider's users: its own), filtered by `state`, `setting`, `ending_within`
  (days from today) and `variation_pending`; each page that names children is one audit event
  naming them.
- retrieve: one placement (another authority's or provider's is 404, as a missing one); a read
  naming the child is audited as a view of the child's record.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from contracts.api.placements_serializers import PlacementSerializer
from contracts.models import Agreement, AgreementState
from contracts.permissions import AGREEMENT_PARTIES
from contracts.selectors.placements import (
    MAX_ENDING_WITHIN,
    PlacementFilters,
    children_shown,
    filter_placements,
    with_placement_columns,
)
from contracts.services.placement_reads import placements_listed
from contracts.services.reading import agreement_viewed
from fps_portal.api.base import ScopedReadOnlyViewSet
from fps_portal.api.filters import StrictBooleanFilter, StrictFilterSet


class DaysFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class PlacementFilterSet(StrictFilterSet):
    state = django_filters.ChoiceFilter(choices=AgreementState.choices, method="by")
    setting = django_filters.NumberFilter(field_name="setting_id", method="by")
    ending_within = DaysFilter(
        min_value=1,
        max_value=MAX_ENDING_WITHIN,
        method="by",
        help_text="Signed or active placements whose last day is from today to this many days on.",
    )
    variation_pending = StrictBooleanFilter(
        method="by", help_text="Whether a variation awaits signatures."
    )

    class Meta:
        model = Agreement
        fields = ["state", "setting", "ending_within", "variation_pending"]

    def by(self, queryset: QuerySet[Agreement], name: str, value: Any) -> QuerySet[Agreement]:
        """Each filter through the selector's one definition."""
        if name == "state":
            filters = PlacementFilters(state=value)
        elif name == "setting_id":
            filters = PlacementFilters(setting_id=int(value))
        elif name == "ending_within":
            filters = PlacementFilters(ending_within=int(value))
        else:
            filters = PlacementFilters(variation_pending=bool(value))
        return filter_placements(queryset, filters, timezone.localdate())


class PlacementViewSet(ScopedReadOnlyViewSet[Agreement]):
    """The placements the actor is a party to."""

    model = Agreement
    access = AGREEMENT_PARTIES
    serializer_class = PlacementSerializer
    filterset_class = PlacementFilterSet

    def optimise(self, queryset: QuerySet[Agreement]) -> QuerySet[Agreement]:
        return with_placement_columns(
            queryset.select_related("order", "setting", "authority", "provider", "placement_end"),
            timezone.localdate(),
        )

    def get_serializer(self, *args: Any, **kwargs: Any) -> serializers.BaseSerializer[Any]:
        if getattr(self, "swagger_fake_view", False) or not args:
            return super().get_serializer(*args, **kwargs)
        agreements = args[0] if isinstance(args[0], list) else [args[0]]
        kwargs["context"] = {
            **self.get_serializer_context(),
            "children": children_shown(self.actor, agreements),
        }
        return self.get_serializer_class()(*args, **kwargs)

    @extend_schema(responses=PlacementSerializer(many=True))
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        assert page is not None  # every list is paginated
        serializer = self.get_serializer(page, many=True)
        shown = serializer.context["children"]
        placements_listed(
            actor=self.actor,
            child_ids=[a.child_id for a in page if a.child_id is not None and a.child_id in shown],
            how="API",
        )
        return self.get_paginated_response(serializer.data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        agreement = self.get_object()
        serializer = self.get_serializer(agreement)
        if agreement.child_id in serializer.context["children"]:
            agreement_viewed(actor=self.actor, agreement=agreement, how="placements API")
        return Response(serializer.data)
