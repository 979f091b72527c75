"""/api/v1/ for variations, regional uplifts and the end of a placement (issue 12): the same
services and scoping as the pages.

- `variations/` (the two parties; list, retrieve, create one of each kind) with `refuse/` (the
  other party) and `withdraw/` (the proposer); signing the new version is the agreement's
  signing action.
- `regional-uplifts/` (providers and authorities read; the lead authority publishes) with
  `apply/` (a provider, to many of its agreements at once, all or nothing).
- `placement-ends/` (the two parties; list, retrieve, create: the authority records an end, the
  provider gives notice).

An agreement named in a body that the actor is not a party to is a 400 on `agreement`, as a
missing one is (the ids reveal nothing); a variation or end of another's is 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from contracts.api import variations_serializers as s
from contracts.models import (
    Agreement,
    PlacementEnd,
    RegionalUplift,
    Variation,
    VariationKind,
)
from contracts.permissions import AGREEMENT_PARTIES
from contracts.services.endings import placement_end_record
from contracts.services.uplifts import regional_uplift_apply, regional_uplift_publish
from contracts.services.variation_decisions import variation_refuse, variation_withdraw
from contracts.services.variations import (
    ProvisionChange,
    variation_propose_end_date,
    variation_propose_provision,
    variation_propose_uplift,
)
from contracts.terms import FundingShare, ServiceLine
from fps_portal.access import AUTHORITIES, LEAD_EVALUATORS, PROVIDERS, either
from fps_portal.api.base import ScopedGenericViewSet, ScopedReadOnlyViewSet
from fps_portal.errors import InvalidInput
from fps_portal.scoping import scoped
from providers.models import PurchasingSystem, Setting

UPLIFT_READERS = either(
    PROVIDERS,
    AUTHORITIES,
    message="Only providers and local authority staff can see regional uplifts.",
)
NOT_YOURS = "Select one of the agreements your organisation is a party to."


def _valid(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _agreement(viewset: ScopedGenericViewSet[Any], pk: int) -> Agreement:
    found = scoped(Agreement, viewset.actor).filter(pk=pk).select_related("referral").first()
    if found is None:
        raise InvalidInput.on_fields({"agreement": NOT_YOURS})
    return found


class VariationViewSet(ScopedReadOnlyViewSet[Variation], mixins.CreateModelMixin):
    """Variations of the agreements the actor is a party to."""

    model = Variation
    access = AGREEMENT_PARTIES
    serializer_class = s.VariationSerializer
    filterset_fields = ["agreement", "state", "kind"]

    def optimise(self, queryset: QuerySet[Variation]) -> QuerySet[Variation]:
        return queryset.select_related("version")

    def _answer(self, variation: Variation, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.optimise(self.get_queryset()).get(pk=variation.pk)
        return Response(s.VariationSerializer(fresh).data, status=code)

    @extend_schema(request=s.VariationInputSerializer, responses={201: s.VariationSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Propose a variation: a new version of the agreement, issued for both to sign."""
        data = _valid(s.VariationInputSerializer, request)
        agreement = _agreement(self, data["agreement"])
        kind = data["kind"]
        if kind == VariationKind.PRICE_UPLIFT:
            variation = variation_propose_uplift(
                actor=self.actor,
                agreement=agreement,
                percent=data["uplift_percent"],
                new_weekly_fee=data["new_weekly_fee"],
                effective_from=data["effective_from"],
                reason=data["reason"],
            )
        elif kind == VariationKind.PROVISION_CHANGE:
            provision = data["provision"]
            if provision is None:
                raise InvalidInput.on_fields(
                    {"provision": "Give the provision as it will be from the effective date."}
                )
            variation = variation_propose_provision(
                actor=self.actor,
                agreement=agreement,
                change=ProvisionChange(
                    education=provision["education"],
                    residential_care=provision["residential_care"],
                    health_and_therapies=provision["health_and_therapies"],
                    weeks_per_year=provision["weeks_per_year"],
                    description=provision["description"],
                    services=tuple(ServiceLine(**line) for line in provision["services"]),
                    funding=tuple(FundingShare(**share) for share in provision["funding"]),
                    summary=provision["summary"],
                ),
                effective_from=data["effective_from"],
                reason=data["reason"],
            )
        else:
            variation = variation_propose_end_date(
                actor=self.actor,
                agreement=agreement,
                new_end_date=data["new_end_date"],
                reason=data["reason"],
            )
        return self._answer(variation, status.HTTP_201_CREATED)

    @extend_schema(request=s.VariationReasonSerializer, responses=s.VariationSerializer)
    @action(detail=True, methods=["post"])
    def refuse(self, request: Request, pk: str | None = None) -> Response:
        """The other party refuses, with its reason; the version is withdrawn."""
        variation = self.get_object()
        data = _valid(s.VariationReasonSerializer, request)
        return self._answer(
            variation_refuse(actor=self.actor, variation=variation, reason=data["reason"])
        )

    @extend_schema(request=s.VariationReasonSerializer, responses=s.VariationSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str | None = None) -> Response:
        """The proposing party withdraws it before both have signed."""
        variation = self.get_object()
        data = _valid(s.VariationReasonSerializer, request)
        return self._answer(
            variation_withdraw(actor=self.actor, variation=variation, reason=data["reason"])
        )


