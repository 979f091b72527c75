"""/api/v1/improvement-plans/ and /api/v1/improvement-actions/: the same scoping as the pages
(the owning authority's QA officers, commissioners and senior managers; the provider of the
setting; another authority's plan is 404, every other role 403).

A QA officer creates a plan with `POST improvement-plans/` (`title`, `cause`, `origin`, and
`origin_id` for an origin on the portal, or `setting` and `origin_reason` for `other`) and adds an
action with `POST improvement-plans/<id>/add-action/` (`description`, `owner`, `due_on`). On an
action, its owner sends `POST improvement-actions/<id>/complete/` (multipart: `evidence_text`,
optional `evidence_file`); either side `.../comment/` (`text`); the QA officer `.../accept/` and
`.../reopen/` (`reason`, optional `due_on`). Each answers the action or the plan.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from fps_portal.access import PROVIDERS, either
from fps_portal.api.base import UPLOAD_PARSERS, ScopedReadOnlyViewSet
from fps_portal.errors import InvalidInput
from fps_portal.scoping import scoped
from providers.models import Setting
from quality.models import (
    ActionOwner,
    ImprovementAction,
    ImprovementEvent,
    ImprovementPlan,
    PlanOrigin,
)
from quality.plan_permissions import PLAN_READERS, QA_OFFICERS
from quality.services.improvement_actions import (
    action_accept,
    action_comment,
    action_complete,
    action_reopen,
)
from quality.services.improvement_plans import SETTING_MISSING, action_add, plan_create


class ImprovementActionSerializer(serializers.ModelSerializer):
    has_evidence_file = serializers.SerializerMethodField()

    class Meta:
        model = ImprovementAction
        fields = [
            "id",
            "plan",
            "description",
            "owner",
            "due_on",
            "state",
            "evidence_text",
            "evidence_filename",
            "has_evidence_file",
            "created_at",
            "completed_at",
            "accepted_at",
            "reopened_at",
        ]
        read_only_fields = fields

    def get_has_evidence_file(self, obj: ImprovementAction) -> bool:
        return bool(obj.evidence_file)


class ImprovementEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = ImprovementEvent
        fields = ["kind", "action", "detail", "at"]
        read_only_fields = fields


class ImprovementPlanSerializer(serializers.ModelSerializer):
    """The plan as both sides read it: never the award's referral (the authority's own)."""

    setting_name = serializers.CharField(source="setting.name", read_only=True)
    provider = serializers.IntegerField(source="setting.provider_id", read_only=True)
    authority_name = serializers.CharField(source="authority.name", read_only=True)
    actions = ImprovementActionSerializer(many=True, read_only=True)
    history = ImprovementEventSerializer(source="events", many=True, read_only=True)

    class Meta:
        model = ImprovementPlan
        fields = [
            "id",
            "title",
            "setting",
            "setting_name",
            "provider",
            "authority",
            "authority_name",
            "cause",
            "origin",
            "origin_reason",
            "state",
            "created_at",
            "closed_at",
            "actions",
            "history",
        ]
        read_only_fields = fields


class PlanInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, allow_blank=True)
    cause = serializers.CharField(max_length=4000, allow_blank=True)
    origin = serializers.ChoiceField(choices=PlanOrigin.choices)
    origin_id = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1)
    setting = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1)
    origin_reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=4000
    )


class ActionInputSerializer(serializers.Serializer):
    description = serializers.CharField(max_length=4000, allow_blank=True)
    owner = serializers.ChoiceField(choices=ActionOwner.choices)
    due_on = serializers.DateField()


class CompleteInputSerializer(serializers.Serializer):
    evidence_text = serializers.CharField(max_length=4000, allow_blank=True)
    evidence_file = serializers.FileField(required=False, allow_null=True, default=None)


class CommentInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=4000, allow_blank=True)


class ReopenInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=4000, allow_blank=True)
    due_on = serializers.DateField(required=False, allow_null=True, default=None)


def _valid(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class ImprovementPlanViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet[ImprovementPlan]):
    """Plans: the authority's for its QA staff, those about its own settings for a provider."""

    model = ImprovementPlan
    serializer_class = ImprovementPlanSerializer
    access = PLAN_READERS
    filterset_fields = ["state", "setting", "origin"]
    action_rules = {"create": QA_OFFICERS, "add_action": QA_OFFICERS}

    def optimise(self, queryset: QuerySet[ImprovementPlan]) -> QuerySet[ImprovementPlan]:
        return queryset.select_related("setting", "authority").prefetch_related(
            Prefetch(
                "actions",
                queryset=scoped(ImprovementAction, self.actor).order_by("due_on", "id"),
            ),
            Prefetch("events", queryset=scoped(ImprovementEvent, self.actor).order_by("at", "id")),
        )

    def _fresh(self, plan: ImprovementPlan, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().filter(pk=plan.pk).get()
        return Response(ImprovementPlanSerializer(fresh).data, status=code)

    @extend_schema(request=PlanInputSerializer, responses={201: ImprovementPlanSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """A QA officer agrees a plan for their authority."""
        data = _valid(PlanInputSerializer, request)
        setting = None
        if data["setting"] is not None:
            setting = scoped(Setting, self.actor).filter(pk=data["setting"]).first()
            if setting is None:
                raise InvalidInput.on_fields({"setting": SETTING_MISSING})
        plan = plan_create(
            actor=self.actor,
            title=data["title"],
            cause=data["cause"],
            origin=data["origin"],
            setting=setting,
            origin_id=data["origin_id"],
            origin_reason=data["origin_reason"],
        )
        return self._fresh(plan, status.HTTP_201_CREATED)

    @extend_schema(request=ActionInputSerializer, responses={201: ImprovementPlanSerializer})
    @action(detail=True, methods=["post"], url_path="add-action")
    def add_action(self, request: Request, pk: str | None = None) -> Response:
        """A QA officer adds an action (due today or later) to an open plan."""
        plan = self.get_object()
        data = _valid(ActionInputSerializer, request)
        action_add(
            actor=self.actor,
            plan=plan,
            description=data["description"],
            owner=data["owner"],
            due_on=data["due_on"],
        )
        return self._fresh(plan, status.HTTP_201_CREATED)


class ImprovementActionViewSet(ScopedReadOnlyViewSet[ImprovementAction]):
    """Actions of the plans the actor reads; the owner completes, the QA officer reviews."""

    model = ImprovementAction
    serializer_class = ImprovementActionSerializer
    access = PLAN_READERS
    filterset_fields = ["state", "owner", "plan"]
    action_rules = {
        "complete": either(
            PROVIDERS, QA_OFFICERS, message="Only the action's owner marks it done."
        ),
        "comment": either(
            PROVIDERS,
            QA_OFFICERS,
            message="Only the provider and the authority's QA officers comment on a plan.",
        ),
        "accept": QA_OFFICERS,
        "reopen": QA_OFFICERS,
    }

    def optimise(self, queryset: QuerySet[ImprovementAction]) -> QuerySet[ImprovementAction]:
        return queryset.select_related("plan__setting", "plan__authority")

    def _fresh(self, action_obj: ImprovementAction) -> Response:
        fresh = self.get_queryset().filter(pk=action_obj.pk).get()
        return Response(ImprovementActionSerializer(fresh).data)

    @extend_schema(request=CompleteInputSerializer, responses=ImprovementActionSerializer)
    @action(detail=True, methods=["post"], parser_classes=UPLOAD_PARSERS)
    def complete(self, request: Request, pk: str | None = None) -> Response:
        """The owner marks the action done with its evidence (403 for the other side)."""
        found = self.get_object()
        data = _valid(CompleteInputSerializer, request)
        action_complete(
            actor=self.actor,
            action=found,
            evidence_text=data["evidence_text"],
            upload=data["evidence_file"],
        )
        return self._fresh(found)

    @extend_schema(request=CommentInputSerializer, responses=ImprovementActionSerializer)
    @action(detail=True, methods=["post"])
    def comment(self, request: Request, pk: str | None = None) -> Response:
        found = self.get_object()
        data = _valid(CommentInputSerializer, request)
        action_comment(actor=self.actor, action=found, text=data["text"])
        return self._fresh(found)

    @extend_schema(request=None, responses=ImprovementActionSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        """The QA officer accepts a completed action; 409 when not completed or accepted
        meanwhile."""
        found = self.get_object()
        action_accept(actor=self.actor, action=found)
        return self._fresh(found)

    @extend_schema(request=ReopenInputSerializer, responses=ImprovementActionSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: str | None = None) -> Response:
        found = self.get_object()
        data = _valid(ReopenInputSerializer, request)
        action_reopen(actor=self.actor, action=found, reason=data["reason"], due_on=data["due_on"])
        return self._fresh(found)


ROUTES = [
    ("improvement-plans", ImprovementPlanViewSet, "improvement-plan"),
    ("improvement-actions", ImprovementActionViewSet, "improvement-action"),
]
