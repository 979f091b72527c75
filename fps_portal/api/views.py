"""The portal's own endpoints: who am I, and the authorities of the region."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from fps_portal.accounts.models import Authority, Membership, Organisation, OrganisationKind
from fps_portal.actors import active_memberships, actor_of
from fps_portal.api.base import ScopedReadOnlyViewSet


class OrganisationRefSerializer(serializers.ModelSerializer[Organisation]):
    class Meta:
        model = Organisation
        fields = ["id", "kind", "name"]


class ActorMembershipSerializer(serializers.ModelSerializer[Membership]):
    """One membership of the signed-in user (the providers app has FPS memberships)."""

    organisation = OrganisationRefSerializer()
    role_label = serializers.CharField(source="get_role_display")

    class Meta:
        model = Membership
        fields = ["id", "role", "role_label", "senior_position", "organisation"]


class MeSerializer(serializers.Serializer[object]):
    email = serializers.EmailField()
    full_name = serializers.CharField()
    role = serializers.CharField(allow_null=True)
    organisation = OrganisationRefSerializer(allow_null=True)
    memberships = ActorMembershipSerializer(many=True)


class MeView(APIView):
    """The signed-in user, the membership they are acting under, and every membership they hold."""

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        actor = actor_of(request)
        assert actor is not None
        memberships = active_memberships(actor.user)
        data = {
            "email": actor.user.email,
            "full_name": actor.user.full_name,
            "role": actor.role,
            "organisation": actor.organisation,
            "memberships": memberships,
        }
        return Response(MeSerializer(data).data)


class AuthoritySerializer(serializers.ModelSerializer[Organisation]):
    class Meta:
        model = Authority
        fields = ["id", "name", "ons_code", "dfe_code", "is_lead"]


class AuthorityViewSet(ScopedReadOnlyViewSet[Organisation]):
    """The local authorities of the North West FPS (public reference data for any actor)."""

    model = Organisation
    serializer_class = AuthoritySerializer
    filterset_fields = ["is_lead", "ons_code", "dfe_code"]

    def optimise(self, queryset: QuerySet[Organisation]) -> QuerySet[Organisation]:
        return queryset.filter(kind=OrganisationKind.AUTHORITY)