class RegionalUpliftViewSet(ScopedReadOnlyViewSet[RegionalUplift], mixins.CreateModelMixin):
    """Regional uplifts: providers and authorities read them; the lead authority publishes; a
    provider applies one to many of its agreements."""

    model = RegionalUplift
    access = UPLIFT_READERS
    serializer_class = s.RegionalUpliftSerializer
    filterset_fields = ["purchasing_system"]
    action_rules = {"create": LEAD_EVALUATORS, "apply": PROVIDERS}

    @extend_schema(
        request=s.RegionalUpliftInputSerializer, responses={201: s.RegionalUpliftSerializer}
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = _valid(s.RegionalUpliftInputSerializer, request)
        system = scoped(PurchasingSystem, self.actor).filter(pk=data["purchasing_system"]).first()
        if system is None:
            raise InvalidInput.on_fields({"purchasing_system": "Select a purchasing system."})
        uplift = regional_uplift_publish(
            actor=self.actor,
            purchasing_system=system,
            title=data["title"],
            percent=data["percent"],
            effective_from=data["effective_from"],
            reason=data["reason"],
        )
        return Response(s.RegionalUpliftSerializer(uplift).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ApplyInputSerializer, responses={201: s.AppliedSerializer})
    @action(detail=True, methods=["post"])
    def apply(self, request: Request, pk: str | None = None) -> Response:
        """One price uplift per agreement, all or nothing (errors keyed `agreement_<id>`)."""
        uplift = self.get_object()
        data = _valid(s.ApplyInputSerializer, request)
        wanted = list(dict.fromkeys(data["agreements"]))
        found = {
            a.pk: a
            for a in scoped(Agreement, self.actor).filter(pk__in=wanted).select_related("referral")
        }
        missing = {f"agreement_{pk}": NOT_YOURS for pk in wanted if pk not in found}
        if missing:
            raise InvalidInput.on_fields(missing)
        made = regional_uplift_apply(
            actor=self.actor, uplift=uplift, agreements=[found[pk] for pk in wanted]
        )
        fresh = list(
            scoped(Variation, self.actor)
            .filter(pk__in=[v.pk for v in made])
            .select_related("version")
            .order_by("pk")
        )
        return Response(
            s.AppliedSerializer({"variations": fresh}).data, status=status.HTTP_201_CREATED
        )


class PlacementEndViewSet(ScopedReadOnlyViewSet[PlacementEnd], mixins.CreateModelMixin):
    """The ends of the placements the actor is a party to."""

    model = PlacementEnd
    access = AGREEMENT_PARTIES
    serializer_class = s.PlacementEndSerializer
    filterset_fields = ["agreement", "kind"]

    @extend_schema(request=s.PlacementEndInputSerializer, responses={201: s.PlacementEndSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Record the end (the authority) or give notice (the provider)."""
        data = _valid(s.PlacementEndInputSerializer, request)
        agreement = _agreement(self, data["agreement"])
        setting = None
        if data["move_to_setting"] is not None:
            setting = scoped(Setting, self.actor).filter(pk=data["move_to_setting"]).first()
            if setting is None:
                raise InvalidInput.on_fields({"move_to_setting": "Select a setting on the FPS."})
        end = placement_end_record(
            actor=self.actor,
            agreement=agreement,
            kind=data["kind"],
            reason=data["reason"],
            details=data["details"],
            requested_by=data["requested_by"],
            notice_given_on=data["notice_given_on"],
            last_day=data["last_day"],
            move_to_setting=setting,
            move_to_name=data["move_to_name"],
        )
        return Response(s.PlacementEndSerializer(end).data, status=status.HTTP_201_CREATED)
