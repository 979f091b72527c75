"""Shapes of the provider's invitations and responses in the API. An invitation shows the
referral's snapshot only (age in years, gender, needs, postcode district, the summary) and
never a field of the child's record; questions never say who asked."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from fps_portal.api.fields import model_text
from referrals.models import (
    Criterion,
    CriterionAnswer,
    DeclineReason,
    Invitation,
    Referral,
    ReferralQuestion,
    Response,
    ResponseAttachment,
    ResponseService,
    ScaleDescriptor,
)


class ReferralSnapshotSerializer(serializers.ModelSerializer):
    """What an invitee is shown of the referral: its snapshot, never the child."""

    authority = serializers.CharField(source="authority.name", read_only=True)
    lot = serializers.CharField(source="lot.code", read_only=True)
    primary_need = serializers.CharField(
        source="primary_need.name", read_only=True, allow_null=True, default=None
    )
    needs = serializers.SerializerMethodField()

    class Meta:
        model = Referral
        fields = [
            "id",
            "reference",
            "authority",
            "kind",
            "places",
            "lot",
            "is_emergency",
            "start_date",
            "expected_end_date",
            "shown_age_years",
            "shown_gender",
            "shown_postcode_district",
            "primary_need",
            "needs",
            "outcomes_sought",
            "provider_summary",
            "scale_max",
            "price_scoring",
            "response_deadline",
            "state",
        ]
        read_only_fields = fields

    def get_needs(self, referral: Referral) -> list[str]:
        return [need.name for need in referral.needs.all()]


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


class QuestionSerializer(serializers.ModelSerializer):
    """A question and its answer; never who asked."""

    class Meta:
        model = ReferralQuestion
        fields = ["id", "question", "asked_at", "answer", "answered_at"]
        read_only_fields = fields


class SharedDocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    kind = serializers.CharField(read_only=True)
    content_type = serializers.CharField(read_only=True)
    size = serializers.IntegerField(read_only=True)
    download_url = serializers.SerializerMethodField()

    def get_download_url(self, document: Any) -> str:
        invitation = self.context["invitation"]
        return reverse("referrals:invitation-document", args=[invitation.pk, document.pk])


class InvitationSerializer(serializers.ModelSerializer):
    """The provider's invitation, as listed."""

    referral = ReferralSnapshotSerializer(read_only=True)
    responses = serializers.SerializerMethodField()
    # Blank until declined: a DeclineReason value, or "".
    decline_reason = serializers.CharField(read_only=True, help_text="A DeclineReason, or blank.")

    class Meta:
        model = Invitation
        fields = [
            "id",
            "referral",
            "state",
            "invited_at",
            "first_viewed_at",
            "declined_at",
            "decline_reason",
            "decline_note",
            "lapsed_at",
            "outcome",
            "responses",
        ]
        read_only_fields = fields

    def get_responses(self, invitation: Invitation) -> list[int]:
        return [r.pk for r in invitation.responses.all()]


class InvitationDetailSerializer(InvitationSerializer):
    """One invitation with the criteria, scale, questions and shared documents."""

    criteria = serializers.SerializerMethodField()
    descriptors = serializers.SerializerMethodField()
    questions = serializers.SerializerMethodField()
    documents = serializers.SerializerMethodField()

    class Meta(InvitationSerializer.Meta):
        fields = [
            *InvitationSerializer.Meta.fields,
            "criteria",
            "descriptors",
            "questions",
            "documents",
        ]
        read_only_fields = fields

    def _view(self) -> Any:
        return self.context["view_data"]

    def get_criteria(self, invitation: Invitation) -> list[dict[str, Any]]:
        return CriterionSerializer(self._view().criteria, many=True).data  # type: ignore[return-value]

    def get_descriptors(self, invitation: Invitation) -> list[dict[str, Any]]:
        return DescriptorSerializer(self._view().descriptors, many=True).data  # type: ignore[return-value]

    def get_questions(self, invitation: Invitation) -> list[dict[str, Any]]:
        return QuestionSerializer(self._view().questions, many=True).data  # type: ignore[return-value]

    def get_documents(self, invitation: Invitation) -> list[dict[str, Any]]:
        return SharedDocumentSerializer(  # type: ignore[return-value]
            self._view().documents, many=True, context={"invitation": invitation}
        ).data


class DeclineInputSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=DeclineReason.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class QuestionInputSerializer(serializers.Serializer):
    question = serializers.CharField(max_length=5000)


class ResponseServiceSerializer(serializers.ModelSerializer):
    class Meta:
        model = ResponseService
        fields = ["id", "price_list_item", "name", "unit", "rate", "quantity"]
        read_only_fields = fields


class AttachmentSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ResponseAttachment
        fields = [
            "id",
            "title",
            "original_filename",
            "content_type",
            "size",
            "uploaded_at",
            "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, attachment: ResponseAttachment) -> str:
        return reverse(
            "referrals:response-attachment", args=[attachment.response_id, attachment.pk]
        )


class AnswerSerializer(serializers.ModelSerializer):
    class Meta:
        model = CriterionAnswer
        fields = ["criterion", "answer"]
        read_only_fields = fields


# "Response" is what generated clients call an HTTP answer (openapi-python-client's
# `types.Response`): the component is named for what it is, a response to an invitation.
@extend_schema_serializer(component_name="InvitationResponse")
class ResponseSerializer(serializers.ModelSerializer):
    referral = serializers.IntegerField(source="invitation.referral_id", read_only=True)
    setting_name = serializers.CharField(source="setting.name", read_only=True)
    services = ResponseServiceSerializer(many=True, read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)
    answers = AnswerSerializer(many=True, read_only=True)

    class Meta:
        model = Response
        fields = [
            "id",
            "invitation",
            "referral",
            "setting",
            "setting_name",
            "state",
            "weekly_price",
            "indicative_price",
            "price_difference_reason",
            "proposed_start_date",
            "how_needs_met",
            "how_outcomes_met",
            "inspection_judgement",
            "inspection_date",
            "inspection_confirmed",
            "answers",
            "services",
            "attachments",
            "created_at",
            "updated_at",
            "submitted_at",
            "withdrawn_at",
        ]
        read_only_fields = fields


class ResponseStartSerializer(serializers.Serializer):
    invitation = serializers.IntegerField()
    setting = serializers.IntegerField()


class AnswerInputSerializer(serializers.Serializer):
    criterion = serializers.IntegerField()
    answer = serializers.CharField(allow_blank=True, max_length=10000)


class ResponseUpdateSerializer(serializers.Serializer):
    weekly_price = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0.01"),
        required=False,
    )
    price_difference_reason = serializers.CharField(
        required=False, allow_blank=True, max_length=10000
    )
    proposed_start_date = serializers.DateField(required=False)
    how_needs_met = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    how_outcomes_met = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    inspection_judgement = model_text(
        Response, "inspection_judgement", "The judgement", required=False, allow_blank=True
    )
    inspection_date = serializers.DateField(required=False)
    inspection_confirmed = serializers.BooleanField(required=False)
    answers = AnswerInputSerializer(many=True, required=False)


class ServiceInputSerializer(serializers.Serializer):
    price_list_item = serializers.IntegerField(
        required=False, allow_null=True, help_text="A service of the setting's price list."
    )
    name = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    unit = serializers.CharField(required=False, allow_blank=True, max_length=40, default="")
    rate = serializers.DecimalField(
        max_digits=10, decimal_places=2, required=False, allow_null=True
    )
    quantity = serializers.DecimalField(max_digits=8, decimal_places=2)


class RemoveInputSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The service's or attachment's id.")


class AttachmentInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    file = serializers.FileField()
