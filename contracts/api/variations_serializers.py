"""Serializers of the variations, regional uplifts and placement ends API. Outputs read the rows;
inputs only parse (the services say what is wrong, on the same fields as the pages)."""

from __future__ import annotations

from rest_framework import serializers

from contracts.models import (
    BreakdownReason,
    EndKind,
    EndRequestedBy,
    PlacementEnd,
    RegionalUplift,
    Variation,
    VariationKind,
)
from contracts.terms import FUNDING_STREAMS
from fps_portal.api.fields import model_text

TEXT = 4000


class VariationSerializer(serializers.ModelSerializer):
    """A variation as both parties read it; the terms themselves are on the agreement's
    version (`version_number`), read through the agreement (an audited read)."""

    version_number = serializers.IntegerField(source="version.number", read_only=True)
    version_state = serializers.CharField(source="version.state", read_only=True)

    class Meta:
        model = Variation
        fields = [
            "id",
            "agreement",
            "kind",
            "state",
            "version",
            "version_number",
            "version_state",
            "reason",
            "effective_from",
            "uplift_percent",
            "new_weekly_fee",
            "new_end_date",
            "provision_summary",
            "regional_uplift",
            "proposed_by_party",
            "proposed_at",
            "agreed_at",
            "refused_at",
            "refusal_reason",
            "withdrawn_at",
        ]
        read_only_fields = fields


class VariationServiceSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, allow_blank=True)
    unit = serializers.CharField(max_length=40, allow_blank=True)
    rate = serializers.DecimalField(max_digits=10, decimal_places=2)
    quantity = serializers.DecimalField(max_digits=8, decimal_places=2)


class VariationFundingSerializer(serializers.Serializer):
    stream = serializers.ChoiceField(choices=list(FUNDING_STREAMS.items()))
    funder = serializers.CharField(max_length=200, allow_blank=True)
    percent = serializers.DecimalField(max_digits=5, decimal_places=2)


class ProvisionInputSerializer(serializers.Serializer):
    education = serializers.BooleanField()
    residential_care = serializers.BooleanField()
    health_and_therapies = serializers.BooleanField()
    weeks_per_year = serializers.IntegerField(min_value=0, max_value=366)
    description = serializers.CharField(max_length=8000, allow_blank=True)
    services = VariationServiceSerializer(many=True)
    funding = VariationFundingSerializer(many=True)
    summary = serializers.CharField(max_length=TEXT, allow_blank=True)


class VariationInputSerializer(serializers.Serializer):
    """One variation of `kind`: a price uplift takes `uplift_percent` or `new_weekly_fee` with
    `effective_from`; a change of provision takes `provision` with `effective_from`; a change of
    end date takes `new_end_date`. Each takes its `reason`."""

    agreement = serializers.IntegerField(min_value=1)
    kind = serializers.ChoiceField(choices=VariationKind.choices)
    reason = serializers.CharField(max_length=TEXT, allow_blank=True)
    effective_from = serializers.DateField(required=False, allow_null=True, default=None)
    uplift_percent = serializers.DecimalField(
        max_digits=5, decimal_places=2, required=False, allow_null=True, default=None
    )
    new_weekly_fee = serializers.DecimalField(
        max_digits=10, decimal_places=2, required=False, allow_null=True, default=None
    )
    new_end_date = serializers.DateField(required=False, allow_null=True, default=None)
    provision = ProvisionInputSerializer(required=False, allow_null=True, default=None)


class VariationReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=TEXT, allow_blank=True)


class RegionalUpliftSerializer(serializers.ModelSerializer):
    class Meta:
        model = RegionalUplift
        fields = [
            "id",
            "purchasing_system",
            "title",
            "percent",
            "effective_from",
            "reason",
            "published_at",
        ]
        read_only_fields = fields


class RegionalUpliftInputSerializer(serializers.Serializer):
    purchasing_system = serializers.IntegerField(min_value=1)
    title = model_text(RegionalUplift, "title", "Title", allow_blank=True)
    percent = serializers.DecimalField(max_digits=5, decimal_places=2)
    effective_from = serializers.DateField()
    reason = serializers.CharField(max_length=TEXT, allow_blank=True)


class ApplyInputSerializer(serializers.Serializer):
    agreements = serializers.ListField(
        child=serializers.IntegerField(min_value=1), allow_empty=True, max_length=500
    )


class AppliedSerializer(serializers.Serializer):
    variations = VariationSerializer(many=True)


class PlacementEndSerializer(serializers.ModelSerializer):
    reason = serializers.CharField(
        read_only=True,
        help_text="A breakdown's reason (one of BreakdownReasonEnum); empty for other ends.",
    )

    class Meta:
        model = PlacementEnd
        fields = [
            "id",
            "agreement",
            "kind",
            "reason",
            "details",
            "requested_by",
            "notice_given_on",
            "last_day",
            "move_to_setting",
            "move_to_name",
            "recorded_at",
        ]
        read_only_fields = fields


class PlacementEndInputSerializer(serializers.Serializer):
    """A provider's notice is always `requested_by` the provider, whatever is sent."""

    agreement = serializers.IntegerField(min_value=1)
    kind = serializers.ChoiceField(choices=EndKind.choices)
    reason = serializers.ChoiceField(
        choices=BreakdownReason.choices, required=False, allow_blank=True, default=""
    )
    details = serializers.CharField(max_length=8000, allow_blank=True)
    requested_by = serializers.ChoiceField(
        choices=EndRequestedBy.choices, required=False, allow_blank=True, default=""
    )
    notice_given_on = serializers.DateField()
    last_day = serializers.DateField()
    move_to_setting = serializers.IntegerField(
        min_value=1, required=False, allow_null=True, default=None
    )
    move_to_name = model_text(
        PlacementEnd, "move_to_name", "Setting name", required=False, allow_blank=True, default=""
    )
