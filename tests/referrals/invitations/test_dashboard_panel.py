"""The provider's dashboard panel: the invitations still awaiting its answer, with the nearest
deadline, and its drafts, counted from the rows (open referrals before their deadline only; its
own invitations only)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from fps_portal.accounts.models import Role
from fps_portal.dates import govuk_datetime
from referrals.models import InvitationState, Referral, ReferralState, ResponseState
from tests.factories import person
from tests.referrals.factories import (
    Competition,
    InvitationFactory,
    ReferralFactory,
    ResponseFactory,
    published_competition,
)

pytestmark = pytest.mark.django_db

TITLE = "Referrals you are invited to"


def _invited(world: Competition, *, days: float, **changes: Any) -> Any:
    """Another of the world's provider's invitations, to a referral closing in `days` days."""
    state = changes.pop("referral_state", ReferralState.OPEN)
    referral = ReferralFactory(
        child__authority=world.authority,
        lot=world.lot,
        state=state,
        published_at=timezone.now(),
        response_deadline=timezone.now() + datetime.timedelta(days=days),
    )
    return InvitationFactory(referral=referral, provider=world.provider, **changes)


def _panel(user: Any) -> tuple[dict[str, tuple[int, str]], str]:
    browser = Client()
    browser.force_login(user)
    page = browser.get("/dashboard/")
    assert page.status_code == 200
    panel = next(p for p in page.context["panels"] if p.title == TITLE)
    return {i.label: (i.count, i.hint) for i in panel.items}, page.content.decode()


def test_the_panel_counts_unanswered_invitations_and_names_the_nearest_deadline() -> None:
    world = published_competition()  # open for a week: unanswered
    nearest = _invited(world, days=2)
    later = _invited(world, days=5)
    ResponseFactory(invitation=later, setting=world.setting)  # a draft: still unanswered
    answered = _invited(world, days=1, state=InvitationState.RESPONDED)
    ResponseFactory(invitation=answered, setting=world.setting, state=ResponseState.SUBMITTED)
    # Not counted: declined, past the deadline, a closed referral, another provider's.
    _invited(world, days=0.5, state=InvitationState.DECLINED)
    _invited(world, days=-1)
    _invited(world, days=3, referral_state=ReferralState.CLOSED)
    other = published_competition()
    ResponseFactory(invitation=other.invitation, setting=other.setting)

    items, html = _panel(world.provider_user)
    deadline = nearest.referral.response_deadline
    assert items["Invitations awaiting your response"] == (
        3,
        f"The nearest deadline is {govuk_datetime(deadline)}.",
    )
    assert items["Responses in draft"][0] == 1
    assert 'data-queue="invitations-awaiting-your-response">3<' in html
    # The other provider sees its own: one invitation, one draft.
    theirs, _ = _panel(other.provider_user)
    assert theirs["Invitations awaiting your response"][0] == 1
    assert theirs["Responses in draft"][0] == 1


def test_a_draft_beside_a_submitted_response_is_still_counted() -> None:
    world = published_competition()
    world.invitation.state = InvitationState.RESPONDED
    world.invitation.save(update_fields=["state"])
    ResponseFactory(invitation=world.invitation, setting=world.setting)
    items, _ = _panel(world.provider_user)
    assert items["Invitations awaiting your response"] == (0, "")
    assert items["Responses in draft"][0] == 1


def test_nothing_waiting_counts_nothing_and_other_roles_have_no_such_panel() -> None:
    world = published_competition()
    Referral.objects.filter(pk=world.referral.pk).update(
        response_deadline=timezone.now() - datetime.timedelta(minutes=1)
    )
    items, _ = _panel(world.provider_user)
    assert items["Invitations awaiting your response"] == (0, "")
    assert items["Responses in draft"][0] == 0
    for user in (world.commissioner, person(Role.LEAD_EVALUATOR), person(Role.FORUM_MEMBER)):
        browser = Client()
        browser.force_login(user)
        panels = browser.get("/dashboard/").context["panels"]
        assert TITLE not in {p.title for p in panels}
