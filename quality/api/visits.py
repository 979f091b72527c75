"""/api/v1/qa-visits/ and /api/v1/qa-visit-summaries/ (issue 14), scoped as the pages are.

QA visits: the authority's QA officers, senior managers and commissioners read their own
authority's; a provider reads the completed visits to its settings, never the children's views
(a smaller serializer). Another authority's visit is 404. QA officers plan one with
`POST /qa-visits/` (`setting`, `kind`, `planned_month`, and for a responsive visit `trigger` with
`trigger_alert` or `trigger_note`), set or move its date with `POST .../<id>/schedule/`
(`visit_date`, `visitors`), complete it with `POST .../<id>/complete/` (`visit_date`,
`visitors`, `findings`: one `{"area", "rating", "findings"}` per area, `overall_rating`,
`main_findings`, `recommendations`, `children_views`) and cancel it with
`POST .../<id>/cancel/` (`reason`); the provider answers on factual accuracy with
`POST .../<id>/respond/` (`response`). Summaries: every authority's staff read every one (the
setting, the date, the overall rating and the main findings; never a child).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from fps_portal.access import PROVIDERS
from fps_portal.api.base import ScopedReadOnlyViewSet
from fps_portal.errors import InvalidInput
from fps_portal.scoping import scoped
from quality.models import (
    AreaRating,
    QaVisit,
    QaVisitFinding,
    QaVisitSummary,
    VisitArea,
    VisitKind,
    VisitTrigger,
)
from quality.services.visits import (
    AreaFinding,
    visit_cancel,
    visit_complete,
    visit_plan,
    visit_respond,
    visit_schedule,
)
from quality.visits.access import QA_OFFICERS, SUMMARY_READERS, VISIT_READERS

BASE_FIELDS = [
    "id",
    "authority",
    "authority_name",
    "setting",
    "setting_name",
    "kind",
    "trigger",
    "state",
    "planned_month",
    "visit_date",
    "visitors",
    "overall_rating",
    "main_findings",
    "recommendations",
    "findings",
    "completed_at",
    "provider_response",
    "provider_responded_at",
]


class FindingSerializer(serializers.ModelSerializer):
    class Meta:
        model = QaVisitFinding
        fields = ["area", "rating", "findings"]
        read_only_fields = fields


class ProviderVisitSerializer(serializers.ModelSerializer):
    """What the provider reads: no children's views, no trigger note or alert."""

    authority_name = serializers.CharField(source="authority.name", read_only=True)
    setting_name = serializers.CharField(source="setting.name", read_only=True)
    findings = FindingSerializer(many=True, read_only=True)

    class Meta:
        model = QaVisit
        fields = BASE_FIELDS
        read_only_fields = fields


class VisitSerializer(ProviderVisitSerializer):
    """The visiting authority's own: with the trigger's detail and the children's views."""

    class Meta:
        model = QaVisit
        fields = [*BASE_FIELDS, "trigger_alert", "trigger_note", "children_views", "cancel_reason"]
        read_only_fields = fields


class VisitPlanInputSerializer(serializers.Serializer):
    setting = serializers.IntegerField(min_value=1)
    kind = serializers.ChoiceField(choices=VisitKind.choices)
    planned_month = serializers.DateField(help_text="Any day of the month: stored as its first.")
    # Blank (the default) for a programmed visit, as the visit's own field.
    trigger = serializers.ChoiceField(
        choices=VisitTrigger.choices, required=False, allow_blank=True, default=""
    )
    trigger_alert = serializers.IntegerField(
        min_value=1, required=False, allow_null=True, default=None
    )
    trigger_note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=5000
    )
    submission_key = serializers.UUIDField(required=False, allow_null=True, default=None)


class ScheduleInputSerializer(serializers.Serializer):
    visit_date = serializers.DateField()
    visitors = serializers.CharField(max_length=5000)


class FindingInputSerializer(serializers.Serializer):
    area = serializers.ChoiceField(choices=VisitArea.choices)
    rating = serializers.ChoiceField(choices=AreaRating.choices)
    findings = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class VisitCompleteInputSerializer(serializers.Serializer):
    visit_date = serializers.DateField()
    visitors = serializers.CharField(max_length=5000)
    findings = FindingInputSerializer(many=True)
    overall_rating = serializers.ChoiceField(choices=AreaRating.choices)
    main_findings = serializers.CharField(max_length=5000)
    recommendations = serializers.CharField(max_length=5000)
    children_views = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=5000
    )


class CancelInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=5000)


class RespondInputSerializer(serializers.Serializer):
    response = serializers.CharField(max_length=5000)


