"""/api/v1/alerts/: the rating alerts told to the actor's authority (list, retrieve) and
`acknowledge/` (the actor, for their authority; again changes nothing). The same rule and
scoping as the pages: another authority's alert is 404."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from fps_portal.api.base import ScopedReadOnlyViewSet
from quality.api import alerts_serializers as s
from quality.models import RatingAlert
from quality.permissions import ALERT_READERS
from quality.selectors.alerts import alerts_with_own_recipients, placements_at
from quality.services.alerts import alert_acknowledge


class RatingAlertViewSet(ScopedReadOnlyViewSet[RatingAlert]):
    model = RatingAlert
    access = ALERT_READERS
    serializer_class = s.RatingAlertSerializer
    filterset_fields = ["setting", "decision_state"]

    def get_queryset(self) -> QuerySet[RatingAlert]:
        if getattr(self, "swagger_fake_view", False):
            return RatingAlert.objects.none()
        return alerts_with_own_recipients(self.actor)

    def _detail(self, alert: RatingAlert) -> Response:
        """`alert` as read by `get_queryset` (with the actor's authority's recipients)."""
        placements = placements_at(self.actor, alert.setting_id)
        return Response(
            s.RatingAlertDetailSerializer(alert, context={"placements": placements}).data
        )

    @extend_schema(responses=s.RatingAlertDetailSerializer)
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The alert with the actor's own authority's placements at the setting now."""
        return self._detail(self.get_object())

    @extend_schema(request=None, responses=s.RatingAlertDetailSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: str | None = None) -> Response:
        """The actor acknowledges the alert; acknowledging again changes nothing."""
        alert = self.get_object()
        alert_acknowledge(actor=self.actor, alert=alert)
        return self._detail(self.get_queryset().get(pk=alert.pk))
