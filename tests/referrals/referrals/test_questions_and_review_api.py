"""The placing authority answers clarification questions, and records a direct award's review,
through the API as on the pages: the same services, the same refusals. Every role but the
authority's placing staff is refused before the body is read (403); another authority's referral
or question is 404; a wrong state is 409; bad input is 400 naming the field, with nothing
written."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from fps_portal.accounts.models import Role
from fps_portal.audit.models import AuditEvent, AuditVerb
from fps_portal.notifications.models import Notification
from referrals.models import (
    Referral,
    ReferralQuestion,
    ReferralState,
    Route,
    RouteCase,
)
from referrals.services.questions import (
    ALREADY_ANSWERED,
    ANSWER_MISSING,
    question_answer,
    question_ask,
)
from referrals.services.referrals import referral_create
from referrals.services.routes import route_case_authorise, route_case_submit
from tests.factories import api_client_for, authority, person
from tests.providers.onboarding.factories import actor as actor_of_user
from tests.referrals.factories import Competition, published_competition
from tests.referrals.invitations.conftest import second_invitee
from tests.referrals.referrals.cast import Cast, actor, build_cast, details
from tests.referrals.referrals.test_route_services import _direct_award

pytestmark = pytest.mark.django_db

NEVER_PLACING = (
    Role.LEAD_EVALUATOR,
    Role.QA_OFFICER,
    Role.PROVIDER_USER,
    Role.FORUM_MEMBER,
    Role.AUTHORITY_ADMIN,
)


# -- clarification questions ------------------------------------------------------------------


def _asked(world: Competition, text: str = "Is transport to school included?") -> ReferralQuestion:
    return question_ask(
        actor=actor_of_user(world.provider_user), invitation=world.invitation, question=text
    )


def _answer_url(question: ReferralQuestion) -> str:
    return f"/api/v1/referrals/{question.referral_id}/questions/{question.pk}/answer/"


def test_the_authority_reads_who_asked_and_answers_every_invitee(
    django_capture_on_commit_callbacks: Any,
) -> None:
    world = published_competition()
    _, other_user, _ = second_invitee(world)
    asked = _asked(world)
    api = api_client_for(world.commissioner)
    listed = api.get(f"/api/v1/referrals/{world.referral.pk}/questions/")
    assert listed.status_code == 200
    assert listed.json() == [
        {
            "id": asked.pk,
            "question": "Is transport to school included?",
            "asked_at": listed.json()[0]["asked_at"],
            "asked_by_invitation": world.invitation.pk,
            "asked_by_provider": world.provider.name,
            "answer": "",
            "answered_at": None,
            "answered_by": None,
        }
    ]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        answered = api.post(_answer_url(asked), {"answer": "Yes, door to door."}, format="json")
    assert answered.status_code == 200, answered.json()
    assert answered.json()["answer"] == "Yes, door to door."
    assert answered.json()["answered_by"] == world.commissioner.pk
    # Every invitee is told the question and the answer, never who asked.
    told = Notification.objects.filter(event_key=f"referral-question-answered:{asked.pk}")
    assert {n.recipient for n in told} == {world.provider_user, other_user}
    for text in [n.body for n in told] + [m.body for m in mail.outbox]:
        assert "Yes, door to door." in text and world.provider.name not in text
    assert AuditEvent.objects.filter(
        verb=AuditVerb.UPDATED, object_type="referrals.referralquestion", object_id=str(asked.pk)
    ).exists()
    # Answered already: 409 with the page's message, the first answer kept.
    again = api.post(_answer_url(asked), {"answer": "No."}, format="json")
    assert again.status_code == 409 and again.json()["error"]["message"] == ALREADY_ANSWERED
    assert ReferralQuestion.objects.get(pk=asked.pk).answer == "Yes, door to door."


def test_a_blank_or_missing_answer_is_400_naming_the_field_with_nothing_written() -> None:
    world = published_competition()
    asked = _asked(world)
    api = api_client_for(world.commissioner)
    blank = api.post(_answer_url(asked), {"answer": "   "}, format="json")
    assert blank.status_code == 400
    assert blank.json()["error"]["fields"] == {"answer": [ANSWER_MISSING]}
    missing = api.post(_answer_url(asked), {}, format="json")
    assert missing.status_code == 400 and set(missing.json()["error"]["fields"]) == {"answer"}
    too_long = api.post(_answer_url(asked), {"answer": "x" * 5001}, format="json")
    assert too_long.status_code == 400 and set(too_long.json()["error"]["fields"]) == {"answer"}
    asked.refresh_from_db()
    assert asked.answered_at is None and asked.answer == ""
    assert not Notification.objects.filter(event_key__startswith="referral-question-answered")


def test_a_closed_referrals_question_can_no_longer_be_answered_409() -> None:
    world = published_competition()
    asked = _asked(world)
    Referral.objects.filter(pk=world.referral.pk).update(state=ReferralState.CLOSED)
    response = api_client_for(world.commissioner).post(
        _answer_url(asked), {"answer": "Too late."}, format="json"
    )
    assert response.status_code == 409
    assert "can no longer be answered" in response.json()["error"]["message"]
    assert ReferralQuestion.objects.get(pk=asked.pk).answered_at is None


def test_another_authority_gets_404_for_the_referral_and_the_question() -> None:
    world = published_competition()
    asked = _asked(world)
    knowsley = authority("Knowsley")
    for user in (person(Role.COMMISSIONER, knowsley), person(Role.SENIOR_MANAGER, knowsley)):
        api = api_client_for(user)
        assert api.get(f"/api/v1/referrals/{world.referral.pk}/questions/").status_code == 404
        response = api.post(_answer_url(asked), {"answer": "Mine now."}, format="json")
        assert response.status_code == 404, response.json()
    # A question of another referral, named under one's own referral, is 404 as well.
    own = published_competition()
    crossed = f"/api/v1/referrals/{own.referral.pk}/questions/{asked.pk}/answer/"
    response = api_client_for(world.commissioner).post(crossed, {"answer": "x"}, format="json")
    assert response.status_code == 404
    missing = f"/api/v1/referrals/{world.referral.pk}/questions/987654/answer/"
    assert api_client_for(world.commissioner).post(missing, {"answer": "x"}).status_code == 404
    assert ReferralQuestion.objects.get(pk=asked.pk).answered_at is None


@pytest.mark.parametrize("role", NEVER_PLACING)
def test_roles_that_never_place_are_refused_before_the_body(role: str) -> None:
    world = published_competition()
    asked = _asked(world)
    user = world.provider_user if role == Role.PROVIDER_USER else person(role)
    api = api_client_for(user)
    listed = api.get(f"/api/v1/referrals/{world.referral.pk}/questions/")
    assert listed.status_code == 403
    answered = api.post(_answer_url(asked), {"answer": "Yes."}, format="json")
    assert answered.status_code == 403 and answered.json()["error"]["fields"] == {}
    assert api_client_for(None).post(_answer_url(asked), {"answer": "Yes."}).status_code == 401
    assert ReferralQuestion.objects.get(pk=asked.pk).answered_at is None


def test_unanswered_questions_are_listed_first() -> None:
    world = published_competition()
    answered = _asked(world, "Is there a sensory room?")
    question_answer(actor=actor(world.commissioner), question=answered, answer="Yes.")
    other_invitation, other_user, _ = second_invitee(world)
    waiting = question_ask(
        actor=actor_of_user(other_user), invitation=other_invitation, question="Is lunch provided?"
    )
    listed = api_client_for(world.commissioner).get(
        f"/api/v1/referrals/{world.referral.pk}/questions/"
    )
    assert [q["id"] for q in listed.json()] == [waiting.pk, answered.pk]
    # The authority's page lists them in the same order.
    from django.test import Client

    browser = Client()
    browser.force_login(world.commissioner)
    page = browser.get(f"/referrals/{world.referral.pk}/questions/").content.decode()
    assert page.index("Is lunch provided?") < page.index("Is there a sensory room?")


def test_the_authoritys_senior_manager_answers_too() -> None:
    world = published_competition()
    asked = _asked(world)
    senior = person(Role.SENIOR_MANAGER, world.authority)
    response = api_client_for(senior).post(_answer_url(asked), {"answer": "Yes."}, format="json")
    assert response.status_code == 200, response.json()


# -- a direct award's review ------------------------------------------------------------------


@pytest.fixture
def cast() -> Cast:
    return build_cast()


def _authorised(cast: Cast) -> RouteCase:
    referral = referral_create(
        actor=actor(cast.commissioner), data=details(cast, route=Route.DIRECT_AWARD)
    )
    route_case_submit(actor=actor(cast.commissioner), referral=referral, data=_direct_award(cast))
    return route_case_authorise(actor=actor(cast.director), referral=referral)


def _review_url(case: RouteCase) -> str:
    return f"/api/v1/referrals/{case.referral_id}/review/"


def test_the_review_is_recorded_once_through_the_api(cast: Cast) -> None:
    case = _authorised(cast)
    api = api_client_for(cast.commissioner)
    body = {"outcome": "reopened", "note": "Open it to competition at the review."}
    response = api.post(_review_url(case), body, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["route_case"]["review_outcome"] == "reopened"
    # The authorisation was the case's first decision; the review is the last.
    event = AuditEvent.objects.filter(
        verb=AuditVerb.DECIDED, object_type="referrals.routecase", object_id=str(case.pk)
    ).latest("pk")
    assert event.after == {"review_outcome": "reopened"}
    assert event.reason == "Open it to competition at the review."
    again = api.post(_review_url(case), {"outcome": "kept"}, format="json")
    assert again.status_code == 409
    assert again.json()["error"]["message"] == "The review is recorded already."
    assert RouteCase.objects.get(pk=case.pk).review_outcome == "reopened"


def test_a_case_not_yet_authorised_has_no_review_409(cast: Cast) -> None:
    referral = referral_create(
        actor=actor(cast.commissioner), data=details(cast, route=Route.DIRECT_AWARD)
    )
    case = route_case_submit(
        actor=actor(cast.commissioner), referral=referral, data=_direct_award(cast)
    )
    response = api_client_for(cast.commissioner).post(
        _review_url(case), {"outcome": "kept"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["error"]["message"] == "Only an authorised direct award has a review."
    assert RouteCase.objects.get(pk=case.pk).review_outcome == ""


def test_bad_review_input_is_400_naming_the_field_with_nothing_written(cast: Cast) -> None:
    case = _authorised(cast)
    decided = AuditEvent.objects.filter(verb=AuditVerb.DECIDED).count()
    api = api_client_for(cast.commissioner)
    for body in ({}, {"outcome": "maybe"}, {"outcome": "kept", "note": "x" * 5001}):
        response = api.post(_review_url(case), body, format="json")
        assert response.status_code == 400, body
        field = "note" if "note" in body else "outcome"
        assert set(response.json()["error"]["fields"]) == {field}
    assert api.post(_review_url(case), {}, format="json").json()["error"]["fields"] == {
        "outcome": ["Choose the outcome of the review."]
    }
    assert RouteCase.objects.get(pk=case.pk).review_outcome == ""
    assert AuditEvent.objects.filter(verb=AuditVerb.DECIDED).count() == decided


def test_another_authority_gets_404_and_other_roles_403_for_the_review(cast: Cast) -> None:
    case = _authorised(cast)
    knowsley = cast.other_commissioner.memberships.get().organisation
    for user in (cast.other_commissioner, person(Role.SENIOR_MANAGER, knowsley)):
        response = api_client_for(user).post(_review_url(case), {"outcome": "kept"}, format="json")
        assert response.status_code == 404, response.json()
    for user in [cast.member_user, *(person(r, cast.sefton) for r in NEVER_PLACING[:2])]:
        response = api_client_for(user).post(_review_url(case), {"outcome": "kept"}, format="json")
        assert response.status_code == 403 and response.json()["error"]["fields"] == {}
    assert api_client_for(None).post(_review_url(case), {"outcome": "kept"}).status_code == 401
    # Sefton's senior manager (a CSW manager, who may not authorise) may record the review.
    response = api_client_for(cast.csw_manager).post(
        _review_url(case), {"outcome": "kept"}, format="json"
    )
    assert response.status_code == 200
    assert RouteCase.objects.get(pk=case.pk).review_outcome == "kept"
