from __future__ import annotations

from django.db.models import QuerySet
from rest_framework import serializers

from fps_portal.api.base import ScopedReadOnlyViewSet
from providers.models import Lot


class LotSerializer(serializers.ModelSerializer[Lot]):
    purchasing_system = serializers.CharField(source="purchasing_system.name")

    class Meta:
        model = Lot
        fields = [
            "id",
            "code",
            "name",
            "description",
            "starts_on",
            "ends_on",
            "is_residential",
            "purchasing_system",
        ]


class LotViewSet(ScopedReadOnlyViewSet[Lot]):
    """The lots of the purchasing system: the kinds of placement bought under it."""

    model = Lot
    serializer_class = LotSerializer
    filterset_fields = ["code", "is_residential"]

    def optimise(self, queryset: QuerySet[Lot]) -> QuerySet[Lot]:
        return queryset.select_related("purchasing_system")
