"""Serializers for the onboarding API: output shapes, and input shapes parsed before a service
call."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from fps_portal.actors import Actor
from fps_portal.api.fields import column_limit, model_text
from providers.models import (
    Application,
    ApplicationPrice,
    ApplicationServicePrice,
    ClarificationQuestion,
    EvaluationWindow,
    EvaluatorDecision,
    Evidence,
    FpsMembership,
    InsuranceType,
    Lot,
    PurchasingSystem,
    PurchasingSystemKind,
    RequirementResult,
    Verdict,
)
from providers.models.evidence import EvidenceKind
from providers.selectors.application_prices import price_lines, service_lines
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


class PurchasingSystemInputSerializer(serializers.Serializer[Any]):
    """Creating or replacing a purchasing system: a field left out takes the model's default."""

    name = model_text(PurchasingSystem, "name", "The name")
    kind = serializers.ChoiceField(
        choices=PurchasingSystemKind.choices, default=PurchasingSystemKind.FPS
    )
    term_start = serializers.DateField()
    term_end = serializers.DateField()
    direct_award_allowed = serializers.BooleanField(default=True)
    admits_by_windows = serializers.BooleanField(default=True)


class LotCreateInputSerializer(serializers.Serializer[Any]):
    code = model_text(Lot, "code", "The lot's code")
    name = model_text(Lot, "name", "The lot's name")
    description = serializers.CharField(required=False, allow_blank=True, default="")
    starts_on = serializers.DateField()
    is_residential = serializers.BooleanField(default=False)


class LotCreatedSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    starts_on = serializers.DateField()


class EvaluationRecordedSerializer(serializers.Serializer[Any]):
    recorded = serializers.IntegerField(help_text="How many decisions were recorded.")


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


class LeadWindowSerializer(WindowSerializer):
    """The lead authority's evaluators also see who corrected the window by hand, and when."""

    class Meta(WindowSerializer.Meta):
        fields = [
            *WindowSerializer.Meta.fields,
            "opened_by",
            "closed_by",
            "rescheduled_at",
            "cancelled_at",
            "cancellation_reason",
        ]
        # Output only (nothing writes through this shape); left out of `read_only_fields` so the
        # schema, which documents this shape for everyone, marks them optional (nullable or
        # blank), as other roles do not get them.


def window_serializer_for(actor: Actor) -> type[WindowSerializer]:
    """Everyone reads the timetable; only the lead authority sees who corrected it."""
    return LeadWindowSerializer if actor.is_lead_evaluator else WindowSerializer


def _window_reason() -> serializers.CharField:
    # Blank passes here so the service words the missing reason, as the pages do.
    return model_text(EvaluationWindow, "cancellation_reason", "The reason", allow_blank=True)


class WindowReasonInputSerializer(serializers.Serializer[Any]):
    reason = _window_reason()


class WindowRescheduleInputSerializer(serializers.Serializer[Any]):
    """A field left out keeps the window's current value."""

    name = model_text(EvaluationWindow, "name", "The window name", required=False)
    opens_at = serializers.DateTimeField(required=False)
    closes_at = serializers.DateTimeField(required=False)
    evaluation_deadline = serializers.DateTimeField(required=False)
    reason = _window_reason()


class ApplicationPriceSerializer(serializers.ModelSerializer[ApplicationPrice]):
    class Meta:
        model = ApplicationPrice
        fields = ["setting", "lot", "weekly_price"]


class ApplicationServicePriceSerializer(serializers.ModelSerializer[ApplicationServicePrice]):
    class Meta:
        model = ApplicationServicePrice
        fields = ["id", "setting", "name", "unit", "rate"]


class ApplicationSerializer(serializers.ModelSerializer[Application]):
    # A draft shows its settings' own price list for the round; a submitted application the
    # lines frozen at submission (`providers.selectors.application_prices`).
    prices = serializers.SerializerMethodField()
    service_prices = serializers.SerializerMethodField()
    provider_name = serializers.CharField(source="provider.name", read_only=True)

    @extend_schema_field(ApplicationPriceSerializer(many=True))
    def get_prices(self, application: Application) -> list[dict[str, Any]]:
        return ApplicationPriceSerializer(price_lines(application), many=True).data  # type: ignore[arg-type, return-value]

    @extend_schema_field(ApplicationServicePriceSerializer(many=True))
    def get_service_prices(self, application: Application) -> list[dict[str, Any]]:
        return ApplicationServicePriceSerializer(service_lines(application), many=True).data  # type: ignore[arg-type, return-value]

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
    # Ids are positive 64-bit integers: a larger number is refused at the field, not sent to the
    # database (SQLite raised OverflowError, a 500, for one; found by the fuzzing gate).
    lots = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=2**63 - 1))
    settings = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    )


class EvidenceIdsSerializer(serializers.Serializer[Any]):
    evidence = serializers.ListField(child=serializers.IntegerField())


class ApplicationPricesInputSerializer(serializers.Serializer[Any]):
    # Kept as text so the service's money rule gives the message (pounds and pence, positive).
    prices = serializers.ListField(
        child=serializers.DictField(child=serializers.CharField(allow_blank=True))
    )


