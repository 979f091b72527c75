"""The referral factories make consistent rows, and the scope rules hold for them."""

from __future__ import annotations

import pytest

from fps_portal.accounts.models import Role
from fps_portal.actors import actor_for_user
from fps_portal.scoping import scoped
from referrals.models import Child, Invitation, Referral, Response
from tests.factories import authority, person
from tests.referrals.factories import AwardFactory, SubmittedResponseFactory, published_competition

pytestmark = pytest.mark.django_db


def test_a_published_competition_is_seen_by_its_authority_and_its_invitee_only() -> None:
    world = published_competition()
    commissioner = actor_for_user(world.commissioner)
    provider = actor_for_user(world.provider_user)
    other_authority = actor_for_user(person(Role.COMMISSIONER, authority("Blackpool")))

    assert list(scoped(Referral, commissioner)) == [world.referral]
    assert list(scoped(Child, commissioner)) == [world.child]
    assert list(scoped(Referral, provider)) == [world.referral]
    assert list(scoped(Invitation, provider)) == [world.invitation]
    assert not scoped(Child, provider).exists()
    assert not scoped(Referral, other_authority).exists()
    assert not scoped(Child, other_authority).exists()


def test_responses_are_sealed_until_the_referral_closes_and_the_child_is_seen_after_award() -> None:
    world = published_competition()
    response = SubmittedResponseFactory(invitation=world.invitation, setting=world.setting)
    commissioner = actor_for_user(world.commissioner)
    provider = actor_for_user(world.provider_user)
    assert not scoped(Response, commissioner).exists()
    assert list(scoped(Response, provider)) == [response]

    Referral.objects.filter(pk=world.referral.pk).update(state="closed")
    assert list(scoped(Response, commissioner)) == [response]

    AwardFactory(response=response)
    assert list(scoped(Child, provider)) == [world.child]
