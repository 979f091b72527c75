"""Who may open which onboarding page: anonymous, each role, another organisation's object, and
query counts that do not grow with rows."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from fps_portal.accounts.models import Role
from tests.conftest import ALL_ROLES
from tests.factories import person
from tests.providers.onboarding.factories import make_membership, make_system, open_window
from tests.providers.onboarding.states import draft, provider, submitted, under_evaluation

pytestmark = pytest.mark.django_db

PROVIDER_PAGES = [
    "/onboarding/colleagues/",
    "/onboarding/evidence/",
    "/onboarding/evidence/new/",
    "/onboarding/applications/",
    "/onboarding/membership/",
]
EVALUATOR_PAGES = ["/fps/", "/fps/new/", "/fps/windows/", "/fps/windows/new/", "/fps/memberships/"]


@pytest.mark.parametrize("path", PROVIDER_PAGES + EVALUATOR_PAGES)
def test_anonymous_is_sent_to_sign_in(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302 and response["Location"].startswith("/account/sign-in/")


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("path", PROVIDER_PAGES + EVALUATOR_PAGES)
def test_each_role_sees_only_its_own_pages(client: Client, role: str, path: str) -> None:
    make_system()
    client.force_login(person(role))
    allowed = (role == Role.PROVIDER_USER and path in PROVIDER_PAGES) or (
        role == Role.LEAD_EVALUATOR and path in EVALUATOR_PAGES
    )
    assert client.get(path).status_code == (200 if allowed else 403)


def test_registration_is_public_and_signed_in_people_go_to_their_dashboard(client: Client) -> None:
    assert client.get("/onboarding/register/").status_code == 200
    client.force_login(person(Role.COMMISSIONER))
    assert client.get("/onboarding/register/")["Location"] == "/dashboard/"


def test_another_providers_application_is_404_like_a_missing_one(client: Client) -> None:
    application = draft(provider(), open_window())
    client.force_login(person(Role.PROVIDER_USER))
    for suffix in [
        "",
        "lots/",
        "evidence/",
        "prices/",
        "services/",
        "declarations/",
        "submit/",
        "withdraw/",
        "agreement/",
    ]:
        assert (
            client.get(
                f"/onboarding/applications/{application.pk}{suffix and '/' + suffix[:-1]}/"
            ).status_code
            == 404
        )
    assert client.get("/onboarding/applications/999999/").status_code == 404


def test_evaluators_do_not_see_drafts_but_see_submitted_applications(client: Client) -> None:
    ready = provider()
    window = open_window()
    application = draft(ready, window)
    client.force_login(person(Role.LEAD_EVALUATOR))
    assert client.get(f"/fps/applications/{application.pk}/").status_code == 404
    from providers.services.application_submission import application_submit

    application_submit(actor=ready.actor, application=application)
    assert client.get(f"/fps/applications/{application.pk}/").status_code == 200


@pytest.mark.parametrize(
    "role", [Role.COMMISSIONER, Role.FORUM_MEMBER, Role.PROVIDER_USER, Role.QA_OFFICER]
)
def test_only_evaluators_open_the_evaluation_pages(client: Client, role: str) -> None:
    application = under_evaluation()
    client.force_login(person(role))
    for path in ["", "evaluate/", "moderate/", "clarify/"]:
        assert client.get(f"/fps/applications/{application.pk}/{path}").status_code == 403


def test_a_draft_page_for_a_submitted_application_says_it_cannot_change(client: Client) -> None:
    ready = provider()
    application = submitted(ready, open_window())
    client.force_login(ready.user)
    response = client.post(f"/onboarding/applications/{application.pk}/prices/", {}, follow=True)
    assert "can no longer be changed" in response.content.decode()


def test_submitting_twice_through_the_page_answers_409(client: Client) -> None:
    ready = provider()
    application = submitted(ready, open_window())
    client.force_login(ready.user)
    response = client.post(f"/onboarding/applications/{application.pk}/submit/")
    assert response.status_code == 409 and "already been submitted" in response.content.decode()


def _queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(path).status_code == 200
    return len(context.captured_queries)


def test_window_and_membership_lists_do_not_grow_queries_with_rows(client: Client) -> None:
    lead = person(Role.LEAD_EVALUATOR)
    client.force_login(lead)
    window = open_window()
    submitted(provider(), window)
    make_membership()
    counts = [
        _queries(client, p)
        for p in ("/fps/windows/", f"/fps/windows/{window.pk}/", "/fps/memberships/")
    ]
    for years_back in range(1, 4):
        submitted(provider(), window)
        make_membership()
        shift = datetime.timedelta(days=365 * years_back)
        open_window(
            opens_at=window.opens_at - shift,
            closes_at=window.closes_at - shift,
            evaluation_deadline=window.evaluation_deadline - shift,
        )
    assert [
        _queries(client, p)
        for p in ("/fps/windows/", f"/fps/windows/{window.pk}/", "/fps/memberships/")
    ] == counts


def test_evaluation_detail_queries_do_not_grow_with_decisions(client: Client) -> None:
    from tests.providers.onboarding.factories import evaluate, evaluator

    application = under_evaluation()
    lead = evaluator()
    client.force_login(lead)
    evaluate(application, lead)
    before = _queries(client, f"/fps/applications/{application.pk}/")
    evaluate(application, evaluator())
    evaluate(application, evaluator())
    assert _queries(client, f"/fps/applications/{application.pk}/") == before
