"""/api/v1/ for evaluation and award: the same services and scoping as the pages.

- `referrals/{id}/ranking/` (GET): the evaluation ranking of a closed referral;
- `referrals/{id}/marks/` (POST): one mark on one response and criterion;
- `referrals/{id}/award/` (POST): the award of one response, with its reasons;
- `referrals/{id}/no-suitable-provider/` (POST) and `referrals/{id}/rerun/` (POST);
- `awards/` (the authority's awards) with `approve` and `reject` for the named approver;
- `awarded-placements/`: a provider's complete awards with the child's record (each read
  audited; each page of the list one event naming its children); before an award completes, a
  provider reads nothing of the child here.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from fps_portal.access import PROVIDERS
from fps_portal.accounts.models import User
from fps_portal.api.base import ScopedGenericViewSet, ScopedReadOnlyViewSet
from fps_portal.errors import InvalidInput
from fps_portal.scoping import scoped
from referrals.api.referrals_serializers import NoteInputSerializer, ReasonInputSerializer
from referrals.models import (
    Award,
    AwardService,
    AwardState,
    Child,
    ChildDocument,
    Criterion,
    CriterionMark,
    Referral,
    Route,
)
from referrals.models import Response as ResponseModel
from referrals.permissions import PLACING, SENIOR_MANAGERS
from referrals.selectors.ranking import evaluation_ranking
from referrals.services.award_decisions import award_approve, award_reject
from referrals.services.awards import ServiceLine, approver_choices, award_propose
from referrals.services.evaluation import mark_record
from referrals.services.placements import placement_record_viewed, placements_listed
from referrals.services.referral_outcomes import referral_no_suitable_provider, referral_rerun

TEXT = 8000


class CriterionResultSerializer(serializers.Serializer):
    criterion = serializers.IntegerField(source="criterion.pk")
    title = serializers.CharField(source="criterion.title")
    kind = serializers.CharField(source="criterion.kind")
    weight = serializers.IntegerField(source="criterion.weight")
    passed = serializers.BooleanField(allow_null=True)
    score = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    computed = serializers.BooleanField()
    weighted = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    note = serializers.CharField()


class RankedResponseSerializer(serializers.Serializer):
    response = serializers.IntegerField(source="response.pk")
    provider = serializers.CharField(source="response.invitation.provider.name")
    setting = serializers.IntegerField(source="response.setting_id")
    setting_name = serializers.CharField(source="response.setting.name")
    band = serializers.CharField(source="response.setting.current_band")
    rank = serializers.IntegerField(allow_null=True)
    excluded = serializers.BooleanField()
    complete = serializers.BooleanField()
    total = serializers.DecimalField(max_digits=6, decimal_places=2)
    weekly_price = serializers.DecimalField(
        source="response.weekly_price", max_digits=10, decimal_places=2, allow_null=True
    )
    indicative_price = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)
    price_difference_reason = serializers.CharField(source="response.price_difference_reason")
    preferred_by_parents = serializers.BooleanField(source="preferred")
    results = CriterionResultSerializer(many=True)


class RankingSerializer(serializers.Serializer):
    referral = serializers.IntegerField(source="referral.pk")
    reference = serializers.CharField(source="referral.reference")
    state = serializers.CharField(source="referral.state")
    price_scoring = serializers.CharField(source="referral.price_scoring")
    scale_max = serializers.IntegerField(source="referral.scale_max")
    regional_median_weekly_price = serializers.DecimalField(
        source="regional_median", max_digits=10, decimal_places=2, allow_null=True
    )
    parental_preferences = serializers.ListField(
        source="preferences", child=serializers.CharField()
    )
    ranked = RankedResponseSerializer(many=True)


class MarkInputSerializer(serializers.Serializer):
    response = serializers.IntegerField(min_value=1)
    criterion = serializers.IntegerField(min_value=1)
    passed = serializers.BooleanField(required=False, allow_null=True, default=None)
    score = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=0, max_value=100
    )
    note = serializers.CharField(max_length=4000, allow_blank=True, required=False, default="")


class MarkSerializer(serializers.ModelSerializer):
    class Meta:
        model = CriterionMark
        fields = ["id", "response", "criterion", "passed", "score", "note", "recorded_at"]
        read_only_fields = fields


class ServiceLineSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, allow_blank=True)
    unit = serializers.CharField(max_length=40, allow_blank=True)
    rate = serializers.DecimalField(max_digits=10, decimal_places=2)
    quantity = serializers.DecimalField(max_digits=8, decimal_places=2)


class AwardInputSerializer(serializers.Serializer):
    response = serializers.IntegerField(min_value=1)
    reasons = serializers.CharField(max_length=TEXT, allow_blank=True)
    agreed_weekly_price = serializers.DecimalField(max_digits=10, decimal_places=2)
    price_negotiation_note = serializers.CharField(
        max_length=4000, allow_blank=True, required=False, default=""
    )
    start_date = serializers.DateField()
    end_date = serializers.DateField(required=False, allow_null=True, default=None)
    services = ServiceLineSerializer(
        many=True,
        required=False,
        help_text="Left out: the response's services are carried as they are.",
    )
    parental_preference_reason = serializers.CharField(
        max_length=4000, allow_blank=True, required=False, default=""
    )
    approver = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="A senior manager's user id: needed above the authority's threshold.",
    )


class AwardServiceSerializer(serializers.ModelSerializer):
    class Meta:
        model = AwardService
        fields = ["name", "unit", "rate", "quantity"]
        read_only_fields = fields


class AwardSerializer(serializers.ModelSerializer):
    """An award as the placing authority reads it."""

    reference = serializers.CharField(source="referral.reference", read_only=True)
    services = AwardServiceSerializer(many=True, read_only=True)

    class Meta:
        model = Award
        fields = [
            "id",
            "referral",
            "reference",
            "response",
            "provider",
            "setting",
            "state",
            "reasons",
            "agreed_weekly_price",
            "price_negotiation_note",
            "weeks_per_year",
            "start_date",
            "end_date",
            "differs_from_parental_preference",
            "parental_preference_reason",
            "approver",
            "approved_at",
            "rejected_at",
            "rejection_reason",
            "band_at_award",
            "additional_monitoring",
            "proposed_at",
            "completed_at",
            "services",
        ]
        read_only_fields = fields


class RerunInputSerializer(serializers.Serializer):
    route = serializers.ChoiceField(choices=Route.choices)


class ReferralBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Referral
        fields = ["id", "reference", "route", "state", "rerun_of", "no_suitable_provider_reason"]
        read_only_fields = fields


def _valid(serializer_class: type, request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _fields_under(prefix: str, exc: InvalidInput) -> InvalidInput:
    return InvalidInput(exc.message, fields={f"{prefix}{k}": v for k, v in exc.fields.items()})


class ReferralEvaluationViewSet(ScopedGenericViewSet[Referral]):
    """Evaluation and award actions on a referral (the referral itself is `referrals/`)."""

    model = Referral
    access = PLACING
    serializer_class = RankingSerializer

    def _response_of(self, referral: Referral, pk: int) -> ResponseModel:
        found = (
            scoped(ResponseModel, self.actor)
            .filter(pk=pk, invitation__referral_id=referral.pk)
            .select_related("invitation__referral", "setting")
            .first()
        )
        if found is None:
            raise InvalidInput.on_fields(
                {"response": "Select a submitted response to this referral."}
            )
        return found

    @extend_schema(request=None, responses=RankingSerializer)
    @action(detail=True, methods=["get"])
    def ranking(self, request: Request, pk: str | None = None) -> Response:
        """Responses ranked by weighted total; those failing a pass/fail criterion unranked."""
        referral = self.get_object()
        return Response(
            RankingSerializer(evaluation_ranking(referral=referral, actor=self.actor)).data
        )

    @extend_schema(request=MarkInputSerializer, responses=MarkSerializer)
    @action(detail=True, methods=["post"])
    def marks(self, request: Request, pk: str | None = None) -> Response:
        """Records (or changes) one mark: pass/fail with a reason, or a score with a note."""
        referral = self.get_object()
        data = _valid(MarkInputSerializer, request)
        response = self._response_of(referral, data["response"])
        criterion = (
            scoped(Criterion, self.actor)
            .filter(pk=data["criterion"], referral_id=referral.pk)
            .first()
        )
        if criterion is None:
            raise InvalidInput.on_fields({"criterion": "Select one of this referral's criteria."})
        mark = mark_record(
            actor=self.actor,
            response=response,
            criterion=criterion,
            passed=data["passed"],
            score=data["score"],
            note=data["note"],
        )
        return Response(MarkSerializer(mark).data)

    @extend_schema(request=AwardInputSerializer, responses={201: AwardSerializer})
    @action(detail=True, methods=["post"])
    def award(self, request: Request, pk: str | None = None) -> Response:
        """Awards one response, with the reasons; 409 when the referral has an award already."""
        referral = self.get_object()
        data = _valid(AwardInputSerializer, request)
        response = self._response_of(referral, data["response"])
        if "services" in data:
            services = [ServiceLine(**line) for line in data["services"]]
        else:
            services = [
                ServiceLine(name=s.name, unit=s.unit, rate=s.rate, quantity=s.quantity)
                for s in response.services.all()
            ]
        approver: User | None = None
        if data["approver"] is not None:
            approver = next(
                (u for u in approver_choices(referral, self.actor) if u.pk == data["approver"]),
                None,
            )
            if approver is None:
                raise InvalidInput.on_fields(
                    {"approver": "Select a senior manager of your authority other than yourself."}
                )
        award = award_propose(
            actor=self.actor,
            response=response,
            reasons=data["reasons"],
            agreed_weekly_price=data["agreed_weekly_price"],
            price_negotiation_note=data["price_negotiation_note"],
            start_date=data["start_date"],
            end_date=data["end_date"],
            services=services,
            parental_preference_reason=data["parental_preference_reason"],
            approver=approver,
        )
        fresh = scoped(Award, self.actor).prefetch_related("services").get(pk=award.pk)
        return Response(AwardSerializer(fresh).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReasonInputSerializer, responses=ReferralBriefSerializer)
    @action(detail=True, methods=["post"], url_path="no-suitable-provider")
    def no_suitable_provider(self, request: Request, pk: str | None = None) -> Response:
        """No response is suitable: every invitee is told, with the reason."""
        referral = self.get_object()
        data = _valid(ReasonInputSerializer, request)
        done = referral_no_suitable_provider(
            actor=self.actor, referral=referral, reason=data["reason"]
        )
        return Response(ReferralBriefSerializer(done).data)

    @extend_schema(request=RerunInputSerializer, responses={201: ReferralBriefSerializer})
    @action(detail=True, methods=["post"])
    def rerun(self, request: Request, pk: str | None = None) -> Response:
        """A new draft referral on another route, copying this one (`rerun_of`)."""
        referral = self.get_object()
        data = _valid(RerunInputSerializer, request)
        new = referral_rerun(actor=self.actor, referral=referral, route=data["route"])
        return Response(ReferralBriefSerializer(new).data, status=status.HTTP_201_CREATED)


class AwardViewSet(ScopedReadOnlyViewSet[Award]):
    """The placing authority's awards; the named approver approves or rejects."""

    model = Award
    access = PLACING
    serializer_class = AwardSerializer
    filterset_fields = ["state", "referral"]
    action_rules = {"approve": SENIOR_MANAGERS, "reject": SENIOR_MANAGERS}

    def optimise(self, queryset: QuerySet[Award]) -> QuerySet[Award]:
        return queryset.select_related("referral").prefetch_related("services")

    def _answer(self, award: Award) -> Response:
        return Response(AwardSerializer(self.optimise(self.get_queryset()).get(pk=award.pk)).data)

    @extend_schema(request=NoteInputSerializer, responses=AwardSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        """The named approver approves: it completes, or waits for the risk sign-offs."""
        award = self.get_object()
        data = _valid(NoteInputSerializer, request)
        return self._answer(award_approve(actor=self.actor, award=award, note=data["note"]))

    @extend_schema(request=ReasonInputSerializer, responses=AwardSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        """The approver (or a signing manager at the risk step) rejects, with a reason."""
        award = self.get_object()
        data = _valid(ReasonInputSerializer, request)
        return self._answer(award_reject(actor=self.actor, award=award, reason=data["reason"]))


class PlacementChildSerializer(serializers.ModelSerializer):
    primary_need = serializers.CharField(source="primary_need.name")

    class Meta:
        model = Child
        fields = [
            "given_name",
            "family_name",
            "date_of_birth",
            "case_number",
            "gender",
            "legal_status",
            "primary_need",
            "caseworker_name",
            "caseworker_email",
            "ehcp_issued_on",
            "ehcp_next_review_on",
            "young_person_views",
        ]
        read_only_fields = fields


class PlacementDocumentSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ChildDocument
        fields = [
            "id",
            "kind",
            "title",
            "original_filename",
            "content_type",
            "size",
            "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, document: ChildDocument) -> str:
        return reverse("referrals:awarded-document", args=[document.pk])


class AwardedPlacementSerializer(serializers.ModelSerializer):
    """A complete award as the awarded provider reads it, with the child's record."""

    reference = serializers.CharField(source="referral.reference", read_only=True)
    services = AwardServiceSerializer(many=True, read_only=True)
    child = serializers.SerializerMethodField()
    documents = serializers.SerializerMethodField()

    class Meta:
        model = Award
        fields = [
            "id",
            "reference",
            "setting",
            "agreed_weekly_price",
            "weeks_per_year",
            "start_date",
            "end_date",
            "additional_monitoring",
            "completed_at",
            "services",
            "child",
            "documents",
        ]
        read_only_fields = fields

    @extend_schema_field(PlacementChildSerializer(allow_null=True))
    def get_child(self, award: Award) -> dict[str, Any] | None:
        child = self.context["children"].get(award.referral.child_id)
        return PlacementChildSerializer(child).data if child is not None else None

    @extend_schema_field(PlacementDocumentSerializer(many=True))
    def get_documents(self, award: Award) -> list[dict[str, Any]]:
        documents = self.context["documents"].get(award.referral.child_id, [])
        return list(PlacementDocumentSerializer(documents, many=True).data)


class AwardedPlacementViewSet(ScopedReadOnlyViewSet[Award]):
    """The provider's placements: complete awards to it, with the child's record and documents.
    Every answer that shows a child's record is audited: a placement's read one event, a page of
    the list one event naming every child on it."""

    model = Award
    access = PROVIDERS
    serializer_class = AwardedPlacementSerializer

    def optimise(self, queryset: QuerySet[Award]) -> QuerySet[Award]:
        return (
            queryset.filter(state=AwardState.COMPLETE)
            .select_related("referral")
            .prefetch_related("services")
            .order_by("-completed_at", "-pk")
        )

    def get_serializer(self, *args: Any, **kwargs: Any) -> serializers.BaseSerializer[Any]:
        if getattr(self, "swagger_fake_view", False) or not args:
            return super().get_serializer(*args, **kwargs)
        awards = args[0] if isinstance(args[0], list) else [args[0]]
        child_ids = {a.referral.child_id for a in awards if a.referral.child_id}
        children = {
            c.pk: c
            for c in scoped(Child, self.actor)
            .filter(pk__in=child_ids)
            .select_related("primary_need")
        }
        documents: dict[int, list[ChildDocument]] = {}
        for document in scoped(ChildDocument, self.actor).filter(child_id__in=child_ids):
            documents.setdefault(document.child_id, []).append(document)
        shown = [a for a in awards if a.referral.child_id in children]
        if self.action == "list":
            placements_listed(
                actor=self.actor, child_ids=[a.referral.child_id for a in shown], how="API"
            )
        else:
            for award in shown:
                placement_record_viewed(actor=self.actor, award=award)
        kwargs["context"] = {
            **self.get_serializer_context(),
            "children": children,
            "documents": documents,
        }
        return self.get_serializer_class()(*args, **kwargs)
