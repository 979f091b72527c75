"""/api/v1/people/, /api/v1/people/roles/ and /api/v1/api-clients/: what the authority
administrator's pages (/account/people/, /account/api-clients/) do, through the same services
(`fps_portal.accounts.services.people`, `.api_clients`), each write audited there.

Only an authority's administrator may use them, signed in to the portal in person: a browser
session past its second factor (ADR 0015). Never an API client, whatever its role (a system
must not manage people or clients), nor a personal token (a single factor). Another
authority's person, role or client answers 404 exactly like a missing one (scoping). A
credential is in the answer to the request that makes it (registration, rotation) and nowhere
else, ever: store it then.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from django.db.models import Model, QuerySet
from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from fps_portal.access import AUTHORITY_ADMINS, Access
from fps_portal.accounts.models import (
    API_CLIENT_ROLES,
    AUTHORITY_STAFF_ROLES,
    ApiClient,
    Membership,
    Role,
    SeniorPosition,
    User,
)
from fps_portal.accounts.selectors import Person, api_clients, people, people_users
from fps_portal.accounts.services.api_clients import (
    DEFAULT_LIFETIME_DAYS,
    LIFETIMES,
    IssuedCredential,
    api_client_create,
    api_client_revoke,
    api_client_rotate,
)
from fps_portal.accounts.services.people import (
    colleague_invite,
    person_deactivate,
    role_give,
    role_remove,
    senior_position_change,
)
from fps_portal.api.base import ScopedGenericViewSet
from fps_portal.api.fields import model_text
from fps_portal.api.permissions import AccessAllowed, SignedInInPerson
from fps_portal.scoping import get_scoped_or_404

M = TypeVar("M", bound=Model)
REASON_LIMIT = 500  # as the pages' reason field
# Choice sets named in the schema (SPECTACULAR_SETTINGS' ENUM_NAME_OVERRIDES).
STAFF_ROLE_CHOICES = [(str(r), Role(r).label) for r in AUTHORITY_STAFF_ROLES]
CLIENT_ROLE_CHOICES = [(str(r), Role(r).label) for r in API_CLIENT_ROLES]
PERSON_STATUSES = ["active", "invited", "left"]
CLIENT_STATUSES = ["active", "expired", "revoked"]

# -- shapes ------------------------------------------------------------------------------------


def _reason(*, required: bool = True, what: str = "the reason") -> serializers.CharField:
    return serializers.CharField(
        max_length=REASON_LIMIT,
        required=required,
        allow_blank=not required,
        default="" if not required else serializers.empty,
        help_text=f"Recorded in the audit log with the change: {what}.",
        error_messages={
            "required": "Enter the reason.",
            "blank": "Enter the reason.",
            "max_length": f"Reason must be {REASON_LIMIT} characters or fewer.",
        },
    )


def _roles_field(
    choices: list[tuple[str, str]], message: str, help_text: str
) -> serializers.ChoiceField:
    return serializers.ChoiceField(
        choices=choices,
        help_text=help_text,
        error_messages={"required": message, "invalid_choice": message, "null": message},
    )


def _senior_position(*, required: bool) -> serializers.ChoiceField:
    message = "Select the senior manager's position."
    return serializers.ChoiceField(
        choices=SeniorPosition.choices,
        required=required,
        allow_blank=not required,
        default="" if not required else serializers.empty,
        help_text="Only for senior managers (and required for them): rating alerts and "
        "sign-offs go to named posts.",
        error_messages={"required": message, "invalid_choice": message, "null": message},
    )


STAFF_ROLE_HELP = "A role in your authority (lead evaluator only in the lead authority)."


class RoleSerializer(serializers.ModelSerializer[Membership]):
    """One role a person holds (or held) in the authority."""

    role_label = serializers.CharField(source="get_role_display")

    class Meta:
        model = Membership
        fields = [
            "id",
            "role",
            "role_label",
            "senior_position",
            "is_active",
            "created_at",
            "ended_at",
        ]


class PersonSerializer(serializers.Serializer[Person]):
    """A person of the authority: their current roles and the ones that ended."""

    id = serializers.IntegerField(source="user.pk")
    email = serializers.EmailField(source="user.email")
    full_name = serializers.CharField(source="user.full_name")
    status = serializers.SerializerMethodField(
        help_text="active; invited (has not set a password and signed in yet); left (no role)."
    )
    last_login = serializers.DateTimeField(source="user.last_login", allow_null=True)
    roles = RoleSerializer(many=True)
    ended_roles = RoleSerializer(source="ended", many=True)

    @extend_schema_field(serializers.ChoiceField(choices=PERSON_STATUSES))
    def get_status(self, person: Person) -> str:
        return person.status.lower()


class InviteSerializer(serializers.Serializer[Any]):
    email = serializers.EmailField(
        max_length=254,
        error_messages={
            "required": "Enter your colleague's email address.",
            "blank": "Enter your colleague's email address.",
            "invalid": "Enter an email address in the correct format, like name@example.com.",
            "max_length": "Email address must be 254 characters or fewer.",
        },
    )
    full_name = model_text(
        User,
        "full_name",
        "Full name",
        error_messages={
            "required": "Enter your colleague's full name.",
            "blank": "Enter your colleague's full name.",
        },
    )
    role = _roles_field(STAFF_ROLE_CHOICES, "Select a role.", STAFF_ROLE_HELP)
    senior_position = _senior_position(required=False)


class GiveRoleSerializer(serializers.Serializer[Any]):
    role = _roles_field(STAFF_ROLE_CHOICES, "Select a role.", STAFF_ROLE_HELP)
    senior_position = _senior_position(required=False)
    reason = _reason(what="why they need this role")


class ReasonSerializer(serializers.Serializer[Any]):
    reason = _reason()


class SeniorPositionSerializer(serializers.Serializer[Any]):
    senior_position = _senior_position(required=True)
    reason = _reason(required=False)


class ApiClientSerializer(serializers.ModelSerializer[ApiClient]):
    """A registered system; never its credential (only the answer that makes one has it)."""

    role = serializers.CharField(source="membership.role", help_text="The role it acts in.")
    role_label = serializers.CharField(source="membership.get_role_display")
    status = serializers.SerializerMethodField()
    created_by = serializers.EmailField(source="created_by.email")

    class Meta:
        model = ApiClient
        fields = [
            "id", "name", "role", "role_label", "key_prefix", "status", "lifetime_days",
            "created_at", "created_by", "expires_at", "rotated_at", "revoked_at", "last_used_at",
        ]  # fmt: skip

    @extend_schema_field(serializers.ChoiceField(choices=CLIENT_STATUSES))
    def get_status(self, client: ApiClient) -> str:
        return client.status.lower()


class IssuedApiClientSerializer(ApiClientSerializer):
    """A client with its new credential: shown here once, stored nowhere (only its hash)."""

    credential = serializers.SerializerMethodField(
        help_text="`fps_<prefix>_<secret>`: give it to the system now; it is never shown again."
    )

    class Meta(ApiClientSerializer.Meta):
        fields = [*ApiClientSerializer.Meta.fields, "credential"]

    def get_credential(self, client: ApiClient) -> str:
        return str(self.context["credential"])


# What the field takes: the number of days, or (as a form sends it) its digits.
@extend_schema_field(
    {
        "oneOf": [
            {"type": "integer", "enum": list(LIFETIMES)},
            {"type": "string", "enum": [str(days) for days in LIFETIMES]},
        ],
        "default": DEFAULT_LIFETIME_DAYS,
    }
)
class LifetimeField(serializers.ChoiceField):
    """A credential's lifetime in days, one of `LIFETIMES`."""


