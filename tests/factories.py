"""Factories shared by every test package: organisations, people with roles, API clients."""

from __future__ import annotations

import factory
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from fps_portal.accounts.models import Membership, Organisation, OrganisationKind, Role, User

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="en_GB")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save_password(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.save(update_fields=["password"])


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = OrganisationKind.PROVIDER
    name = factory.Sequence(lambda n: f"Organisation {n}")


class ProviderOrganisationFactory(OrganisationFactory):
    kind = OrganisationKind.PROVIDER
    name = factory.Sequence(lambda n: f"Provider {n} Ltd")
    legal_name = factory.LazyAttribute(lambda o: o.name)


class ForumFactory(OrganisationFactory):
    kind = OrganisationKind.FORUM
    name = factory.Sequence(lambda n: f"Parent Carer Forum {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(ProviderOrganisationFactory)
    role = Role.PROVIDER_USER


def authority(name: str) -> Organisation:
    """One of the 24 authorities loaded by migration."""
    return Organisation.objects.get(kind=OrganisationKind.AUTHORITY, name=name)


def lead_authority() -> Organisation:
    return Organisation.objects.get(kind=OrganisationKind.AUTHORITY, is_lead=True)


def person(role: str, organisation: Organisation | None = None, **user_fields: object) -> User:
    """A user holding `role` in `organisation` (a sensible default organisation for the role)."""
    if organisation is None:
        organisation = {
            Role.LEAD_EVALUATOR: lead_authority,
            Role.COMMISSIONER: lambda: authority("Sefton"),
            Role.QA_OFFICER: lambda: authority("Sefton"),
            Role.SENIOR_MANAGER: lambda: authority("Sefton"),
            Role.PROVIDER_USER: ProviderOrganisationFactory,
            Role.FORUM_MEMBER: ForumFactory,
            Role.AUTHORITY_ADMIN: lambda: authority("Sefton"),
        }[Role(role)]()
    user = UserFactory(**user_fields)
    MembershipFactory(
        user=user,
        organisation=organisation,
        role=role,
        senior_position="dcs" if role == Role.SENIOR_MANAGER else "",
    )
    return user


def api_client_for(user: User | None) -> APIClient:
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def registered_api_client(
    administrator: User, *, role: str = Role.COMMISSIONER, name: str = "Case system"
) -> tuple[object, str]:
    """An API client registered by `administrator` (an authority administrator) and its
    credential, as the administrator's page would make them."""
    from fps_portal.accounts.services.api_clients import api_client_create
    from fps_portal.actors import actor_for_user

    issued = api_client_create(actor=actor_for_user(administrator), name=name, role=role)
    return issued.client, issued.credential


def bearer(credential: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {credential}")
    return client
