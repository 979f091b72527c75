"""/api/v1/price-changes/: providers' proposed changes to approved prices, and the lead
authority's decisions on them.

A provider proposes through `POST /api/v1/settings/<id>/prices/` (an approved lot's new price is
a proposal) and lists its own here; the lead authority's evaluators list every change (the queue
is `?state=pending`) and decide one with `POST /api/v1/price-changes/<id>/decision/`.
Commissioners never read a proposal: they see `change_pending` on a setting's approved price.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from fps_portal.access import LEAD_EVALUATORS, PROVIDERS, either
from fps_portal.actors import Actor
from fps_portal.api.base import ScopedReadOnlyViewSet
from providers.models import PriceChange, PriceChangeState
from providers.services.price_changes import price_change_decide


class ProviderPriceChangeSerializer(serializers.ModelSerializer):
    """The provider's own proposals, with the lead authority's decision and reason."""

    setting = serializers.IntegerField(source="offer.setting_id", read_only=True)
    setting_name = serializers.CharField(source="offer.setting.name", read_only=True)
    lot = serializers.CharField(source="offer.lot.code", read_only=True)

    class Meta:
        model = PriceChange
        fields = [
            "id",
            "setting",
            "setting_name",
            "lot",
            "approved_price",
            "proposed_price",
            "reason",
            "state",
            "proposed_at",
            "accepted_at",
            "refused_at",
            "withdrawn_at",
            "decision_reason",
        ]
        read_only_fields = fields


class LeadPriceChangeSerializer(ProviderPriceChangeSerializer):
    """The lead authority also sees whose change it is and who proposed it."""

    # Output only; not read_only, because drf-spectacular lists read-only fields as required and
    # the provider's narrower shape (without these) is validated against this component.
    provider = serializers.CharField(source="offer.setting.provider.name", required=False)
    proposed_by = serializers.EmailField(
        source="proposed_by.email", required=False, allow_null=True
    )

    class Meta(ProviderPriceChangeSerializer.Meta):
        fields = [*ProviderPriceChangeSerializer.Meta.fields, "provider", "proposed_by"]
        read_only_fields = fields


def price_change_serializer_for(actor: Actor) -> type[ProviderPriceChangeSerializer]:
    return LeadPriceChangeSerializer if actor.is_lead_evaluator else ProviderPriceChangeSerializer


class PriceChangeDecisionInputSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(
        choices=[PriceChangeState.ACCEPTED.value, PriceChangeState.REFUSED.value]
    )
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=2000,
        help_text="Required to refuse: the provider is told it.",
    )


class PriceChangeViewSet(ScopedReadOnlyViewSet[PriceChange]):
    """Price changes: a provider's own; every one for the lead authority's evaluators."""

    model = PriceChange
    access = either(
        LEAD_EVALUATORS,
        PROVIDERS,
        message="Only the lead authority and the provider whose price it is can read "
        "price changes.",
    )
    filterset_fields = ["state"]
    action_rules = {"decision": LEAD_EVALUATORS}

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        if getattr(self, "swagger_fake_view", False):
            return LeadPriceChangeSerializer
        return price_change_serializer_for(self.actor)

    def optimise(self, queryset: QuerySet[PriceChange]) -> QuerySet[PriceChange]:
        return queryset.select_related("offer__setting__provider", "offer__lot", "proposed_by")

    @extend_schema(request=PriceChangeDecisionInputSerializer, responses=LeadPriceChangeSerializer)
    @action(detail=True, methods=["post"])
    def decision(self, request: Request, pk: str | None = None) -> Response:
        """Accepts or refuses a pending change; 409 when it was decided or replaced meanwhile."""
        change = self.get_object()
        serializer = PriceChangeDecisionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        decided = price_change_decide(
            change=change,
            actor=self.actor,
            outcome=serializer.validated_data["outcome"],
            reason=serializer.validated_data["reason"],
        )
        fresh = self.optimise(self.get_queryset().filter(pk=decided.pk)).get()
        return Response(price_change_serializer_for(self.actor)(fresh).data)