class ApiClientInputSerializer(serializers.Serializer[Any]):
    name = model_text(
        ApiClient,
        "name",
        "Name of the system",
        help_text="So you and the audit log can tell it apart, like 'Sefton case management'.",
        error_messages={
            "required": "Enter a name for the system.",
            "blank": "Enter a name for the system.",
        },
    )
    role = _roles_field(
        CLIENT_ROLE_CHOICES,
        "Select the role the system acts in.",
        "The system can do what a person in this role can, and nothing else (lead evaluator "
        "only in the lead authority).",
    )
    lifetime_days = LifetimeField(
        choices=list(LIFETIMES.items()),
        default=DEFAULT_LIFETIME_DAYS,
        help_text="How long the credential lasts, in days (a rotation gives it as long again).",
        error_messages={
            "invalid_choice": "Select how long the credential lasts.",
            "null": "Select how long the credential lasts.",
        },
    )


# -- endpoints ---------------------------------------------------------------------------------


#: The schema's security for these endpoints: the portal's session cookie only.
IN_PERSON: list[Any] = [{"cookieAuth": []}]


class _AdministratorsViewSet(ScopedGenericViewSet[M], Generic[M]):
    """The authority's administrator, in person (see the module's docstring)."""

    access: Access | None = AUTHORITY_ADMINS
    permission_classes = [AccessAllowed, SignedInInPerson]
    lookup_value_regex = "[0-9]+"


def _person_out(person: Person) -> dict[str, Any]:
    return PersonSerializer(person).data


