"""Direct awards and spot purchases: their cases, the head of service's or director's
authorisation (nobody else's, never one's own), refusal, the DPS rule and the review reminder."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from fps_portal.accounts.models import User
from fps_portal.audit.models import AuditEvent
from fps_portal.errors import InvalidInput, NotAllowed, WrongState
from fps_portal.notifications.models import Notification
from providers.models import PurchasingSystem
from referrals.models import AuthorisationState, Award, AwardState, ReferralState, Route, RouteCase
from referrals.route_tasks import remind_direct_award_reviews
from referrals.services.referrals import referral_create
from referrals.services.routes import (
    RouteCaseInput,
    route_case_authorise,
    route_case_refuse,
    route_case_submit,
)
from tests.referrals.referrals.cast import Cast, actor, build_cast, details

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast() -> Cast:
    return build_cast()


def _direct_award(cast: Cast, **changes: object) -> RouteCaseInput:
    values: dict[str, object] = {
        "justification": "Placement breakdown tonight; the specialist offer is only here.",
        "weekly_price": Decimal("3400.00"),
        "ground": "extreme_urgency",
        "setting_id": cast.member_setting.pk,
        "review_on": timezone.localdate() + datetime.timedelta(days=90),
    }
    values.update(changes)
    return RouteCaseInput(**values)  # type: ignore[arg-type]


def _submitted(cast: Cast) -> RouteCase:
    referral = referral_create(
        actor=actor(cast.commissioner), data=details(cast, route=Route.DIRECT_AWARD)
    )
    return route_case_submit(
        actor=actor(cast.commissioner), referral=referral, data=_direct_award(cast)
    )


def test_a_direct_award_case_waits_for_a_director_who_is_told(cast: Cast) -> None:
    case = _submitted(cast)
    case.referral.refresh_from_db()
    assert case.state == AuthorisationState.AWAITING
    assert case.referral.state == ReferralState.AWAITING_AUTHORISATION
    assert case.provider == cast.member and case.setting == cast.member_setting
    assert Notification.objects.filter(recipient=cast.director).count() == 1
    # The CSW service manager holds no authorising post, so is not asked.
    assert not Notification.objects.filter(recipient=cast.csw_manager).exists()


def test_bad_case_input_names_each_field_and_writes_nothing(cast: Cast) -> None:
    referral = referral_create(
        actor=actor(cast.commissioner), data=details(cast, route=Route.DIRECT_AWARD)
    )
    with pytest.raises(InvalidInput) as raised:
        route_case_submit(
            actor=actor(cast.commissioner),
            referral=referral,
            data=_direct_award(
                cast,
                ground="",
                justification=" ",
                weekly_price=Decimal("0"),
                setting_id=cast.suspended.settings.get().pk,  # not on the lot of the FPS now
                review_on=timezone.localdate(),
            ),
        )
    assert set(raised.value.fields) == {
        "ground",
        "justification",
        "weekly_price",
        "setting",
        "review_on",
    }
    referral.refresh_from_db()
    assert referral.state == ReferralState.DRAFT and not RouteCase.objects.exists()


def test_only_a_head_of_service_or_director_authorises(cast: Cast) -> None:
    case = _submitted(cast)
    for who in (cast.csw_manager, cast.commissioner):
        with pytest.raises(NotAllowed) as raised:
            route_case_authorise(actor=actor(who), referral=case.referral, note="Fine.")
        assert "Only a head of service or a director" in raised.value.message
    case.refresh_from_db()
    assert case.state == AuthorisationState.AWAITING
    authorised = route_case_authorise(
        actor=actor(cast.director), referral=case.referral, note="Yes."
    )
    assert authorised.state == AuthorisationState.AUTHORISED
    assert authorised.authorised_by == cast.director and authorised.decision_note == "Yes."
    assert AuditEvent.objects.filter(object_id=str(case.pk), verb="decided").count() == 1
    assert Notification.objects.filter(
        recipient=cast.commissioner, event_key__startswith="route-case-authorised"
    ).exists()
    # Authorised, the case is the award: to the setting it names, at its price, with its reasons.
    award = Award.objects.get(referral=case.referral)
    assert award.setting_id == case.setting_id and award.agreed_weekly_price == case.weekly_price
    assert award.reasons == case.justification
    case.referral.refresh_from_db()
    assert award.state == AwardState.COMPLETE and case.referral.state == ReferralState.AWARDED
    with pytest.raises(WrongState):
        route_case_refuse(actor=actor(cast.director), referral=case.referral, note="No.")


def test_nobody_authorises_their_own_case(cast: Cast) -> None:
    referral = referral_create(
        actor=actor(cast.director), data=details(cast, route=Route.DIRECT_AWARD)
    )
    route_case_submit(actor=actor(cast.director), referral=referral, data=_direct_award(cast))
    with pytest.raises(NotAllowed) as raised:
        route_case_authorise(actor=actor(cast.director), referral=referral)
    assert "nobody authorises their own" in raised.value.message


def test_a_refusal_needs_reasons_and_makes_the_referral_a_draft_again(cast: Cast) -> None:
    case = _submitted(cast)
    with pytest.raises(InvalidInput):
        route_case_refuse(actor=actor(cast.director), referral=case.referral, note="")
    route_case_refuse(actor=actor(cast.director), referral=case.referral, note="Run a competition.")
    case.refresh_from_db()
    case.referral.refresh_from_db()
    assert case.state == AuthorisationState.REFUSED
    assert case.referral.state == ReferralState.DRAFT
    again = route_case_submit(
        actor=actor(cast.commissioner), referral=case.referral, data=_direct_award(cast)
    )
    assert again.pk == case.pk and again.state == AuthorisationState.AWAITING


def test_a_dps_refuses_a_direct_award_case(cast: Cast) -> None:
    referral = referral_create(
        actor=actor(cast.commissioner), data=details(cast, route=Route.DIRECT_AWARD)
    )
    PurchasingSystem.objects.filter(pk=referral.purchasing_system_id).update(
        kind="dps", direct_award_allowed=False, admits_by_windows=False
    )
    referral.refresh_from_db()
    with pytest.raises(WrongState) as raised:
        route_case_submit(
            actor=actor(cast.commissioner), referral=referral, data=_direct_award(cast)
        )
    assert "dynamic purchasing system" in raised.value.message
    assert not RouteCase.objects.exists()


def test_a_spot_purchase_outside_the_portal(cast: Cast) -> None:
    referral = referral_create(
        actor=actor(cast.commissioner), data=details(cast, route=Route.SPOT_PURCHASE)
    )
    with pytest.raises(InvalidInput) as raised:
        route_case_submit(
            actor=actor(cast.commissioner),
            referral=referral,
            data=RouteCaseInput(justification="", weekly_price=Decimal("2900")),
        )
    assert set(raised.value.fields) == {"justification", "outside_provider_name"}
    case = route_case_submit(
        actor=actor(cast.commissioner),
        referral=referral,
        data=RouteCaseInput(
            justification="No FPS setting offers hydrotherapy within an hour.",
            weekly_price=Decimal("2900"),
            outside_provider_name="Seaview Trust",
            outside_setting_name="Seaview School",
        ),
    )
    assert case.provider is None and case.outside_provider_name == "Seaview Trust"
    assert route_case_authorise(actor=actor(cast.director), referral=referral).state == (
        AuthorisationState.AUTHORISED
    )


def test_beat_reminds_once_at_the_review_date(cast: Cast) -> None:
    case = _submitted(cast)
    route_case_authorise(actor=actor(cast.director), referral=case.referral)
    assert remind_direct_award_reviews() == 0  # not due yet
    RouteCase.objects.filter(pk=case.pk).update(review_on=timezone.localdate())
    assert remind_direct_award_reviews() == 1
    assert remind_direct_award_reviews() == 0  # run twice: nothing sent twice
    reminders = Notification.objects.filter(event_key=f"direct-award-review:{case.pk}")
    assert set(reminders.values_list("recipient", flat=True)) == {
        cast.commissioner.pk,
        cast.director.pk,
    }
    case.refresh_from_db()
    assert case.review_reminded_at is not None


def test_the_review_is_recorded_once_after_authorisation(
    cast: Cast, signed_in: Callable[[User], Client]
) -> None:
    case = _submitted(cast)
    client = signed_in(cast.commissioner)
    url = f"/referrals/{case.referral.pk}/review/"
    assert client.post(url, {"outcome": "kept"}).status_code == 409  # not authorised yet
    route_case_authorise(actor=actor(cast.director), referral=case.referral)
    assert client.post(url, {}).status_code == 400
    assert client.post(url, {"outcome": "reopened", "note": "Compete it."}).status_code == 302
    case.refresh_from_db()
    assert case.review_outcome == "reopened"
    RouteCase.objects.filter(pk=case.pk).update(review_on=timezone.localdate())
    assert remind_direct_award_reviews() == 0  # reviewed: no reminder is due any more
    assert client.post(url, {"outcome": "kept"}).status_code == 409
