"""/api/v1/concerns/: concerns and their four-stage escalation, with the same scoping as the
pages (the raising authority's practitioners read its own; the provider its own from stage 2;
another authority's is 404; every other role 403).

`POST /concerns/` raises one (the authority's practitioners); `POST .../<id>/answer/`
(`{"text", "kind"}`) records on the current stage: the provider's answer (a provider's `kind`
is always `answered`), or for the authority what was `answered`, `decided`, who was `informed`
or what the safeguarding lead advised (`consulted`); `POST .../<id>/escalate/` (`{"reason",
"timescale_days", "provider_contact", "informed"}`) and `POST .../<id>/close/`
(`{"outcome_for_child"}`) are the authority's. Each answers the concern.

The API never carries the child's identity: a concern about a placement names its agreement
(`agreement`, `agreement_reference`), which the agreements' own endpoint shows, audited, to
those who may read the child's record. A provider is never shown who raised a concern, whether
it was flagged as an immediate safety concern, or the safeguarding lead's advice.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from contracts.models import Agreement
from fps_portal.accounts.models import Organisation, OrganisationKind
from fps_portal.actors import Actor
from fps_portal.api.base import ScopedGenericViewSet
from fps_portal.errors import InvalidInput
from fps_portal.scoping import scoped
from providers.models import Setting
from quality.concern_permissions import CONCERN_READERS, CONCERN_STAFF
from quality.models import (
    MAX_STAGE_WORKING_DAYS,
    Concern,
    ConcernCategory,
    ConcernEntry,
    ConcernSource,
    ConcernStage,
    EntryKind,
)
from quality.selectors.concerns import concerns_for
from quality.services.concern_escalation import concern_escalate
from quality.services.concerns import concern_close, concern_raise, concern_record


class ConcernEntrySerializer(serializers.ModelSerializer[ConcernEntry]):
    class Meta:
        model = ConcernEntry
        fields = ["id", "kind", "text", "by_provider", "at"]
        read_only_fields = fields


class ConcernStageSerializer(serializers.ModelSerializer[ConcernStage]):
    entries = ConcernEntrySerializer(many=True, read_only=True)
    # Empty while the stage is open: a plain string, so the schema does not promise a choice.
    ended = serializers.CharField(read_only=True)
    letter = serializers.SerializerMethodField()

    class Meta:
        model = ConcernStage
        fields = [
            "number",
            "opened_at",
            "automatic",
            "timescale_days",
            "due_on",
            "provider_contact",
            "closed_at",
            "ended",
            "letter",
            "entries",
        ]
        read_only_fields = fields

    def get_letter(self, stage: ConcernStage) -> dict[str, Any] | None:
        letter = getattr(stage, "letter", None)
        if letter is None:
            return None
        return {"id": letter.pk, "sha256": letter.sha256, "pages": letter.pages}


PROVIDER_FIELDS = [
    "id",
    "authority",
    "authority_name",
    "provider",
    "provider_name",
    "setting",
    "setting_name",
    "agreement",
    "agreement_reference",
    "category",
    "summary",
    "description",
    "raised_at",
    "state",
    "stage",
    "due_on",
    "partnership_referred_at",
    "closed_at",
    "outcome_for_child",
    "stages",
]


class ProviderConcernSerializer(serializers.ModelSerializer[Concern]):
    authority_name = serializers.CharField(source="authority.name", read_only=True)
    provider_name = serializers.CharField(source="provider.name", read_only=True)
    setting_name = serializers.CharField(
        source="setting.name", read_only=True, allow_null=True, default=None
    )
    agreement_reference = serializers.CharField(
        source="agreement.reference", read_only=True, allow_null=True, default=None
    )
    due_on = serializers.DateField(read_only=True, allow_null=True)
    stages = ConcernStageSerializer(many=True, read_only=True)

    class Meta:
        model = Concern
        fields = PROVIDER_FIELDS
        read_only_fields = fields


class ConcernSerializer(ProviderConcernSerializer):
    """The placing authority's view: also who raised it and the safety flag."""

    class Meta:
        model = Concern
        fields = [
            *PROVIDER_FIELDS,
            "immediate_safety",
            "safety_flagged_at",
            "source",
            "raised_by",
            "raised_by_name",
            "raised_by_role",
            "raised_by_contact",
            "recorded_by",
        ]
        read_only_fields = fields


def concern_serializer_for(actor: Actor) -> type[ProviderConcernSerializer]:
    return ProviderConcernSerializer if actor.is_provider else ConcernSerializer


class ConcernInputSerializer(serializers.Serializer[Any]):
    agreement = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    setting = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    provider = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    category = serializers.ChoiceField(choices=ConcernCategory.choices)
    summary = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=10000)
    immediate_safety = serializers.BooleanField(default=False)
    # The field's name is the model's; DRF's stubs type a serializer field's own `source`.
    source = serializers.ChoiceField(  # type: ignore[assignment]
        choices=ConcernSource.choices, default="practitioner"
    )
    raised_by_name = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    raised_by_role = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    raised_by_contact = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    timescale_days = serializers.IntegerField(
        min_value=1, max_value=MAX_STAGE_WORKING_DAYS, default=MAX_STAGE_WORKING_DAYS
    )


class ConcernAnswerInputSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(
        choices=[
            EntryKind.ANSWERED.value,
            EntryKind.DECIDED.value,
            EntryKind.INFORMED.value,
            EntryKind.CONSULTED.value,
        ],
        default=EntryKind.ANSWERED.value,
    )
    text = serializers.CharField(max_length=10000)


class ConcernEscalateInputSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=10000)
    timescale_days = serializers.IntegerField(
        min_value=1, max_value=MAX_STAGE_WORKING_DAYS, default=MAX_STAGE_WORKING_DAYS
    )
    provider_contact = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    informed = serializers.CharField(max_length=10000, required=False, allow_blank=True, default="")


class ConcernCloseInputSerializer(serializers.Serializer[Any]):
    outcome_for_child = serializers.CharField(max_length=10000)


def _valid(serializer_class: type[serializers.Serializer[Any]], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class ConcernViewSet(ScopedGenericViewSet[Concern]):
    """Concerns: the placing authority's own; the provider's own from stage 2."""

    model = Concern
    access = CONCERN_READERS
    action_rules = {
        "create": CONCERN_STAFF,
        "answer": CONCERN_READERS,
        "escalate": CONCERN_STAFF,
        "close": CONCERN_STAFF,
    }
    filterset_fields = ["state", "stage", "category"]

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        if getattr(self, "swagger_fake_view", False):
            # The schema promises the keys every reader gets; the authority's answers add who
            # raised it and the safety flag (the provider's never do).
            return ProviderConcernSerializer
        return concern_serializer_for(self.actor)

    def get_queryset(self) -> QuerySet[Concern]:
        if getattr(self, "swagger_fake_view", False):
            return Concern.objects.none()
        return (
            concerns_for(self.actor)
            .prefetch_related(
                Prefetch(
                    "stages",
                    queryset=scoped(ConcernStage, self.actor)
                    .select_related("letter")
                    .order_by("number"),
                ),
                Prefetch(
                    "stages__entries",
                    queryset=scoped(ConcernEntry, self.actor).order_by("at", "id"),
                ),
            )
            .select_related("authority")
        )

    def list(self, request: Request) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        serializer = self.get_serializer(page, many=True)
        return self.get_paginated_response(serializer.data)

    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        return Response(self.get_serializer(self.get_object()).data)

    def _answer(self, concern: Concern, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=concern.pk)
        return Response(concern_serializer_for(self.actor)(fresh).data, status=code)

    def _pick(self, model: type[Any], pk: int | None, field: str, message: str) -> Any:
        if pk is None:
            return None
        qs = scoped(model, self.actor)
        if model is Organisation:
            qs = qs.filter(kind=OrganisationKind.PROVIDER)
        found = qs.filter(pk=pk).first()
        if found is None:
            raise InvalidInput.on_fields({field: message})
        return found

    @extend_schema(request=ConcernInputSerializer, responses={201: ProviderConcernSerializer})
    def create(self, request: Request) -> Response:
        """Raise a concern (or record one from outside the council) at stage 1."""
        data = _valid(ConcernInputSerializer, request)
        concern = concern_raise(
            actor=self.actor,
            agreement=self._pick(
                Agreement, data.get("agreement"), "agreement", "Select a placement of yours."
            ),
            setting=self._pick(Setting, data.get("setting"), "setting", "Select a setting."),
            provider=self._pick(
                Organisation, data.get("provider"), "provider", "Select a provider."
            ),
            category=data["category"],
            summary=data["summary"],
            description=data["description"],
            immediate_safety=data["immediate_safety"],
            source=data["source"],
            raised_by_name=data["raised_by_name"],
            raised_by_role=data["raised_by_role"],
            raised_by_contact=data["raised_by_contact"],
            timescale_days=data["timescale_days"],
        )
        return self._answer(concern, status.HTTP_201_CREATED)

    @extend_schema(request=ConcernAnswerInputSerializer, responses=ProviderConcernSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk: str | None = None) -> Response:
        """Record on the current stage (the provider: its answer); 409 once closed."""
        concern = self.get_object()
        data = _valid(ConcernAnswerInputSerializer, request)
        kind = EntryKind.ANSWERED if self.actor.is_provider else data["kind"]
        concern_record(actor=self.actor, concern=concern, kind=kind, text=data["text"])
        return self._answer(concern)

    @extend_schema(request=ConcernEscalateInputSerializer, responses=ProviderConcernSerializer)
    @action(detail=True, methods=["post"])
    def escalate(self, request: Request, pk: str | None = None) -> Response:
        """Escalate one stage; 409 at stage 4 or once closed."""
        concern = self.get_object()
        data = _valid(ConcernEscalateInputSerializer, request)
        concern_escalate(
            actor=self.actor,
            concern=concern,
            reason=data["reason"],
            timescale_days=data["timescale_days"],
            provider_contact=data["provider_contact"],
            informed=data["informed"],
        )
        return self._answer(concern)

    @extend_schema(request=ConcernCloseInputSerializer, responses=ProviderConcernSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        """Close with the outcome for the child (400 without it)."""
        concern = self.get_object()
        data = _valid(ConcernCloseInputSerializer, request)
        concern_close(
            actor=self.actor, concern=concern, outcome_for_child=data["outcome_for_child"]
        )
        return self._answer(concern)


ROUTES = [("concerns", ConcernViewSet, "concern")]