@extend_schema(auth=IN_PERSON)
class PersonViewSet(_AdministratorsViewSet[User]):
    """Your authority's people: invite a colleague, give a role, deactivate a leaver."""

    model = User
    serializer_class = PersonSerializer  # type: ignore[assignment]  # a Person, not a User

    def _person(self, pk: str) -> Person:
        user = get_scoped_or_404(User, self.actor, pk=pk)
        found = people(self.actor, users=[user])
        if not found:  # an API client's own user, which is no person
            raise Http404
        return found[0]

    @extend_schema(responses=PersonSerializer(many=True))
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(people_users(self.actor))
        assert page is not None
        by_id = {p.user.pk: p for p in people(self.actor, users=page)}
        return self.get_paginated_response([_person_out(by_id[u.pk]) for u in page])

    @extend_schema(responses=PersonSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(_person_out(self._person(pk)))

    @extend_schema(request=InviteSerializer, responses={201: PersonSerializer})
    def create(self, request: Request) -> Response:
        """Invites a colleague: a new account with one role here, and an e-mail with a link to
        set their password (it works once and expires)."""
        serializer = InviteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = colleague_invite(actor=self.actor, **serializer.validated_data)
        return Response(
            _person_out(self._person(str(membership.user_id))), status=status.HTTP_201_CREATED
        )

    @extend_schema(request=GiveRoleSerializer, responses={201: PersonSerializer})
    @action(detail=True, methods=["post"])
    def roles(self, request: Request, pk: str) -> Response:
        """Gives the person (a colleague or a former one) one more role here."""
        person = self._person(pk)
        serializer = GiveRoleSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        role_give(actor=self.actor, person=person.user, **serializer.validated_data)
        return Response(_person_out(self._person(pk)), status=status.HTTP_201_CREATED)

    @extend_schema(request=ReasonSerializer, responses=PersonSerializer)
    @action(detail=True, methods=["post"])
    def deactivate(self, request: Request, pk: str) -> Response:
        """A leaver: every role they hold here ends (409 for the last administrator, or when
        none is left to end); their roles elsewhere stay."""
        person = self._person(pk)
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        person_deactivate(
            actor=self.actor, person=person.user, reason=serializer.validated_data["reason"]
        )
        return Response(_person_out(self._person(pk)))


@extend_schema(auth=IN_PERSON)
class PersonRoleViewSet(_AdministratorsViewSet[Membership]):
    """One role of one of your authority's people: remove it, or change a senior position."""

    model = Membership
    serializer_class = RoleSerializer

    def _role(self, pk: str) -> Membership:
        membership = get_scoped_or_404(Membership, self.actor, pk=pk, select_related=["user"])
        if hasattr(membership, "api_client"):  # a client's role: revoke the client instead
            raise Http404
        return membership

    @extend_schema(request=ReasonSerializer, responses=RoleSerializer)
    @action(detail=True, methods=["post"])
    def remove(self, request: Request, pk: str) -> Response:
        """Ends the role (409 when it has ended already, or for the last administrator)."""
        membership = self._role(pk)
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ended = role_remove(
            actor=self.actor, membership=membership, reason=serializer.validated_data["reason"]
        )
        return Response(RoleSerializer(ended).data)

    @extend_schema(request=SeniorPositionSerializer, responses=RoleSerializer)
    @action(detail=True, methods=["post"], url_path="senior-position")
    def senior_position(self, request: Request, pk: str) -> Response:
        """Gives a current senior manager another senior position (409 for any other role)."""
        membership = self._role(pk)
        serializer = SeniorPositionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        changed = senior_position_change(
            actor=self.actor, membership=membership, **serializer.validated_data
        )
        return Response(RoleSerializer(changed).data)


def _issued(issued: IssuedCredential, code: int) -> Response:
    body = IssuedApiClientSerializer(issued.client, context={"credential": issued.credential})
    response = Response(body.data, status=code)
    response["Cache-Control"] = "no-store"  # the credential must not stay in any cache
    return response


@extend_schema(auth=IN_PERSON)
class ApiClientViewSet(_AdministratorsViewSet[ApiClient]):
    """Your authority's API clients: register one, rotate its credential, revoke it."""

    model = ApiClient
    serializer_class = ApiClientSerializer

    def optimise(self, queryset: QuerySet[ApiClient]) -> QuerySet[ApiClient]:
        return queryset.select_related("membership", "created_by")

    def _client(self, pk: str) -> ApiClient:
        return get_scoped_or_404(
            ApiClient, self.actor, pk=pk, select_related=["membership", "created_by"]
        )

    @extend_schema(responses=ApiClientSerializer(many=True))
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(api_clients(self.actor))
        assert page is not None
        return self.get_paginated_response(ApiClientSerializer(page, many=True).data)

    @extend_schema(responses=ApiClientSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(ApiClientSerializer(self._client(pk)).data)

    @extend_schema(request=ApiClientInputSerializer, responses={201: IssuedApiClientSerializer})
    def create(self, request: Request) -> Response:
        """Registers a system, acting in one role, and answers its credential: once."""
        serializer = ApiClientInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        issued = api_client_create(actor=self.actor, **serializer.validated_data)
        return _issued(issued, status.HTTP_201_CREATED)

    @extend_schema(request=ReasonSerializer, responses=IssuedApiClientSerializer)
    @action(detail=True, methods=["post"])
    def rotate(self, request: Request, pk: str) -> Response:
        """A new credential (answered once), as long-lived as the first; the old one stops at
        once. 409 for a revoked client."""
        client = self._client(pk)
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        issued = api_client_rotate(
            actor=self.actor, client=client, reason=serializer.validated_data["reason"]
        )
        return _issued(issued, status.HTTP_200_OK)

    @extend_schema(request=ReasonSerializer, responses=ApiClientSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, pk: str) -> Response:
        """The system can no longer use the API (409 when already revoked)."""
        client = self._client(pk)
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        revoked = api_client_revoke(
            actor=self.actor, client=client, reason=serializer.validated_data["reason"]
        )
        return Response(ApiClientSerializer(revoked).data)
