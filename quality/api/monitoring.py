"""/api/v1/monitoring-returns/: quarterly monitoring returns, with the same scoping as the pages
(the provider its own whole; a placing authority's QA officer the setting totals and its own
placements, reviews and steps; another authority's return: 404; every other role: 403).

The provider sends a return with `POST .../<id>/submit/`, its figures in the body as
`{"figures": {"s<id>_<count>": n, "p<id>_attendance_percent": 94.5, "o<id>_rating": "on_track",
"o<id>_progress": "..."}}` (the ids are the return's `settings`, `placements` and `outcomes`);
a QA officer reviews it with `POST .../<id>/review/`
(`{"decision": "rated"|"returned", "rating": ..., "comments": ...}`). Each answers the return.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from fps_portal.access import PROVIDERS, Access, either
from fps_portal.api.base import ScopedReadOnlyViewSet
from fps_portal.scoping import scoped
from quality.models import (
    MonitoringRating,
    MonitoringReturn,
    OutcomeProgress,
    PlacementReturn,
    ProgressRating,
    ReturnEvent,
    ReturnReview,
    ReviewDecision,
    SettingReturn,
)
from quality.monitoring_scope_rules import monitors
from quality.services.monitoring import monitoring_return_review, monitoring_return_submit
from quality.services.monitoring_views import monitoring_placements_viewed

QA_OFFICERS = Access(monitors, "Only authorities' QA officers review monitoring returns.")


class SettingReturnSerializer(serializers.ModelSerializer):
    setting_name = serializers.CharField(source="setting.name", read_only=True)

    class Meta:
        model = SettingReturn
        fields = [
            "id",
            "setting",
            "setting_name",
            "staffing_changes",
            "complaints",
            "incidents",
            "restraints",
            "safeguarding_referrals",
            "exclusions",
            "suspensions",
        ]
        read_only_fields = fields


class OutcomeProgressSerializer(serializers.ModelSerializer):
    # Blank until the provider rates it: DRF drops allow_blank from a read-only model field,
    # so the schema would promise a rating the draft does not have.
    rating = serializers.ChoiceField(
        choices=ProgressRating.choices, allow_blank=True, read_only=True
    )

    class Meta:
        model = OutcomeProgress
        fields = ["id", "position", "outcome_text", "rating", "progress"]
        read_only_fields = fields


class PlacementReturnSerializer(serializers.ModelSerializer):
    agreement_reference = serializers.CharField(source="agreement.reference", read_only=True)
    child = serializers.IntegerField(source="agreement.child_id", read_only=True)
    outcomes = OutcomeProgressSerializer(many=True, read_only=True)

    class Meta:
        model = PlacementReturn
        fields = [
            "id",
            "agreement",
            "agreement_reference",
            "child",
            "authority",
            "setting",
            "attendance_percent",
            "exclusions",
            "suspensions",
            "incidents",
            "restraints",
            "safeguarding_referrals",
            "outcomes",
        ]
        read_only_fields = fields


class ReturnReviewSerializer(serializers.ModelSerializer):
    # Blank when the return was sent back rather than rated (as above).
    rating = serializers.ChoiceField(
        choices=MonitoringRating.choices, allow_blank=True, read_only=True
    )

    class Meta:
        model = ReturnReview
        fields = ["authority", "submission", "decision", "rating", "comments", "reviewed_at"]
        read_only_fields = fields


class ReturnEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReturnEvent
        fields = ["kind", "authority", "detail", "at"]
        read_only_fields = fields


class MonitoringReturnSerializer(serializers.ModelSerializer):
    quarter = serializers.CharField(source="round.label", read_only=True)
    period_start = serializers.DateField(source="round.period_start", read_only=True)
    period_end = serializers.DateField(source="round.period_end", read_only=True)
    provider_name = serializers.CharField(source="provider.name", read_only=True)
    settings = SettingReturnSerializer(many=True, read_only=True)
    placements = PlacementReturnSerializer(many=True, read_only=True)
    reviews = ReturnReviewSerializer(many=True, read_only=True)
    history = ReturnEventSerializer(source="events", many=True, read_only=True)

    class Meta:
        model = MonitoringReturn
        fields = [
            "id",
            "quarter",
            "period_start",
            "period_end",
            "provider",
            "provider_name",
            "state",
            "due_on",
            "submissions",
            "submitted_at",
            "returned_at",
            "reviewed_at",
            "settings",
            "placements",
            "reviews",
            "history",
        ]
        read_only_fields = fields


class MonitoringSubmitInputSerializer(serializers.Serializer):
    figures = serializers.DictField(child=serializers.CharField(allow_blank=True, max_length=4000))


class MonitoringReviewInputSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=ReviewDecision.choices)
    rating = serializers.ChoiceField(
        choices=MonitoringRating.choices, required=False, allow_blank=True, default=""
    )
    comments = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)


class MonitoringReturnViewSet(ScopedReadOnlyViewSet[MonitoringReturn]):
    """Monitoring returns: a provider's own; a QA officer's where its authority has a child."""

    model = MonitoringReturn
    serializer_class = MonitoringReturnSerializer
    access = either(
        PROVIDERS,
        QA_OFFICERS,
        message="Only the provider and the placing authorities' QA officers read monitoring "
        "returns.",
    )
    filterset_fields = ["state"]
    action_rules = {"submit": PROVIDERS, "review": QA_OFFICERS}

    def optimise(self, queryset: QuerySet[MonitoringReturn]) -> QuerySet[MonitoringReturn]:
        actor = self.actor
        return queryset.select_related("round", "provider").prefetch_related(
            Prefetch(
                "settings",
                queryset=scoped(SettingReturn, actor)
                .select_related("setting")
                .order_by("setting__name", "id"),
            ),
            Prefetch(
                "placements",
                queryset=scoped(PlacementReturn, actor)
                .select_related("agreement")
                .prefetch_related(
                    Prefetch(
                        "outcomes",
                        queryset=scoped(OutcomeProgress, actor).order_by("position", "id"),
                    )
                )
                .order_by("agreement__reference", "id"),
            ),
            Prefetch("reviews", queryset=scoped(ReturnReview, actor).order_by("reviewed_at", "id")),
            Prefetch("events", queryset=scoped(ReturnEvent, actor).order_by("at", "id")),
        )

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        monitoring_return = self.get_object()
        monitoring_placements_viewed(
            actor=self.actor,
            monitoring_return=monitoring_return,
            placements=list(monitoring_return.placements.all()),
            how="API",
        )
        return Response(MonitoringReturnSerializer(monitoring_return).data)

    def _fresh(self, monitoring_return: MonitoringReturn) -> Response:
        fresh = self.get_queryset().filter(pk=monitoring_return.pk).get()
        return Response(MonitoringReturnSerializer(fresh).data)

    @extend_schema(request=MonitoringSubmitInputSerializer, responses=MonitoringReturnSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        """The provider sends the return with every figure (400 naming each one missing)."""
        monitoring_return = self.get_object()
        data = _valid(MonitoringSubmitInputSerializer, request)
        monitoring_return_submit(
            actor=self.actor, monitoring_return=monitoring_return, figures=data["figures"]
        )
        return self._fresh(monitoring_return)

    @extend_schema(request=MonitoringReviewInputSerializer, responses=MonitoringReturnSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str | None = None) -> Response:
        """The QA officer rates its part of the return or returns it; 409 when not sent."""
        monitoring_return = self.get_object()
        data = _valid(MonitoringReviewInputSerializer, request)
        monitoring_return_review(
            actor=self.actor,
            monitoring_return=monitoring_return,
            decision=data["decision"],
            rating=data["rating"],
            comments=data["comments"],
        )
        return self._fresh(monitoring_return)


def _valid(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


ROUTES = [("monitoring-returns", MonitoringReturnViewSet, "monitoring-return")]