def _valid(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class QaVisitViewSet(ScopedReadOnlyViewSet[QaVisit], mixins.CreateModelMixin):
    model = QaVisit
    access = VISIT_READERS
    filterset_fields = ["state", "kind", "setting"]
    action_rules = {
        "create": QA_OFFICERS,
        "schedule": QA_OFFICERS,
        "complete": QA_OFFICERS,
        "cancel": QA_OFFICERS,
        "respond": PROVIDERS,
    }

    def get_serializer_class(self) -> type[serializers.Serializer]:
        # The schema documents the keys every reader gets (the provider's); the visiting
        # authority's readers also get trigger_alert, trigger_note, children_views and
        # cancel_reason.
        if getattr(self, "swagger_fake_view", False) or self.actor.is_provider:
            return ProviderVisitSerializer
        return VisitSerializer

    def optimise(self, queryset: QuerySet[QaVisit]) -> QuerySet[QaVisit]:
        return (
            queryset.select_related("authority", "setting")
            .prefetch_related(
                Prefetch(
                    "findings",
                    queryset=scoped(QaVisitFinding, self.actor).order_by("id"),
                )
            )
            .order_by("-planned_month", "-id")
        )

    def _answer(self, visit: QaVisit, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=visit.pk)
        return Response(self.get_serializer_class()(fresh).data, status=code)

    @extend_schema(request=VisitPlanInputSerializer, responses={201: ProviderVisitSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Plan a visit to a setting where the authority has children placed."""
        data = _valid(VisitPlanInputSerializer, request)
        visit = visit_plan(
            actor=self.actor,
            setting_id=data["setting"],
            kind=data["kind"],
            planned_month=data["planned_month"],
            trigger=data["trigger"],
            trigger_alert_id=data["trigger_alert"],
            trigger_note=data["trigger_note"],
            submission_key=data["submission_key"],
        )
        return self._answer(visit, status.HTTP_201_CREATED)

    @extend_schema(request=ScheduleInputSerializer, responses=ProviderVisitSerializer)
    @action(detail=True, methods=["post"])
    def schedule(self, request: Request, pk: str | None = None) -> Response:
        """Set (or move) the visit's date and name the visitors."""
        visit = self.get_object()
        data = _valid(ScheduleInputSerializer, request)
        visit_schedule(
            actor=self.actor, visit=visit, visit_date=data["visit_date"], visitors=data["visitors"]
        )
        return self._answer(visit)

    @extend_schema(request=VisitCompleteInputSerializer, responses=ProviderVisitSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str | None = None) -> Response:
        """Record the visit and its report; 409 unless it is scheduled."""
        visit = self.get_object()
        data = _valid(VisitCompleteInputSerializer, request)
        findings: dict[str, AreaFinding] = {}
        for given in data["findings"]:
            if given["area"] in findings:
                raise InvalidInput.on_fields(
                    {"findings": f"The area {given['area']} is given twice."}
                )
            findings[given["area"]] = AreaFinding(given["rating"], given["findings"])
        visit_complete(
            actor=self.actor,
            visit=visit,
            visit_date=data["visit_date"],
            visitors=data["visitors"],
            findings=findings,
            overall_rating=data["overall_rating"],
            main_findings=data["main_findings"],
            recommendations=data["recommendations"],
            children_views=data["children_views"],
        )
        return self._answer(visit)

    @extend_schema(request=CancelInputSerializer, responses=ProviderVisitSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        visit = self.get_object()
        data = _valid(CancelInputSerializer, request)
        visit_cancel(actor=self.actor, visit=visit, reason=data["reason"])
        return self._answer(visit)

    @extend_schema(request=RespondInputSerializer, responses=ProviderVisitSerializer)
    @action(detail=True, methods=["post"])
    def respond(self, request: Request, pk: str | None = None) -> Response:
        """The provider's answer on the report's factual accuracy, once."""
        visit = self.get_object()
        data = _valid(RespondInputSerializer, request)
        visit_respond(actor=self.actor, visit=visit, response=data["response"])
        return self._answer(visit)


class SummarySerializer(serializers.ModelSerializer):
    authority_name = serializers.CharField(source="authority.name", read_only=True)
    setting_name = serializers.CharField(source="setting.name", read_only=True)

    class Meta:
        model = QaVisitSummary
        fields = [
            "id",
            "authority",
            "authority_name",
            "setting",
            "setting_name",
            "visited_on",
            "overall_rating",
            "main_findings",
            "shared_at",
        ]
        read_only_fields = fields


class QaVisitSummaryViewSet(ScopedReadOnlyViewSet[QaVisitSummary]):
    """The region's shared summaries: every authority's staff read every one."""

    model = QaVisitSummary
    serializer_class = SummarySerializer
    access = SUMMARY_READERS
    filterset_fields = ["setting", "authority", "overall_rating"]

    def optimise(self, queryset: QuerySet[QaVisitSummary]) -> QuerySet[QaVisitSummary]:
        return queryset.select_related("authority", "setting").order_by("-visited_on", "-id")


ROUTES = [
    ("qa-visits", QaVisitViewSet, "qa-visit"),
    ("qa-visit-summaries", QaVisitSummaryViewSet, "qa-visit-summary"),
]
