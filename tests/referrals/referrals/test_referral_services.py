"""The referral services: drafts and reference numbers, criteria and the scale, the publish check,
publishing (snapshot, deadline, invitations, notices), return, withdraw and close early."""

from __future__ import annotations

import datetime
import uuid
import zoneinfo
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from fps_portal.audit.models import AuditEvent
from fps_portal.errors import InvalidInput, NotAllowed, WrongState
from fps_portal.notifications.models import ExternalEmail, Notification
from providers.models import PurchasingSystem, PurchasingSystemKind
from referrals.models import (
    AuthorityPlacementRules,
    CriterionCategory,
    CriterionKind,
    Invitation,
    InvitationState,
    Referral,
    ReferralKind,
    ReferralState,
    Route,
)
from referrals.services.publish_check import publish_problems
from referrals.services.referral_criteria import (
    CriterionInput,
    criteria_replace,
    criteria_weights_set,
)
from referrals.services.referral_rules import response_deadline
from referrals.services.referral_states import (
    age_in_years,
    referral_close,
    referral_publish,
    referral_return,
    referral_withdraw,
)
from referrals.services.referrals import referral_create, referral_update
from referrals.working_days import add_working_days
from tests.factories import authority
from tests.referrals.factories import ChildFactory
from tests.referrals.referrals.cast import Cast, actor, build_cast, details, ready_referral

pytestmark = pytest.mark.django_db
UK = zoneinfo.ZoneInfo("Europe/London")


@pytest.fixture
def cast() -> Cast:
    return build_cast()


def test_reference_numbers_follow_the_authority_prefix_and_count_up(cast: Cast) -> None:
    by = actor(cast.commissioner)
    first = referral_create(actor=by, data=details(cast))
    second = referral_create(actor=by, data=details(cast))
    year = timezone.localdate().year
    assert first.reference == f"SEF-{year}-0001"
    assert second.reference == f"SEF-{year}-0002"
    rules = AuthorityPlacementRules.objects.get(authority=cast.sefton)
    rules.reference_prefix = "STN"
    rules.save()
    assert referral_create(actor=by, data=details(cast)).reference == f"STN-{year}-0001"
    assert first.state == ReferralState.DRAFT and first.created_by == cast.commissioner
    assert AuditEvent.objects.filter(object_id=str(first.pk), verb="created").exists()


def test_the_same_form_sent_twice_makes_one_referral(cast: Cast) -> None:
    key = uuid.uuid4()
    by = actor(cast.commissioner)
    one = referral_create(actor=by, data=details(cast), submission_key=key)
    two = referral_create(actor=by, data=details(cast), submission_key=key)
    assert one.pk == two.pk and Referral.objects.count() == 1


def test_bad_input_names_each_field_and_writes_nothing(cast: Cast) -> None:
    knowsley_child = ChildFactory(authority=authority("Knowsley"))
    with pytest.raises(InvalidInput) as raised:
        referral_create(
            actor=actor(cast.commissioner),
            data=details(
                cast,
                child_id=knowsley_child.pk,
                route="auction",
                lot_id=987654,
                expected_end_date=timezone.localdate(),
                start_date=timezone.localdate() + datetime.timedelta(days=3),
                primary_need_code="NOPE",
            ),
        )
    assert set(raised.value.fields) == {
        "child",
        "route",
        "lot",
        "expected_end_date",
        "primary_need",
    }
    assert Referral.objects.count() == 0
    assert not AuditEvent.objects.filter(object_type="referrals.referral").exists()


def test_only_placing_roles_create(cast: Cast) -> None:
    with pytest.raises(NotAllowed):
        referral_create(actor=actor(cast.member_user), data=details(cast))
    assert Referral.objects.count() == 0


def test_a_dps_refuses_direct_award(cast: Cast) -> None:
    system = PurchasingSystem.objects.get(pk=cast.lot.purchasing_system_id)
    system.kind = PurchasingSystemKind.DPS
    system.direct_award_allowed = False
    system.admits_by_windows = False
    system.save()
    with pytest.raises(InvalidInput) as raised:
        referral_create(
            actor=actor(cast.commissioner), data=details(cast, route=Route.DIRECT_AWARD)
        )
    assert "dynamic purchasing system" in raised.value.fields["route"][0]
    assert Referral.objects.count() == 0


