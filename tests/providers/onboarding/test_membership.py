"""The agreement that starts a membership, and every later change of state."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from fps_portal.accounts.models import Role
from fps_portal.audit.models import AuditEvent, AuditVerb
from fps_portal.errors import InvalidInput, NotAllowed, WrongState
from providers.models import FpsMembership, MembershipState
from providers.services.membership import agreement_sign, membership_change
from tests.factories import person
from tests.providers.onboarding import states
from tests.providers.onboarding.factories import actor, make_membership

pytestmark = pytest.mark.django_db


def test_membership_becomes_active_only_when_the_agreement_is_signed() -> None:
    ready = states.provider()
    application = states.passed(ready)
    assert not FpsMembership.objects.filter(provider=ready.provider).exists()
    with pytest.raises(InvalidInput) as error:
        agreement_sign(
            actor=ready.actor, application=application, signatory_name="", signatory_role=""
        )
    assert {"signatory_name", "signatory_role"} == set(error.value.fields)
    membership = agreement_sign(
        actor=ready.actor,
        application=application,
        signatory_name="Alex Morgan",
        signatory_role="Director",
    )
    assert membership.state == MembershipState.ACTIVE
    assert (
        membership.agreement_signatory_name == "Alex Morgan"
        and membership.agreement_signed_by == ready.user
    )
    assert AuditEvent.objects.filter(verb=AuditVerb.SIGNED, object_id=str(membership.pk)).exists()
    with pytest.raises(WrongState, match="already been signed"):
        agreement_sign(
            actor=ready.actor, application=application, signatory_name="A", signatory_role="B"
        )


@pytest.mark.parametrize("state", [states.under_evaluation, states.failed])
def test_a_failed_or_pending_application_cannot_sign(state) -> None:
    ready = states.provider()
    application = state(ready)
    with pytest.raises(WrongState, match="Only a provider whose application passed"):
        agreement_sign(
            actor=ready.actor, application=application, signatory_name="A", signatory_role="B"
        )


def test_suspend_needs_a_reason_and_a_future_review_date() -> None:
    membership = make_membership()
    lead = actor(person(Role.LEAD_EVALUATOR))
    with pytest.raises(InvalidInput) as error:
        membership_change(actor=lead, membership=membership, action="suspend", reason="")
    assert {"reason", "review_on"} == set(error.value.fields)
    with pytest.raises(InvalidInput, match="future"):
        membership_change(
            actor=lead,
            membership=membership,
            action="suspend",
            reason="Insurance expired",
            review_on=timezone.localdate(),
        )


def test_each_transition_is_audited_and_notified() -> None:
    provider_user = person(Role.PROVIDER_USER)
    membership = make_membership(provider=provider_user.memberships.get().organisation)
    lead = actor(person(Role.LEAD_EVALUATOR))
    review = timezone.localdate() + datetime.timedelta(days=30)
    membership_change(
        actor=lead,
        membership=membership,
        action="suspend",
        reason="Insurance expired",
        review_on=review,
    )
    membership.refresh_from_db()
    assert (membership.state, membership.review_on) == (MembershipState.SUSPENDED, review)
    membership_change(
        actor=lead, membership=membership, action="reinstate", reason="New certificate"
    )
    membership.refresh_from_db()
    assert membership.state == MembershipState.ACTIVE and membership.review_on is None
    membership_change(actor=lead, membership=membership, action="remove", reason="Serious breach")
    membership.refresh_from_db()
    assert membership.state == MembershipState.REMOVED
    assert (
        AuditEvent.objects.filter(
            verb=AuditVerb.STATE_CHANGED, object_id=str(membership.pk)
        ).count()
        == 3
    )
    assert provider_user.notifications.count() == 3
    with pytest.raises(WrongState):
        membership_change(actor=lead, membership=membership, action="reinstate", reason="Oops")


def test_a_provider_may_withdraw_but_not_suspend_itself() -> None:
    provider_user = person(Role.PROVIDER_USER)
    me = actor(provider_user)
    membership = make_membership(provider=me.organisation)
    with pytest.raises(NotAllowed):
        membership_change(
            actor=me,
            membership=membership,
            action="suspend",
            reason="x",
            review_on=timezone.localdate() + datetime.timedelta(days=3),
        )
    membership_change(
        actor=me, membership=membership, action="withdraw", reason="Closing the school"
    )
    membership.refresh_from_db()
    assert membership.state == MembershipState.WITHDRAWN
    with pytest.raises(WrongState, match="rejoins by applying"):
        membership_change(
            actor=actor(person(Role.LEAD_EVALUATOR)),
            membership=membership,
            action="reinstate",
            reason="Back",
        )


def test_another_provider_cannot_withdraw_a_membership() -> None:
    membership = make_membership()
    with pytest.raises(NotAllowed):
        membership_change(
            actor=actor(person(Role.PROVIDER_USER)),
            membership=membership,
            action="withdraw",
            reason="Mischief",
        )
