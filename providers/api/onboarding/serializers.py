"""Serializers for the onboarding API: output shapes, and input shapes parsed before a service
call."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from fps_portal.api.base import serializer_context_actor
from providers.models import (
    Application,
    ApplicationPrice,
    ApplicationServicePrice,
    ClarificationQuestion,
    EvaluationWindow,
    Evidence,
    FpsMembership,
    InsuranceType,
    PurchasingSystem,
    RequirementResult,
    Verdict,
)
from providers.models.evidence import EvidenceKind
from providers.services.evidence import COVER_PENCE, COVER_TOO_LARGE


class PurchasingSystemSerializer(serializers.ModelSerializer[PurchasingSystem]):
    class Meta:
        model = PurchasingSystem
        fields = [
            "id",
            "name",
            "kind",
            "term_start",
            "term_end",
            "direct_award_allowed",
            "admits_by_windows",
        ]


class LotCreateInputSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(max_length=20)
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    starts_on = serializers.DateField()
    is_residential = serializers.BooleanField(default=False)


class WindowSerializer(serializers.ModelSerializer[EvaluationWindow]):
    class Meta:
        model = EvaluationWindow
        fields = [
            "id",
            "purchasing_system",
            "name",
            "opens_at",
            "closes_at",
            "evaluation_deadline",
            "state",
            "opened_at",
            "closed_at",
            "completed_at",
        ]
        read_only_fields = ["state", "opened_at", "closed_at", "completed_at"]


class ApplicationPriceSerializer(serializers.ModelSerializer[ApplicationPrice]):
    class Meta:
        model = ApplicationPrice
        fields = ["setting", "lot", "weekly_price"]


class ApplicationServicePriceSerializer(serializers.ModelSerializer[ApplicationServicePrice]):
    class Meta:
        model = ApplicationServicePrice
        fields = ["id", "setting", "name", "unit", "rate"]


class ApplicationSerializer(serializers.ModelSerializer[Application]):
    prices = ApplicationPriceSerializer(many=True, read_only=True)
    service_prices = ApplicationServicePriceSerializer(many=True, read_only=True)
    provider_name = serializers.CharField(source="provider.name", read_only=True)

    class Meta:
        model = Application
        fields = [
            "id",
            "purchasing_system",
            "window",
            "provider",
            "provider_name",
            "state",
            "lots",
            "settings",
            "evidence",
            "declared_accurate",
            "declared_no_exclusion_grounds",
            "declared_safeguarding",
            "prices",
            "service_prices",
            "created_at",
            "submitted_at",
            "withdrawn_at",
            "evaluation_started_at",
            "outcome_at",
            "outcome_reason",
        ]
        read_only_fields = fields


class ApplicationStartSerializer(serializers.Serializer[Any]):
    purchasing_system = serializers.IntegerField()
    window = serializers.IntegerField(required=False, allow_null=True)


class ApplicationScopeInputSerializer(serializers.Serializer[Any]):
    lots = serializers.ListField(child=serializers.IntegerField())
    settings = serializers.ListField(child=serializers.IntegerField())


class EvidenceIdsSerializer(serializers.Serializer[Any]):
    evidence = serializers.ListField(child=serializers.IntegerField())


class ApplicationPricesInputSerializer(serializers.Serializer[Any]):
    # Kept as text so the service's money rule gives the message (pounds and pence, positive).
    prices = serializers.ListField(
        child=serializers.DictField(child=serializers.CharField(allow_blank=True))
    )


class ApplicationServiceInputSerializer(serializers.Serializer[Any]):
    setting = serializers.IntegerField()
    name = serializers.CharField(max_length=200, allow_blank=True)
    unit = serializers.CharField(max_length=40, allow_blank=True)
    rate = serializers.CharField(max_length=20, allow_blank=True)


class DeclarationsSerializer(serializers.Serializer[Any]):
    accurate = serializers.BooleanField()
    no_exclusion_grounds = serializers.BooleanField()
    safeguarding = serializers.BooleanField()


class WithdrawalInputSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class EvaluatorDecisionInputSerializer(serializers.Serializer[Any]):
    result = serializers.IntegerField()
    verdict = serializers.ChoiceField(choices=Verdict.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class EvaluationInputSerializer(serializers.Serializer[Any]):
    decisions = EvaluatorDecisionInputSerializer(many=True)


class ModerationInputSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(allow_blank=True)
    resolutions = EvaluatorDecisionInputSerializer(many=True, required=False, default=list)


class ClarificationInputSerializer(serializers.Serializer[Any]):
    question = serializers.CharField(allow_blank=True)
    due_at = serializers.DateTimeField()
    result = serializers.IntegerField(required=False, allow_null=True)


class ClarificationAnswerInputSerializer(serializers.Serializer[Any]):
    answer = serializers.CharField(allow_blank=True)


class AgreementSignInputSerializer(serializers.Serializer[Any]):
    signatory_name = serializers.CharField(allow_blank=True)
    signatory_role = serializers.CharField(allow_blank=True)


class RequirementResultSerializer(serializers.ModelSerializer[RequirementResult]):
    """What the caller may see: evaluators get the automatic check and each decision; the provider
    only the final result and reason, once there is an outcome."""

    class Meta:
        model = RequirementResult
        fields = [
            "id",
            "requirement",
            "setting",
            "automatic_result",
            "automatic_reason",
            "final_result",
            "final_reason",
        ]

    def to_representation(self, instance: RequirementResult) -> dict[str, Any]:
        data = super().to_representation(instance)
        actor = serializer_context_actor(self.context)
        if actor is not None and actor.is_lead_evaluator:
            data["decisions"] = [
                {
                    "evaluator": d.evaluator_id,
                    "verdict": d.verdict,
                    "reason": d.reason,
                    "decided_at": d.decided_at,
                }
                for d in instance.decisions.all()
            ]
        else:
            data.pop("automatic_result")
            data.pop("automatic_reason")
        return data


class ClarificationSerializer(serializers.ModelSerializer[ClarificationQuestion]):
    class Meta:
        model = ClarificationQuestion
        fields = [
            "id",
            "application",
            "result",
            "question",
            "asked_at",
            "due_at",
            "answer",
            "answered_at",
        ]


class MembershipSerializer(serializers.ModelSerializer[FpsMembership]):
    provider_name = serializers.CharField(source="provider.name", read_only=True)

    class Meta:
        model = FpsMembership
        fields = [
            "id",
            "purchasing_system",
            "provider",
            "provider_name",
            "state",
            "state_reason",
            "review_on",
            "joined_at",
            "state_changed_at",
            "agreement_signed_at",
            "agreement_signatory_name",
            "agreement_signatory_role",
        ]


class MembershipChangeSerializer(serializers.Serializer[Any]):
    action = serializers.ChoiceField(choices=["suspend", "reinstate", "remove", "withdraw"])
    reason = serializers.CharField(allow_blank=True)
    review_on = serializers.DateField(required=False, allow_null=True)


class EvidenceSerializer(serializers.ModelSerializer[Evidence]):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = [
            "id",
            "kind",
            "title",
            "setting",
            "reference",
            "insurance_type",
            "insurer",
            "cover_amount",
            "valid_until",
            "original_filename",
            "content_type",
            "size_bytes",
            "uploaded_at",
            "superseded_at",
            "download_url",
        ]

    def get_download_url(self, obj: Evidence) -> str:
        from django.urls import reverse

        return reverse("providers:evidence-download", args=[obj.pk])


class EvidenceInputSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=EvidenceKind.choices)
    title = serializers.CharField(allow_blank=True)
    file = serializers.FileField()
    setting = serializers.IntegerField(required=False, allow_null=True)
    reference = serializers.CharField(required=False, allow_blank=True, default="")
    insurance_type = serializers.ChoiceField(
        choices=InsuranceType.choices, required=False, allow_blank=True, default=""
    )
    insurer = serializers.CharField(required=False, allow_blank=True, default="")
    cover_amount = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        required=False,
        allow_null=True,
        error_messages={
            "max_digits": COVER_TOO_LARGE,
            "max_whole_digits": COVER_TOO_LARGE,
            "max_decimal_places": COVER_PENCE,
        },
    )
    valid_until = serializers.DateField(required=False, allow_null=True)