def test_weights_must_total_100(cast: Cast) -> None:
    referral = ready_referral(cast)
    with pytest.raises(InvalidInput) as raised:
        criteria_replace(
            actor=actor(cast.commissioner),
            referral=referral,
            criteria=[
                CriterionInput(CriterionKind.SCORED, CriterionCategory.PRICE, "Price", weight=60),
                CriterionInput(CriterionKind.SCORED, CriterionCategory.OWN, "Own", weight=30),
            ],
        )
    assert raised.value.fields["criteria"] == [
        "The weights of the scored criteria must total 100 (they total 90)."
    ]
    assert referral.criteria.count() == 3  # unchanged
    scored = {c.title: c.pk for c in referral.criteria.filter(kind=CriterionKind.SCORED)}
    with pytest.raises(InvalidInput):
        criteria_weights_set(
            actor=actor(cast.commissioner),
            referral=referral,
            weights={scored["Match"]: 50, scored["Price"]: 30},
        )
    criteria_weights_set(
        actor=actor(cast.commissioner),
        referral=referral,
        weights={scored["Match"]: 50, scored["Price"]: 50},
    )
    assert sorted(referral.criteria.values_list("weight", flat=True)) == [0, 50, 50]


def test_the_publish_check_lists_what_is_missing_with_where_to_fix_it(cast: Cast) -> None:
    referral = referral_create(
        actor=actor(cast.commissioner),
        data=details(cast, outcomes_sought="", provider_summary=f"{cast.child.given_name} is shy."),
    )
    problems = {p.field: p for p in publish_problems(referral)}
    assert set(problems) == {"outcomes_sought", "provider_summary", "criteria"}
    assert "names the child" in problems["provider_summary"].message
    assert problems["criteria"].url == f"/referrals/{referral.pk}/criteria/#add"
    assert problems["outcomes_sought"].url == f"/referrals/{referral.pk}/edit/#outcomes_sought"
    with pytest.raises(InvalidInput):
        referral_publish(actor=actor(cast.commissioner), referral=referral)
    referral.refresh_from_db()
    assert referral.state == ReferralState.DRAFT and not Invitation.objects.exists()


def test_publishing_snapshots_invites_active_approved_members_and_tells_them(
    cast: Cast, django_capture_on_commit_callbacks: object
) -> None:
    referral = ready_referral(cast)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        published = referral_publish(actor=actor(cast.commissioner), referral=referral)
    assert published.state == ReferralState.OPEN
    assert published.shown_age_years == age_in_years(cast.child.date_of_birth, timezone.localdate())
    assert published.shown_gender == cast.child.gender
    assert published.shown_postcode_district == "L20"
    assert published.response_deadline is not None
    invited = set(Invitation.objects.filter(referral=referral).values_list("provider", flat=True))
    assert invited == {cast.member.pk}  # not the suspended one, not the unapproved one
    told = Notification.objects.filter(recipient=cast.member_user)
    assert told.count() == 1
    assert referral.reference in told.get().subject
    assert [m.to for m in mail.outbox] == [[cast.member_user.email]]


def test_age_in_years_counts_the_birthday() -> None:
    born = datetime.date(2014, 3, 17)
    assert age_in_years(born, datetime.date(2026, 3, 16)) == 11
    assert age_in_years(born, datetime.date(2026, 3, 17)) == 12


def test_planned_deadlines_skip_weekends_and_bank_holidays(cast: Cast) -> None:
    # Thursday 24 December 2026: Christmas (Fri), the weekend and Boxing Day observed (Mon 28)
    # are not working days.
    assert add_working_days(datetime.date(2026, 12, 24), 1) == datetime.date(2026, 12, 29)
    assert add_working_days(datetime.date(2026, 12, 24), 3) == datetime.date(2026, 12, 31)
    rules = AuthorityPlacementRules(
        authority=cast.sefton, planned_response_working_days=10, emergency_response_hours=48
    )
    published = datetime.datetime(2026, 12, 1, 9, 30, tzinfo=UK)  # a Tuesday
    planned = response_deadline(rules, emergency=False, published_at=published)
    assert timezone.localtime(planned).date() == datetime.date(2026, 12, 15)
    assert timezone.localtime(planned).time() == datetime.time(9, 30)
    emergency = response_deadline(rules, emergency=True, published_at=published)
    assert emergency - published == datetime.timedelta(hours=48)


