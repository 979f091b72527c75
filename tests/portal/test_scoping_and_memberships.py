"""The one scoping mechanism, and which roles each kind of organisation can hold."""

from __future__ import annotations

from typing import cast

import pytest
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from fps_portal.accounts.models import (
    Membership,
    Organisation,
    Role,
    SeniorPosition,
    User,
    membership_problems,
)
from fps_portal.accounts.services import membership_create
from fps_portal.actors import Actor, actor_for_user
from fps_portal.audit.models import AuditEvent
from fps_portal.errors import InvalidInput
from fps_portal.models import WorkerHeartbeat
from fps_portal.scoping import dangerously_unscoped, get_scoped_or_404, has_scope_rule, scoped
from tests.conftest import ALL_ROLES
from tests.factories import ForumFactory, ProviderOrganisationFactory, authority, person

pytestmark = pytest.mark.django_db


def _provider() -> Organisation:
    return cast(Organisation, ProviderOrganisationFactory())


def _forum() -> Organisation:
    return cast(Organisation, ForumFactory())


def _actor(user: User) -> Actor:
    actor = actor_for_user(user)
    assert actor is not None
    return actor


@pytest.mark.parametrize("role", ALL_ROLES)
def test_a_model_without_a_rule_is_invisible_to_everyone(role: str) -> None:
    WorkerHeartbeat.objects.create(hostname="worker-1", beat_at=timezone.now())
    assert not has_scope_rule(WorkerHeartbeat)
    assert list(scoped(WorkerHeartbeat, _actor(person(role)))) == []
    with pytest.raises(Http404):
        get_scoped_or_404(WorkerHeartbeat, _actor(person(role)), hostname="worker-1")
    assert dangerously_unscoped(WorkerHeartbeat).count() == 1


def test_no_actor_sees_nothing() -> None:
    assert list(scoped(Organisation, None)) == []


def test_another_organisations_object_is_404_exactly_like_a_missing_one() -> None:
    provider_user = person(Role.PROVIDER_USER)
    other_provider = _provider()
    actor = _actor(provider_user)
    with pytest.raises(Http404) as other:
        get_scoped_or_404(Organisation, actor, pk=other_provider.pk)
    with pytest.raises(Http404) as missing:
        get_scoped_or_404(Organisation, actor, pk=999_999)
    assert str(other.value) == str(missing.value)
    own = provider_user.memberships.get().organisation
    assert get_scoped_or_404(Organisation, actor, pk=own.pk) == own


@pytest.mark.parametrize("bad", ["abc", None, [1, 2]])
def test_a_malformed_lookup_is_404_not_a_crash(bad: object) -> None:
    with pytest.raises(Http404):
        get_scoped_or_404(Organisation, _actor(person(Role.COMMISSIONER)), pk=bad)


def test_organisations_authorities_are_public_providers_and_forums_are_not() -> None:
    provider, other_provider, forum = (
        _provider(),
        _provider(),
        _forum(),
    )
    commissioner = _actor(person(Role.COMMISSIONER))
    provider_user = _actor(person(Role.PROVIDER_USER, organisation=provider))
    forum_member = _actor(person(Role.FORUM_MEMBER, organisation=forum))
    assert set(scoped(Organisation, commissioner)) >= {provider, other_provider, forum}
    seen_by_provider = set(scoped(Organisation, provider_user))
    assert provider in seen_by_provider
    assert authority("Wigan") in seen_by_provider
    assert other_provider not in seen_by_provider and forum not in seen_by_provider
    seen_by_forum = set(scoped(Organisation, forum_member))
    assert forum in seen_by_forum and provider not in seen_by_forum


def test_memberships_users_and_audit_events_stay_inside_the_organisation() -> None:
    sefton_user = person(Role.COMMISSIONER)
    sefton_colleague = person(Role.QA_OFFICER)
    wigan_user = person(Role.COMMISSIONER, organisation=authority("Wigan"))
    actor = _actor(sefton_user)
    assert set(scoped(User, actor)) == {sefton_user, sefton_colleague}
    assert {m.user for m in scoped(Membership, actor)} == {sefton_user, sefton_colleague}
    from fps_portal.audit.services import audit_record

    with transaction.atomic():
        audit_record(actor=_actor(wigan_user), verb="updated", obj=wigan_user)
        mine = audit_record(actor=actor, verb="updated", obj=sefton_user)
    assert list(scoped(AuditEvent, actor)) == [mine]


