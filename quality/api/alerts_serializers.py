"""What the API gives of a rating alert: the setting, the old and new judgement with dates, why
it alerted, the decision on a fail band, and the actor's own authority's recipients and
placements (agreement ids and references: a child's name is read from the agreement itself)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from quality.models import AlertRecipient, RatingAlert


class RecipientSerializer(serializers.ModelSerializer[AlertRecipient]):
    name = serializers.CharField(source="user.full_name")
    acknowledged_by = serializers.IntegerField(source="acknowledged_by_id", allow_null=True)

    class Meta:
        model = AlertRecipient
        fields = ["id", "user", "name", "authority", "acknowledged_at", "acknowledged_by"]


class JudgementSummarySerializer(serializers.Serializer[Any]):
    band = serializers.CharField()
    summary = serializers.CharField()
    inspected_on = serializers.DateField(allow_null=True)
    published_on = serializers.DateField(allow_null=True)


class RatingAlertSerializer(serializers.ModelSerializer[RatingAlert]):
    setting_name = serializers.CharField(source="setting.name")
    provider_name = serializers.CharField(source="setting.provider.name")
    new = serializers.SerializerMethodField()
    previous = serializers.SerializerMethodField()
    recipients = serializers.SerializerMethodField()

    class Meta:
        model = RatingAlert
        fields = [
            "id",
            "setting",
            "setting_name",
            "provider_name",
            "judgement",
            "new",
            "previous",
            "reasons",
            "created_at",
            "decision_state",
            "decided_at",
            "decision_reason",
            "recipients",
        ]

    def get_new(self, alert: RatingAlert) -> dict[str, Any]:
        return JudgementSummarySerializer(
            {
                "band": alert.new_band,
                "summary": alert.new_summary,
                "inspected_on": alert.new_inspected_on,
                "published_on": alert.new_published_on,
            }
        ).data

    def get_previous(self, alert: RatingAlert) -> dict[str, Any] | None:
        if not alert.previous_band:
            return None
        return JudgementSummarySerializer(
            {
                "band": alert.previous_band,
                "summary": alert.previous_summary,
                "inspected_on": alert.previous_inspected_on,
                "published_on": alert.previous_published_on,
            }
        ).data

    def get_recipients(self, alert: RatingAlert) -> list[dict[str, Any]]:
        own = getattr(alert, "own_recipients", [])
        return list(RecipientSerializer(own, many=True).data)


class PlacementSerializer(serializers.Serializer[Any]):
    agreement = serializers.IntegerField(source="pk")
    reference = serializers.CharField()
    start_date = serializers.DateField()


class RatingAlertDetailSerializer(RatingAlertSerializer):
    placements = serializers.SerializerMethodField()

    class Meta(RatingAlertSerializer.Meta):
        fields = [*RatingAlertSerializer.Meta.fields, "placements"]

    def get_placements(self, alert: RatingAlert) -> list[dict[str, Any]]:
        return list(PlacementSerializer(self.context.get("placements", []), many=True).data)