def test_publish_twice_publishes_once(cast: Cast) -> None:
    referral = ready_referral(cast)
    referral_publish(actor=actor(cast.commissioner), referral=referral)
    with pytest.raises(WrongState):
        referral_publish(actor=actor(cast.commissioner), referral=referral)
    assert Invitation.objects.filter(referral=referral).count() == 1
    assert Notification.objects.filter(recipient=cast.member_user).count() == 1


def test_a_block_purchase_names_no_child_and_shows_none(cast: Cast) -> None:
    referral = ready_referral(cast, kind=ReferralKind.BLOCK, child_id=None, places=4)
    published = referral_publish(actor=actor(cast.commissioner), referral=referral)
    assert published.child is None and published.places == 4
    assert published.shown_age_years is None and published.shown_postcode_district == ""


def test_return_emails_the_referrer_and_an_edit_makes_it_a_draft(
    cast: Cast, django_capture_on_commit_callbacks: object
) -> None:
    referral = ready_referral(cast)
    with pytest.raises(InvalidInput):
        referral_return(actor=actor(cast.commissioner), referral=referral, reason=" ")
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        referral_return(
            actor=actor(cast.commissioner), referral=referral, reason="Add the latest EHC plan."
        )
    referral.refresh_from_db()
    assert referral.state == ReferralState.RETURNED and referral.returned_by == cast.commissioner
    assert [m.to for m in mail.outbox] == [["rita.referrer@sefton.example"]]
    assert "Add the latest EHC plan." in mail.outbox[0].body
    # Through the outbox for outside addresses: once, and its body emptied once sent.
    outbox = ExternalEmail.objects.get(address="rita.referrer@sefton.example")
    assert outbox.event_key.startswith(f"referral-returned:{referral.pk}:") and outbox.emailed_at
    updated = referral_update(actor=actor(cast.commissioner), referral=referral, data=details(cast))
    assert updated.state == ReferralState.DRAFT


def test_withdraw_tells_the_invitees(cast: Cast) -> None:
    referral = ready_referral(cast)
    referral_publish(actor=actor(cast.commissioner), referral=referral)
    referral_withdraw(
        actor=actor(cast.commissioner), referral=referral, reason="The family moved away."
    )
    referral.refresh_from_db()
    assert referral.state == ReferralState.WITHDRAWN
    assert Invitation.objects.get(referral=referral).state == InvitationState.WITHDRAWN
    notice = Notification.objects.get(
        recipient=cast.member_user, event_key__startswith="referral-w"
    )
    assert "The family moved away." in notice.body
    with pytest.raises(WrongState):
        referral_withdraw(actor=actor(cast.commissioner), referral=referral, reason="Again.")


def test_close_early_lapses_unanswered_invitations(cast: Cast) -> None:
    referral = ready_referral(cast)
    with pytest.raises(WrongState):
        referral_close(actor=actor(cast.commissioner), referral=referral, reason="Too soon.")
    referral_publish(actor=actor(cast.commissioner), referral=referral)
    referral_close(actor=actor(cast.commissioner), referral=referral, reason="All answered.")
    referral.refresh_from_db()
    assert referral.state == ReferralState.CLOSED and referral.closed_by == cast.commissioner
    assert Invitation.objects.get(referral=referral).state == InvitationState.LAPSED


def test_a_published_referral_can_no_longer_be_edited(cast: Cast) -> None:
    referral = ready_referral(cast)
    referral_publish(actor=actor(cast.commissioner), referral=referral)
    with pytest.raises(WrongState):
        referral_update(
            actor=actor(cast.commissioner),
            referral=referral,
            data=details(cast, price_per_place=Decimal("1")),
        )
