"""The portal's own pages: dashboard per role, notifications, acting for another organisation,
the static pages and the error pages."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from fps_portal.accounts.models import Membership, Role, User
from fps_portal.actors import SESSION_MEMBERSHIP_KEY
from fps_portal.notifications.models import Notification
from tests.conftest import ALL_ROLES
from tests.factories import PASSWORD, authority, person

pytestmark = pytest.mark.django_db


def _without_csrf(content: bytes) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", content.decode())


def _notify(user: User, key: str, *, read: bool = False, url: str = "") -> Notification:
    from django.utils import timezone

    return Notification.objects.create(
        recipient=user,
        event_key=key,
        subject=f"Subject {key}",
        body=f"Body {key}",
        url=url,
        read_at=timezone.now() if read else None,
        send_email=False,
    )


@pytest.mark.parametrize("path", ["/dashboard/", "/notifications/", "/account/organisation/"])
def test_anonymous_visitors_are_sent_to_sign_in(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/account/sign-in/?next={path}"


def test_anonymous_home_page_offers_sign_in(client: Client) -> None:
    html = client.get("/").content.decode()
    assert 'href="/account/sign-in/"' in html
    assert "Sign out" not in html


@pytest.mark.parametrize("role", ALL_ROLES)
def test_each_role_sees_its_dashboard_with_real_counts(client: Client, role: str) -> None:
    user = person(role)
    other = person(role)
    _notify(user, "a")
    _notify(user, "b")
    _notify(user, "c", read=True)
    _notify(other, "a")
    client.force_login(user)

    response = client.get("/dashboard/")
    html = response.content.decode()
    assert response.status_code == 200
    organisation = user.memberships.get().organisation
    assert organisation.name in html
    assert Role(role).label in html
    assert '<h2 class="govuk-summary-card__title">Messages</h2>' in html
    assert '<strong data-queue="unread-notifications">2</strong>' in html
    assert response["Cache-Control"] == "no-store"
    # The home page sends a signed-in user to the dashboard.
    assert client.get("/")["Location"] == "/dashboard/"


@pytest.mark.parametrize("role", ALL_ROLES)
def test_the_dashboard_query_count_does_not_grow_with_notifications(
    client: Client, role: str, django_assert_max_num_queries
) -> None:
    user = person(role)
    client.force_login(user)
    client.get("/dashboard/")
    # The widest dashboard (the lead authority's, with price changes and fail bands to decide)
    # runs 15; each is named in tests/portal/test_query_budgets.py.
    with django_assert_max_num_queries(15) as few:
        client.get("/dashboard/")
    for n in range(20):
        _notify(user, f"more-{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/dashboard/").status_code == 200


def test_a_user_without_a_membership_gets_the_no_membership_page(
    client: Client, django_user_model: type[User]
) -> None:
    user = django_user_model.objects.create_user("loner@example.org", PASSWORD, full_name="Lo")
    client.force_login(user)
    response = client.get("/dashboard/")
    assert response.status_code == 403
    assert "Your account is not linked to an organisation" in response.content.decode()


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/dashboard/"),
        ("get", "/notifications/"),
        ("post", "/notifications/{pk}/open/"),
        ("get", "/fps/"),
        ("get", "/find-a-setting/"),
    ],
)
def test_every_portal_page_gives_a_user_without_a_membership_the_no_membership_page(
    client: Client, django_user_model: type[User], method: str, path: str
) -> None:
    """Issue 8: /notifications/ answered 200 to an account acting for no organisation."""
    user = django_user_model.objects.create_user("loner@example.org", PASSWORD, full_name="Lo")
    mine = _notify(user, "left-over")
    client.force_login(user)
    response = getattr(client, method)(path.format(pk=mine.pk))
    assert response.status_code == 403
    assert "Your account is not linked to an organisation" in response.content.decode()
    mine.refresh_from_db()
    assert mine.read_at is None


def test_a_deactivated_membership_counts_as_none(client: Client) -> None:
    user = person(Role.COMMISSIONER)
    Membership.objects.filter(user=user).update(is_active=False)
    client.force_login(user)
    assert client.get("/dashboard/").status_code == 403


def test_a_platform_administrator_goes_to_the_back_office(
    client: Client, django_user_model: type[User]
) -> None:
    admin = django_user_model.objects.create_superuser("root@example.org", PASSWORD, full_name="R")
    client.force_login(admin)
    response = client.get("/dashboard/")
    assert response["Location"] == "/back-office/"
    assert client.get("/back-office/").status_code == 200


def _two_memberships() -> tuple[User, Membership, Membership]:
    user = person(Role.COMMISSIONER)
    first = user.memberships.get()
    second = Membership.objects.create(
        user=user, organisation=authority("Blackpool"), role=Role.QA_OFFICER
    )
    return user, first, second


def test_switch_membership_changes_the_organisation_acted_for(client: Client) -> None:
    user, first, second = _two_memberships()
    client.force_login(user)
    page = client.get("/account/organisation/").content.decode()
    assert f'id="membership-{first.pk}"' in page and f'id="membership-{second.pk}"' in page
    dashboard = client.get("/dashboard/").content.decode()
    assert "Act for another organisation" in dashboard
    assert "Sefton" in dashboard

    response = client.post("/account/organisation/", {"membership": str(second.pk)})
    assert response["Location"] == "/dashboard/"
    assert client.session[SESSION_MEMBERSHIP_KEY] == second.pk
    html = client.get("/dashboard/").content.decode()
    assert "You are now acting for Blackpool." in html
    assert "QA officer" in html


@pytest.mark.parametrize("value", ["", "not-a-number", "999999"])
def test_switch_membership_with_bad_input_answers_400_with_a_message(
    client: Client, value: str
) -> None:
    user, _, _ = _two_memberships()
    client.force_login(user)
    response = client.post("/account/organisation/", {"membership": value})
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Select the organisation you want to act for." in html
    assert SESSION_MEMBERSHIP_KEY not in client.session


def test_another_users_membership_cannot_be_chosen(client: Client) -> None:
    user, _, _ = _two_memberships()
    stranger = person(Role.LEAD_EVALUATOR)
    client.force_login(user)
    response = client.post(
        "/account/organisation/", {"membership": str(stranger.memberships.get().pk)}
    )
    assert response.status_code == 400
    assert SESSION_MEMBERSHIP_KEY not in client.session
    assert "Cheshire East" not in client.get("/dashboard/").content.decode()


def test_a_stale_membership_id_in_the_session_falls_back_to_the_users_own(client: Client) -> None:
    user = person(Role.COMMISSIONER)
    stranger = person(Role.LEAD_EVALUATOR)
    client.force_login(user)
    session = client.session
    session[SESSION_MEMBERSHIP_KEY] = stranger.memberships.get().pk
    session.save()
    html = client.get("/dashboard/").content.decode()
    assert "Sefton" in html
    assert "Cheshire East" not in html


def test_notifications_list_shows_only_the_users_own(
    client: Client, django_assert_max_num_queries
) -> None:
    user = person(Role.COMMISSIONER)
    mine = _notify(user, "mine")
    theirs = _notify(person(Role.COMMISSIONER), "theirs")
    client.force_login(user)
    html = client.get("/notifications/").content.decode()
    assert mine.subject in html
    assert theirs.subject not in html
    assert f"/notifications/{mine.pk}/open/" in html
    with django_assert_max_num_queries(12) as few:
        client.get("/notifications/")
    for n in range(30):
        _notify(user, f"more-{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get("/notifications/")
    assert page.content.decode().count("/open/") == 25  # one page
    assert client.get("/notifications/?page=2").content.decode().count("/open/") == 6


def test_an_empty_notifications_list_says_so(client: Client) -> None:
    client.force_login(person(Role.FORUM_MEMBER))
    assert "You have no notifications." in client.get("/notifications/").content.decode()


def test_opening_a_notification_marks_it_read_and_follows_its_link(client: Client) -> None:
    user = person(Role.PROVIDER_USER)
    notification = _notify(user, "with-link", url="/accessibility/")
    client.force_login(user)
    assert client.get(f"/notifications/{notification.pk}/open/").status_code == 405
    response = client.post(f"/notifications/{notification.pk}/open/")
    assert response["Location"] == "/accessibility/"
    notification.refresh_from_db()
    assert notification.read_at is not None
    html = client.get("/dashboard/").content.decode()
    assert '<strong data-queue="unread-notifications">0</strong>' in html


def test_a_notification_link_to_another_site_is_not_followed(client: Client) -> None:
    user = person(Role.PROVIDER_USER)
    notification = _notify(user, "offsite", url="https://evil.example/")
    client.force_login(user)
    response = client.post(f"/notifications/{notification.pk}/open/")
    assert response["Location"] == "/notifications/"


def test_another_users_notification_is_404_like_a_missing_one(client: Client) -> None:
    user = person(Role.COMMISSIONER)
    theirs = _notify(person(Role.COMMISSIONER), "theirs")
    client.force_login(user)
    other = client.post(f"/notifications/{theirs.pk}/open/")
    missing = client.post("/notifications/999999/open/")
    assert other.status_code == missing.status_code == 404
    assert _without_csrf(other.content) == _without_csrf(missing.content)
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.parametrize(
    ("path", "heading"),
    [("/accessibility/", "Accessibility statement"), ("/privacy/", "Privacy")],
)
def test_accessibility_and_privacy_pages_are_public(
    client: Client, path: str, heading: str
) -> None:
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert heading in html
    assert 'class="govuk-footer"' in html
    assert "Cache-Control" not in response or response["Cache-Control"] != "no-store"


def test_the_404_page_uses_the_layout(client: Client) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "<title>Page not found – North West SEND Placements</title>" in html
    assert 'class="govuk-skip-link"' in html
    assert 'class="govuk-footer"' in html
    assert 'href="/static/vendor/govuk/app.css"' in html


def test_pages_send_the_security_headers(client: Client) -> None:
    response = client.get("/account/sign-in/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