class ApplicationServiceInputSerializer(serializers.Serializer[Any]):
    setting = serializers.IntegerField()
    name = model_text(ApplicationServicePrice, "name", "The service", allow_blank=True)
    unit = model_text(
        ApplicationServicePrice, "unit", "What the service is charged per", allow_blank=True
    )
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
    signatory_name = model_text(
        FpsMembership,
        "agreement_signatory_name",
        "The full name of the person signing",
        allow_blank=True,
    )
    signatory_role = model_text(
        FpsMembership,
        "agreement_signatory_role",
        "The role of the person signing",
        allow_blank=True,
    )
    version = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        help_text="The version of the agreement the signatory read (agreement-documents); "
        "if a newer one is current, nothing is signed (409).",
    )


class DecisionSerializer(serializers.ModelSerializer[EvaluatorDecision]):
    class Meta:
        model = EvaluatorDecision
        fields = ["evaluator", "verdict", "reason", "decided_at"]


@extend_schema_serializer(component_name="RequirementResult")
class EvaluatorRequirementResultSerializer(serializers.ModelSerializer[RequirementResult]):
    """A requirement's result. The lead authority's evaluators get the automatic check and each
    evaluator's decision; the provider only the final result and reason, once there is an
    outcome (so the fields only evaluators see are optional here)."""

    decisions = DecisionSerializer(many=True, required=False)

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
            "decisions",
        ]
        extra_kwargs = {
            "automatic_result": {"required": False},
            "automatic_reason": {"required": False},
        }


class ProviderRequirementResultSerializer(EvaluatorRequirementResultSerializer):
    class Meta(EvaluatorRequirementResultSerializer.Meta):
        fields = ["id", "requirement", "setting", "final_result", "final_reason"]


def requirement_result_serializer_for(actor: Actor) -> type[EvaluatorRequirementResultSerializer]:
    if actor.is_lead_evaluator:
        return EvaluatorRequirementResultSerializer
    return ProviderRequirementResultSerializer


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


#: What every authority's staff see of a membership; the lead authority's evaluators and the
#: provider also see who signed the access agreement (`_SIGNATORY`).
_MEMBERSHIP_FOR_AUTHORITIES = [
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
]
_SIGNATORY = ["agreement_signatory_name", "agreement_signatory_role"]


@extend_schema_serializer(component_name="Membership")
class LeadMembershipSerializer(serializers.ModelSerializer[FpsMembership]):
    """The lead authority's evaluators: everything, including their own reasons and the named
    signatory of the access agreement."""

    provider_name = serializers.CharField(source="provider.name", read_only=True)
    # Output only (memberships are changed through MembershipChangeSerializer). Not read_only:
    # drf-spectacular lists every read-only field as required, and this component describes the
    # widest shape, so the forum's narrower one (without it) would break the published schema.
    agreement_version = serializers.IntegerField(
        source="agreement_version.version", required=False, allow_null=True
    )

    class Meta:
        model = FpsMembership
        fields = [*_MEMBERSHIP_FOR_AUTHORITIES, *_SIGNATORY, "agreement_version"]


class ProviderMembershipSerializer(LeadMembershipSerializer):
    """A provider's own membership: why it was suspended, when that is reviewed, and who signed
    for it (scoping shows a provider no other provider's membership)."""


class AuthorityMembershipSerializer(LeadMembershipSerializer):
    """Other authorities' staff: whether a provider is on the system and, when it is suspended,
    why and until when (a placing authority must know before it places a child). Not who signed
    the agreement: that is the provider's employee, and the lead authority holds the record."""

    class Meta(LeadMembershipSerializer.Meta):
        fields = [*_MEMBERSHIP_FOR_AUTHORITIES, "agreement_version"]


class ForumMembershipSerializer(LeadMembershipSerializer):
    """Forum members: the public fact that a provider is on the system, nothing of the lead
    authority's reasons or the signatory."""

    class Meta(LeadMembershipSerializer.Meta):
        fields = ["id", "purchasing_system", "provider", "provider_name", "state", "joined_at"]


def membership_serializer_for(actor: Actor) -> type[LeadMembershipSerializer]:
    """The shape of a membership this actor may see; an unknown role gets the narrowest."""
    if actor.is_lead_evaluator:
        return LeadMembershipSerializer
    if actor.is_provider:
        return ProviderMembershipSerializer
    if actor.is_authority:
        return AuthorityMembershipSerializer
    return ForumMembershipSerializer


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
    title = model_text(Evidence, "title", "The title", allow_blank=True)
    file = serializers.FileField(max_length=column_limit(Evidence, "original_filename"))
    setting = serializers.IntegerField(required=False, allow_null=True)
    reference = model_text(
        Evidence, "reference", "The reference", required=False, allow_blank=True, default=""
    )
    insurance_type = serializers.ChoiceField(
        choices=InsuranceType.choices, required=False, allow_blank=True, default=""
    )
    insurer = model_text(
        Evidence, "insurer", "The insurer", required=False, allow_blank=True, default=""
    )
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