def test_a_platform_administrator_without_a_membership_sees_no_organisations_people() -> None:
    admin = User.objects.create_superuser("root@example.org", "x" * 12, full_name="Root")
    person(Role.COMMISSIONER)
    actor = _actor(admin)
    assert actor.membership is None
    assert list(scoped(User, actor)) == []
    assert list(scoped(Membership, actor)) == []
    assert list(scoped(AuditEvent, actor)) == []


@pytest.mark.parametrize("role", [Role.PROVIDER_USER, Role.FORUM_MEMBER])
def test_a_provider_or_forum_role_cannot_be_held_in_an_authority(role: str) -> None:
    problems = membership_problems(organisation=authority("Sefton"), role=role)
    assert set(problems) == {"role"}
    assert "must belong to a" in problems["role"]


@pytest.mark.parametrize("role", [Role.COMMISSIONER, Role.QA_OFFICER, Role.LEAD_EVALUATOR])
def test_authority_roles_cannot_be_held_in_a_provider(role: str) -> None:
    problems = membership_problems(organisation=_provider(), role=role)
    assert "must belong to a local authority" in problems["role"]


def test_lead_evaluators_belong_to_the_lead_authority_only() -> None:
    lead = authority("Cheshire East")
    assert membership_problems(organisation=lead, role=Role.LEAD_EVALUATOR) == {}
    problems = membership_problems(organisation=authority("Sefton"), role=Role.LEAD_EVALUATOR)
    assert problems == {"role": "Lead evaluators belong to the lead authority."}


def test_senior_position_rules() -> None:
    sefton = authority("Sefton")
    assert (
        membership_problems(
            organisation=sefton, role=Role.SENIOR_MANAGER, senior_position=SeniorPosition.DCS
        )
        == {}
    )
    assert membership_problems(organisation=sefton, role=Role.SENIOR_MANAGER) == {
        "senior_position": "Select the senior manager's position."
    }
    assert membership_problems(
        organisation=sefton, role=Role.COMMISSIONER, senior_position=SeniorPosition.DCS
    ) == {"senior_position": "Only senior managers hold a senior position."}


def test_an_unknown_role_is_refused() -> None:
    problems = membership_problems(organisation=authority("Sefton"), role="emperor")
    assert problems == {"role": "Select a role."}


def test_membership_create_refuses_a_bad_role_and_writes_nothing() -> None:
    user = person(Role.COMMISSIONER)
    memberships, events = Membership.objects.count(), AuditEvent.objects.count()
    with pytest.raises(InvalidInput) as error:
        membership_create(
            actor=None, user=user, organisation=authority("Wigan"), role=Role.LEAD_EVALUATOR
        )
    assert error.value.fields == {"role": ["Lead evaluators belong to the lead authority."]}
    assert (Membership.objects.count(), AuditEvent.objects.count()) == (memberships, events)


def test_membership_create_is_audited_and_idempotent() -> None:
    user = person(Role.COMMISSIONER)
    wigan = authority("Wigan")
    first = membership_create(actor=None, user=user, organisation=wigan, role=Role.QA_OFFICER)
    again = membership_create(actor=None, user=user, organisation=wigan, role=Role.QA_OFFICER)
    assert first == again
    assert AuditEvent.objects.filter(
        object_type="accounts.membership", object_id=str(first.pk)
    ).exists()


def test_membership_clean_uses_the_same_rules() -> None:
    from django.core.exceptions import ValidationError

    membership = Membership(
        user=person(Role.COMMISSIONER), organisation=authority("Sefton"), role=Role.PROVIDER_USER
    )
    with pytest.raises(ValidationError) as error:
        membership.clean()
    assert "role" in error.value.message_dict
