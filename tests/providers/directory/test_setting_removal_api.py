"""Issue 10 in the API: a provider withdraws its setting (with a reason) or deletes a draft one
through the same services and rules as its pages (`/settings/<id>/withdraw/`, `/delete/`)."""

from __future__ import annotations

import pytest

from fps_portal.accounts.models import Role
from fps_portal.audit.models import AuditEvent, AuditVerb
from fps_portal.notifications.models import Notification
from providers.models import Setting, SettingLot
from providers.services.setting_lifecycle import REASON_MISSING, REASON_TOO_LONG
from tests.factories import api_client_for, person
from tests.providers.onboarding import states

pytestmark = pytest.mark.django_db


def _draft_setting(application):  # type: ignore[no-untyped-def]
    extra = Setting.objects.create(
        provider=application.provider, name="Typo School", postcode="CW1 2AB", age_from=5,
        age_to=16,
    )  # fmt: skip
    application.settings.add(extra)
    return extra


def test_the_provider_withdraws_a_member_setting_and_the_lead_authority_is_told() -> None:
    member, _ = states.member()
    setting = member.settings.get()
    evaluator = person(Role.LEAD_EVALUATOR)
    api = api_client_for(member.created_by)
    response = api.post(
        f"/api/v1/settings/{setting.pk}/withdraw/", {"reason": "The school closed."}, format="json"
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert set(body) == {"id", "name", "withdrawn_at", "withdrawal_reason", "listed"}
    assert body["withdrawal_reason"] == "The school closed." and body["listed"] is False
    setting.refresh_from_db()
    assert setting.withdrawn_at is not None and not setting.listed
    assert not SettingLot.objects.filter(setting=setting, approved_at__isnull=False).exists()
    event = AuditEvent.objects.get(verb=AuditVerb.STATE_CHANGED, object_id=str(setting.pk))
    assert event.reason == "The school closed."
    assert Notification.objects.filter(
        recipient=evaluator, event_key=f"setting-withdrawn:{setting.pk}"
    ).exists()
    # Again: the setting is already withdrawn, a wrong state.
    again = api.post(
        f"/api/v1/settings/{setting.pk}/withdraw/", {"reason": "Again."}, format="json"
    )
    assert again.status_code == 409
    assert again.json()["error"]["message"] == "This setting has already been withdrawn."


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, REASON_MISSING),
        ({"reason": ""}, REASON_MISSING),
        ({"reason": "   "}, REASON_MISSING),
        ({"reason": "x" * 1001}, REASON_TOO_LONG),
        ({"reason": ["a list"]}, "Not a valid string."),
    ],
)
def test_a_withdrawal_without_a_proper_reason_is_refused_at_the_field(
    body: dict[str, object], message: str
) -> None:
    member, _ = states.member()
    setting = member.settings.get()
    audit = AuditEvent.objects.count()
    response = api_client_for(member.created_by).post(
        f"/api/v1/settings/{setting.pk}/withdraw/", body, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"reason": [message]}
    setting.refresh_from_db()
    assert setting.withdrawn_at is None and setting.listed
    assert AuditEvent.objects.count() == audit


def test_a_setting_in_an_undecided_application_is_not_withdrawn_409() -> None:
    application = states.submitted()
    setting = application.settings.get()
    response = api_client_for(application.created_by).post(
        f"/api/v1/settings/{setting.pk}/withdraw/", {"reason": "Closing."}, format="json"
    )
    assert response.status_code == 409
    assert "Withdraw that application first" in response.json()["error"]["message"]
    setting.refresh_from_db()
    assert setting.withdrawn_at is None


def test_the_provider_deletes_a_draft_setting_and_it_leaves_the_draft_application() -> None:
    application = states.draft()
    extra = _draft_setting(application)
    response = api_client_for(application.created_by).delete(f"/api/v1/settings/{extra.pk}/")
    assert response.status_code == 204
    assert not Setting.objects.filter(pk=extra.pk).exists()
    assert application.settings.exists() and extra not in application.settings.all()
    assert AuditEvent.objects.filter(verb=AuditVerb.DELETED, object_id=str(extra.pk)).exists()


def test_a_submitted_setting_is_not_deleted_409() -> None:
    application = states.submitted()
    setting = application.settings.get()
    audit = AuditEvent.objects.count()
    response = api_client_for(application.created_by).delete(f"/api/v1/settings/{setting.pk}/")
    assert response.status_code == 409
    assert "Withdraw it instead" in response.json()["error"]["message"]
    assert Setting.objects.filter(pk=setting.pk).exists()
    assert AuditEvent.objects.count() == audit


def test_another_providers_setting_is_404_and_other_roles_are_refused_403() -> None:
    application = states.draft()
    extra = _draft_setting(application)
    stranger = api_client_for(states.provider().user)
    assert stranger.delete(f"/api/v1/settings/{extra.pk}/").status_code == 404
    withdraw = f"/api/v1/settings/{extra.pk}/withdraw/"
    assert stranger.post(withdraw, {"reason": "x"}, format="json").status_code == 404
    for role in (Role.LEAD_EVALUATOR, Role.COMMISSIONER, Role.AUTHORITY_ADMIN):
        api = api_client_for(person(role))
        assert api.delete(f"/api/v1/settings/{extra.pk}/").status_code == 403
        assert api.post(withdraw, {"reason": "x"}, format="json").status_code == 403
    assert api_client_for(None).delete(f"/api/v1/settings/{extra.pk}/").status_code == 401
    assert Setting.objects.filter(pk=extra.pk, withdrawn_at=None).exists()
