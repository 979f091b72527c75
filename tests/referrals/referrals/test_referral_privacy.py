"""Nothing a provider reaches from the referral part (its notices and e-mails on publishing,
withdrawal and closing, the referral endpoints and pages) names the child, gives the date of
birth in any format or the case number."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from fps_portal.accounts.models import User
from fps_portal.notifications.models import Notification
from referrals.services.referral_states import referral_close, referral_publish, referral_withdraw
from tests.factories import api_client_for
from tests.referrals.referrals.cast import Cast, actor, build_cast, ready_referral

pytestmark = pytest.mark.django_db


def _identity(cast: Cast) -> list[str]:
    child = cast.child
    born = child.date_of_birth
    return [
        child.given_name,
        child.family_name,
        child.case_number,
        born.isoformat(),
        born.strftime("%d/%m/%Y"),
        f"{born.day} {born:%B} {born.year}",
        born.strftime("%d %b %Y"),
    ]


def _assert_absent(text: str, cast: Cast) -> None:
    for secret in _identity(cast):
        assert secret not in text, secret


def test_a_provider_is_never_told_who_the_child_is(
    django_capture_on_commit_callbacks: object, signed_in: object
) -> None:
    cast = build_cast()
    withdrawn = ready_referral(cast)
    closed = ready_referral(cast)
    by = actor(cast.commissioner)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        for referral in (withdrawn, closed):
            referral_publish(actor=by, referral=referral)
        referral_withdraw(actor=by, referral=withdrawn, reason="No longer needed.")
        referral_close(actor=by, referral=closed, reason="Everyone answered.")
    notices = Notification.objects.filter(recipient=cast.member_user)
    assert notices.count() == 4
    for notice in notices:
        _assert_absent(notice.subject + notice.body, cast)
    assert len(mail.outbox) == 4
    for message in mail.outbox:
        _assert_absent(message.subject + message.body, cast)
    api = api_client_for(cast.member_user)
    for url in ("/api/v1/referrals/", f"/api/v1/referrals/{closed.pk}/"):
        response = api.get(url)
        assert response.status_code == 403
        _assert_absent(response.content.decode(), cast)
    client: Client = signed_in(cast.member_user)  # type: ignore[operator]
    for url in ("/referrals/", f"/referrals/{closed.pk}/", "/senior/"):
        response = client.get(url)
        assert response.status_code == 403
        _assert_absent(response.content.decode(), cast)
    assert isinstance(cast.member_user, User)
