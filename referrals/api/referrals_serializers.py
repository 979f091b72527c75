"""Shapes of /api/v1/referrals/: the placing authority's own referrals (no other role reads them
here; providers read their invitations' snapshot at /api/v1/invitations/)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from fps_portal.api.fields import model_text
from providers.models import PrimaryNeed
from referrals.models import (
    Criterion,
    CriterionCategory,
    CriterionKind,
    DirectAwardGround,
    DirectAwardReview,
    PreselectionGround,
    PriceScoring,
    Referral,
    ReferralKind,
    ReferralQuestion,
    Route,
    RouteCase,
    ScaleDescriptor,
    ShortlistEntry,
)
from referrals.services.publish_check import publish_problems


class CriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Criterion
        fields = ["id", "kind", "category", "title", "guidance", "weight", "position"]
        read_only_fields = fields


class DescriptorSerializer(serializers.ModelSerializer):
    class Meta:
        model = ScaleDescriptor
        fields = ["score", "descriptor"]
        read_only_fields = fields


class ShortlistEntrySerializer(serializers.ModelSerializer):
    setting_name = serializers.CharField(source="setting.name", read_only=True)

    class Meta:
        model = ShortlistEntry
        fields = ["setting", "setting_name", "grounds", "grounds_note", "added_at"]
        read_only_fields = fields


class RouteCaseSerializer(serializers.ModelSerializer):
    class Meta:
        model = RouteCase
        fields = [
            "ground",
            "justification",
            "provider",
            "setting",
            "outside_provider_name",
            "outside_setting_name",
            "weekly_price",
            "review_on",
            "review_reminded_at",
            "review_outcome",
            "state",
            "submitted_at",
            "authorised_at",
            "refused_at",
            "decision_note",
        ]
        read_only_fields = fields


class ProblemSerializer(serializers.Serializer):
    task = serializers.CharField()
    field = serializers.CharField()
    message = serializers.CharField()
    url = serializers.CharField()


LIST_FIELDS = [
    "id",
    "reference",
    "kind",
    "child",
    "places",
    "route",
    "lot",
    "is_emergency",
    "start_date",
    "state",
    "response_deadline",
    "created_at",
    "published_at",
]


class ReferralListSerializer(serializers.ModelSerializer):
    """A row of the authority's list."""

    class Meta:
        model = Referral
        fields = LIST_FIELDS
        read_only_fields = fields


class ReferralSerializer(serializers.ModelSerializer):
    """One referral as its authority reads it, with its criteria, scale, shortlist, route case
    and what is still missing before it can be published."""

    primary_need: serializers.SlugRelatedField[PrimaryNeed] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    needs: serializers.SlugRelatedField[PrimaryNeed] = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True
    )
    criteria = CriterionSerializer(many=True, read_only=True)
    descriptors = DescriptorSerializer(many=True, read_only=True)
    shortlist = ShortlistEntrySerializer(many=True, read_only=True)
    # Text, not an e-mail field: the referrer's address may be blank.
    referrer_email = serializers.CharField(read_only=True)
    route_case = serializers.SerializerMethodField()
    publish_problems = serializers.SerializerMethodField()

    class Meta:
        model = Referral
        fields = [
            *LIST_FIELDS,
            "purchasing_system",
            "price_per_place",
            "expected_end_date",
            "primary_need",
            "needs",
            "outcomes_sought",
            "provider_summary",
            "shared_documents",
            "referrer_name",
            "referrer_email",
            "shown_age_years",
            "shown_gender",
            "shown_postcode_district",
            "scale_max",
            "price_scoring",
            "search_filters",
            "return_reason",
            "returned_at",
            "closed_at",
            "withdrawn_at",
            "withdrawal_reason",
            "awarded_at",
            "criteria",
            "descriptors",
            "shortlist",
            "route_case",
            "publish_problems",
        ]
        read_only_fields = fields

    @extend_schema_field(RouteCaseSerializer(allow_null=True))
    def get_route_case(self, referral: Referral) -> dict[str, Any] | None:
        case = getattr(referral, "route_case", None)
        return RouteCaseSerializer(case).data if case is not None else None

    @extend_schema_field(ProblemSerializer(many=True))
    def get_publish_problems(self, referral: Referral) -> list[dict[str, Any]]:
        if referral.state != "draft":
            return []
        return [ProblemSerializer(p).data for p in publish_problems(referral)]


class ReferralInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ReferralKind.choices, default=ReferralKind.INDIVIDUAL)
    child = serializers.IntegerField(required=False, allow_null=True, min_value=1, default=None)
    places = serializers.IntegerField(min_value=1, max_value=500, default=1)
    price_per_place = serializers.DecimalField(
        max_digits=10, decimal_places=2, required=False, allow_null=True, default=None
    )
    route = serializers.ChoiceField(choices=Route.choices)
    lot = serializers.IntegerField(min_value=1)
    is_emergency = serializers.BooleanField(default=False)
    start_date = serializers.DateField()
    expected_end_date = serializers.DateField(required=False, allow_null=True, default=None)
    primary_need = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=20
    )
    needs = serializers.ListField(
        child=serializers.CharField(max_length=20), required=False, default=list, max_length=30
    )
    outcomes_sought = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=10000
    )
    provider_summary = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=10000
    )
    shared_documents = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, default=list, max_length=50
    )
    referrer_name = model_text(
        Referral, "referrer_name", "Referrer's name", required=False, allow_blank=True, default=""
    )
    referrer_email = serializers.EmailField(
        required=False, allow_blank=True, default="", max_length=254
    )
    submission_key = serializers.UUIDField(required=False, allow_null=True, default=None)


class CriterionInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CriterionKind.choices)
    category = serializers.ChoiceField(choices=CriterionCategory.choices)
    title = model_text(Criterion, "title", "Title")
    guidance = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    weight = serializers.IntegerField(min_value=0, max_value=100, default=0)


class CriteriaInputSerializer(serializers.Serializer):
    criteria = CriterionInputSerializer(many=True)


class DescriptorInputSerializer(serializers.Serializer):
    score = serializers.IntegerField(min_value=0, max_value=10)
    descriptor = model_text(ScaleDescriptor, "descriptor", "Descriptor")


class ScaleInputSerializer(serializers.Serializer):
    scale_max = serializers.IntegerField(min_value=1, max_value=10)
    price_scoring = serializers.ChoiceField(choices=PriceScoring.choices)
    descriptors = DescriptorInputSerializer(many=True)


class ShortlistChoiceSerializer(serializers.Serializer):
    setting = serializers.IntegerField(min_value=1)
    grounds = serializers.ListField(
        child=serializers.ChoiceField(choices=PreselectionGround.choices),
        min_length=1,
        max_length=len(PreselectionGround.values),
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class ShortlistInputSerializer(serializers.Serializer):
    search_filters = serializers.DictField(
        child=serializers.CharField(max_length=200, allow_blank=True), required=False, default=dict
    )
    settings = ShortlistChoiceSerializer(many=True)


class ReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=5000, allow_blank=True, default="")


class NoteInputSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=5000, allow_blank=True, default="")


class RouteCaseInputSerializer(serializers.Serializer):
    ground = serializers.ChoiceField(
        choices=DirectAwardGround.choices, required=False, allow_blank=True, default=""
    )
    justification = serializers.CharField(max_length=10000, allow_blank=True)
    weekly_price = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=Decimal("0"))
    setting = serializers.IntegerField(required=False, allow_null=True, min_value=1, default=None)
    provider = serializers.IntegerField(required=False, allow_null=True, min_value=1, default=None)
    outside_provider_name = model_text(
        RouteCase, "outside_provider_name", "Provider's name", required=False, allow_blank=True,
        default="",
    )  # fmt: skip
    outside_setting_name = model_text(
        RouteCase, "outside_setting_name", "Setting's name", required=False, allow_blank=True,
        default="",
    )  # fmt: skip
    review_on = serializers.DateField(required=False, allow_null=True, default=None)


class ReferralQuestionSerializer(serializers.ModelSerializer):
    """A clarification question as its authority reads it: with the invitation and provider that
    asked, which no invitee ever learns (they read `invitations/{id}/`'s questions)."""

    asked_by_provider = serializers.CharField(
        source="asked_by_invitation.provider.name", read_only=True
    )

    class Meta:
        model = ReferralQuestion
        fields = [
            "id",
            "question",
            "asked_at",
            "asked_by_invitation",
            "asked_by_provider",
            "answer",
            "answered_at",
            "answered_by",
        ]
        read_only_fields = fields


class QuestionAnswerInputSerializer(serializers.Serializer):
    # Blank is the service's to refuse, with the page's message.
    answer = serializers.CharField(max_length=5000, allow_blank=True)


class ReviewInputSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(
        choices=DirectAwardReview.choices,
        error_messages={
            "required": "Choose the outcome of the review.",
            "invalid_choice": "Choose the outcome of the review.",
        },
    )
    note = serializers.CharField(max_length=5000, allow_blank=True, default="")
