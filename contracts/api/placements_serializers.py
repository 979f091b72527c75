"""Serializers of the placements API: a placement as the two parties read it, the same columns
as the page and the export (the figures computed by `contracts.selectors.placements`)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from contracts.models import Agreement


class PlacedChildSerializer(serializers.Serializer):
    """The child as the lists show them: to the placing authority, and to the provider once its
    award is complete (ADR 0016); never more of the record than this."""

    id = serializers.IntegerField()
    given_name = serializers.CharField()
    family_name = serializers.CharField()
    ehcp_next_review_on = serializers.DateField(
        allow_null=True, help_text="The EHC plan's next annual review."
    )


class PlacementUpliftSerializer(serializers.Serializer):
    weekly_fee = serializers.DecimalField(
        help_text="The new core weekly fee a place.",
        max_digits=12,
        decimal_places=2,
        read_only=True,
    )
    effective_from = serializers.DateField()


class PlacementSerializer(serializers.ModelSerializer):
    order_number = serializers.CharField(source="order.number", read_only=True)
    places = serializers.IntegerField(source="order.places", read_only=True)
    setting_name = serializers.SerializerMethodField()
    provider_name = serializers.SerializerMethodField()
    authority_name = serializers.CharField(source="authority.name", read_only=True)
    child = serializers.SerializerMethodField()
    is_block_purchase = serializers.SerializerMethodField()
    weekly_cost_today = serializers.DecimalField(
        source="cost_today",
        help_text="The fee and services in force today, every place.",
        max_digits=12,
        decimal_places=2,
        read_only=True,
    )
    weekly_cost_per_place_today = serializers.DecimalField(
        source="cost_per_place_today", max_digits=12, decimal_places=2, read_only=True
    )
    annual_cost_today = serializers.SerializerMethodField()
    ends_on = serializers.DateField(
        read_only=True,
        allow_null=True,
        help_text="The recorded end's last day, else the end date of the terms.",
    )
    end_kind = serializers.SerializerMethodField()
    uplift_proposed = serializers.SerializerMethodField()
    uplift_agreed = serializers.SerializerMethodField()
    variation_pending = serializers.BooleanField(read_only=True)

    class Meta:
        model = Agreement
        fields = [
            "id",
            "reference",
            "order",
            "order_number",
            "state",
            "child",
            "is_block_purchase",
            "places",
            "setting",
            "setting_name",
            "provider",
            "provider_name",
            "authority",
            "authority_name",
            "weekly_cost_today",
            "weekly_cost_per_place_today",
            "weeks_per_year",
            "annual_cost_today",
            "start_date",
            "end_date",
            "ends_on",
            "end_kind",
            "uplift_proposed",
            "uplift_agreed",
            "variation_pending",
        ]
        read_only_fields = fields

    def get_setting_name(self, agreement: Agreement) -> str:
        return agreement.setting.name if agreement.setting else agreement.order.setting_name

    def get_provider_name(self, agreement: Agreement) -> str:
        return agreement.provider.name if agreement.provider else agreement.order.provider_name

    def get_is_block_purchase(self, agreement: Agreement) -> bool:
        return agreement.child_id is None

    @extend_schema_field(PlacedChildSerializer(allow_null=True))
    def get_child(self, agreement: Agreement) -> dict[str, Any] | None:
        child = self.context["children"].get(agreement.child_id)
        return dict(PlacedChildSerializer(child).data) if child is not None else None

    @extend_schema_field(
        serializers.DecimalField(
            help_text="The weekly cost today times the weeks a year of the terms.",
            max_digits=12,
            decimal_places=2,
            read_only=True,
        )
    )
    def get_annual_cost_today(self, agreement: Any) -> str:
        return f"{agreement.cost_today * agreement.weeks_per_year:.2f}"

    @extend_schema_field(
        serializers.CharField(
            allow_null=True, help_text="planned, move or breakdown, once the end is recorded."
        )
    )
    def get_end_kind(self, agreement: Agreement) -> str | None:
        end = getattr(agreement, "placement_end", None)
        return end.kind if end is not None else None

    def _uplift(self, fee: Any, effective_from: Any) -> dict[str, Any] | None:
        if fee is None:
            return None
        return dict(
            PlacementUpliftSerializer({"weekly_fee": fee, "effective_from": effective_from}).data
        )

    @extend_schema_field(PlacementUpliftSerializer(allow_null=True))
    def get_uplift_proposed(self, agreement: Any) -> dict[str, Any] | None:
        """The price uplift proposed and awaiting signatures."""
        return self._uplift(agreement.uplift_proposed_fee, agreement.uplift_proposed_from)

    @extend_schema_field(PlacementUpliftSerializer(allow_null=True))
    def get_uplift_agreed(self, agreement: Any) -> dict[str, Any] | None:
        """The latest price uplift both parties signed."""
        return self._uplift(agreement.uplift_agreed_fee, agreement.uplift_agreed_from)
