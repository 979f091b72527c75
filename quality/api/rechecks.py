"""/api/v1/rechecks/: the annual re-checks, with the same scoping as the pages (the lead
authority reads every one, a provider its own, everyone else 403).

A provider answers an item with `POST .../<id>/confirm/` (`{"item": id}`) or
`POST .../<id>/change/` (multipart: `item`, `title`, `file`, `valid_until`, and for insurance
`insurer` and `cover_amount`), adds evidence it did not hold with `POST .../<id>/add/`
(multipart: `kind`, `title`, `file`, and `setting`, `valid_until` and the insurance fields as
the kind needs), and sends the re-check with `POST .../<id>/submit/`; the lead
authority's evaluators accept or return each item with `POST .../<id>/review/`
(`{"item": id, "outcome": "accepted"|"returned", "reason": ...}`). Each answers the re-check.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from fps_portal.access import LEAD_EVALUATORS, PROVIDERS, either
from fps_portal.api.base import UPLOAD_PARSERS, ScopedReadOnlyViewSet
from fps_portal.errors import InvalidInput
from fps_portal.scoping import scoped
from providers.models import EvidenceKind, InsuranceType, Setting
from quality.models import ItemReview, Recheck, RecheckEvent, RecheckItem
from quality.services.recheck_additions import recheck_item_add
from quality.services.rechecks import (
    recheck_item_change,
    recheck_item_confirm,
    recheck_item_review,
    recheck_submit,
)


class RecheckItemSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(source="evidence.kind", read_only=True)
    title = serializers.CharField(source="evidence.title", read_only=True)
    setting = serializers.IntegerField(
        source="evidence.setting_id", read_only=True, allow_null=True
    )
    valid_until = serializers.DateField(
        source="evidence.valid_until", read_only=True, allow_null=True
    )
    replacement_title = serializers.CharField(
        source="replacement.title", read_only=True, allow_null=True, default=None
    )
    replacement_valid_until = serializers.DateField(
        source="replacement.valid_until", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = RecheckItem
        fields = [
            "id",
            "evidence",
            "kind",
            "title",
            "setting",
            "valid_until",
            "replacement",
            "replacement_title",
            "replacement_valid_until",
            "response",
            "responded_at",
            "review",
            "review_reason",
            "reviewed_at",
        ]
        read_only_fields = fields


class RecheckEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = RecheckEvent
        fields = ["kind", "item", "detail", "at"]
        read_only_fields = fields


class RecheckSerializer(serializers.ModelSerializer):
    provider = serializers.IntegerField(source="membership.provider_id", read_only=True)
    provider_name = serializers.CharField(source="membership.provider.name", read_only=True)
    items = RecheckItemSerializer(many=True, read_only=True)
    history = RecheckEventSerializer(source="events", many=True, read_only=True)

    class Meta:
        model = Recheck
        fields = [
            "id",
            "provider",
            "provider_name",
            "membership",
            "cycle",
            "state",
            "opened_at",
            "due_on",
            "submitted_at",
            "returned_at",
            "accepted_at",
            "items",
            "history",
        ]
        read_only_fields = fields


class RecheckItemInputSerializer(serializers.Serializer):
    item = serializers.IntegerField(min_value=1)


class RecheckReviewInputSerializer(RecheckItemInputSerializer):
    outcome = serializers.ChoiceField(
        choices=[ItemReview.ACCEPTED.value, ItemReview.RETURNED.value]
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class RecheckChangeInputSerializer(RecheckItemInputSerializer):
    title = serializers.CharField(max_length=200)
    file = serializers.FileField()
    valid_until = serializers.DateField(required=False, allow_null=True, default=None)
    reference = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)
    insurer = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    cover_amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True, default=None
    )


class RecheckAddInputSerializer(serializers.Serializer):
    """New evidence for the re-check: `setting` for the kinds held per setting, the insurance
    fields for insurance (`evidence_add` says which are missing)."""

    kind = serializers.ChoiceField(choices=EvidenceKind.choices)
    setting = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)
    title = serializers.CharField(max_length=200)
    file = serializers.FileField()
    valid_until = serializers.DateField(required=False, allow_null=True, default=None)
    reference = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)
    insurance_type = serializers.ChoiceField(
        choices=InsuranceType.choices, required=False, allow_blank=True, default=""
    )
    insurer = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    cover_amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True, default=None
    )


class RecheckViewSet(ScopedReadOnlyViewSet[Recheck]):
    """Re-checks: a provider's own; every one for the lead authority's evaluators."""

    model = Recheck
    serializer_class = RecheckSerializer
    access = either(
        LEAD_EVALUATORS,
        PROVIDERS,
        message="Only the lead authority and the provider being re-checked can read re-checks.",
    )
    filterset_fields = ["state", "cycle"]
    action_rules = {
        "confirm": PROVIDERS,
        "change": PROVIDERS,
        "add": PROVIDERS,
        "submit": PROVIDERS,
        "review": LEAD_EVALUATORS,
    }

    def optimise(self, queryset: QuerySet[Recheck]) -> QuerySet[Recheck]:
        return queryset.select_related("membership__provider").prefetch_related(
            Prefetch(
                "items",
                queryset=scoped(RecheckItem, self.actor)
                .select_related("evidence", "replacement")
                .order_by("evidence__kind", "evidence__setting_id", "id"),
            ),
            Prefetch("events", queryset=scoped(RecheckEvent, self.actor).order_by("at", "id")),
        )

    def _item(self, recheck: Recheck, item_id: int) -> RecheckItem:
        item = scoped(RecheckItem, self.actor).filter(recheck=recheck, pk=item_id).first()
        if item is None:
            raise InvalidInput.on_fields({"item": "Select an item of this re-check."})
        return item

    def _fresh(self, recheck: Recheck) -> Response:
        # get_queryset() is already optimised (prefetching twice is refused).
        fresh = self.get_queryset().filter(pk=recheck.pk).get()
        return Response(RecheckSerializer(fresh).data)

    @extend_schema(request=RecheckItemInputSerializer, responses=RecheckSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str | None = None) -> Response:
        """The provider confirms an item is still current (400 if it expired)."""
        recheck = self.get_object()
        data = _valid(RecheckItemInputSerializer, request)
        recheck_item_confirm(actor=self.actor, item=self._item(recheck, data["item"]))
        return self._fresh(recheck)

    @extend_schema(request=RecheckChangeInputSerializer, responses=RecheckSerializer)
    @action(detail=True, methods=["post"], parser_classes=UPLOAD_PARSERS)
    def change(self, request: Request, pk: str | None = None) -> Response:
        """The provider uploads the changed document of an item (multipart)."""
        recheck = self.get_object()
        data = _valid(RecheckChangeInputSerializer, request)
        recheck_item_change(
            actor=self.actor,
            item=self._item(recheck, data["item"]),
            title=data["title"],
            upload=data["file"],
            valid_until=data["valid_until"],
            reference=data["reference"],
            insurer=data["insurer"],
            cover_amount=data["cover_amount"],
        )
        return self._fresh(recheck)

    @extend_schema(request=RecheckAddInputSerializer, responses=RecheckSerializer)
    @action(detail=True, methods=["post"], parser_classes=UPLOAD_PARSERS)
    def add(self, request: Request, pk: str | None = None) -> Response:
        """The provider adds evidence it did not hold when the re-check opened (multipart)."""
        recheck = self.get_object()
        data = _valid(RecheckAddInputSerializer, request)
        setting = None
        if data["setting"] is not None:
            setting = (
                scoped(Setting, self.actor)
                .filter(pk=data["setting"], provider_id=recheck.membership.provider_id)
                .first()
            )
            if setting is None:
                raise InvalidInput.on_fields({"setting": "Select one of your own settings."})
        recheck_item_add(
            actor=self.actor,
            recheck=recheck,
            kind=data["kind"],
            title=data["title"],
            upload=data["file"],
            setting=setting,
            valid_until=data["valid_until"],
            reference=data["reference"],
            insurance_type=data["insurance_type"],
            insurer=data["insurer"],
            cover_amount=data["cover_amount"],
        )
        return self._fresh(recheck)

    @extend_schema(request=None, responses=RecheckSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        """The provider sends the re-check once every item is answered (400 otherwise)."""
        recheck = self.get_object()
        recheck_submit(actor=self.actor, recheck=recheck)
        return self._fresh(recheck)

    @extend_schema(request=RecheckReviewInputSerializer, responses=RecheckSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str | None = None) -> Response:
        """The lead authority accepts or returns an item; 409 when reviewed meanwhile."""
        recheck = self.get_object()
        data = _valid(RecheckReviewInputSerializer, request)
        recheck_item_review(
            actor=self.actor,
            item=self._item(recheck, data["item"]),
            outcome=data["outcome"],
            reason=data["reason"],
        )
        return self._fresh(recheck)


def _valid(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


ROUTES = [("rechecks", RecheckViewSet, "recheck")]
