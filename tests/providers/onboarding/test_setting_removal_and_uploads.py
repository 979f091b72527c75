"""Issue 10: a setting can be deleted while a draft and withdrawn after; evidence can be removed
while never submitted; the same document is not stored twice; a setting needs an area of need
and gets its host authority from its postcode."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.test import Client

from fps_portal.accounts.models import Role
from fps_portal.audit.models import AuditEvent, AuditVerb
from fps_portal.errors import InvalidInput, WrongState
from fps_portal.notifications.models import Notification
from providers.models import Evidence, EvidenceKind, Setting, SettingLot
from providers.services.applications import application_problems
from providers.services.evidence import evidence_add, evidence_remove
from providers.services.setting_lifecycle import (
    REASON_MISSING,
    setting_delete,
    setting_withdraw,
)
from providers.services.settings import AREAS_OF_NEED_MISSING, SettingData, setting_create
from tests.factories import authority, person
from tests.providers.onboarding import states
from tests.providers.onboarding.factories import PDF_BYTES, actor, upload

pytestmark = pytest.mark.django_db


def _lead_evaluator():  # type: ignore[no-untyped-def]
    return person(Role.LEAD_EVALUATOR)


# --- 1. areas of need and host authority -------------------------------------------------------


def test_a_setting_without_an_area_of_need_is_refused_and_its_host_comes_from_the_postcode():
    ready = states.provider()
    data = SettingData(name="Harbour School", postcode="L20 3AB", age_from=7, age_to=16)
    with pytest.raises(InvalidInput) as refused:
        setting_create(actor=ready.actor, data=data)
    assert refused.value.fields["specialisms"] == [AREAS_OF_NEED_MISSING]
    data.specialisms = list(ready.setting.specialisms.all())
    setting = setting_create(actor=ready.actor, data=data)
    # L20 (Bootle) is nearest Sefton's offices: suggested when the provider leaves it blank.
    assert setting.host_authority == authority("Sefton")


def test_the_provider_may_correct_the_host_authority():
    ready = states.provider()
    data = SettingData(
        name="Harbour School",
        postcode="L20 3AB",
        age_from=7,
        age_to=16,
        host_authority=authority("Liverpool"),
        specialisms=list(ready.setting.specialisms.all()),
    )
    assert setting_create(actor=ready.actor, data=data).host_authority == authority("Liverpool")


def test_the_add_a_setting_page_says_at_the_field_that_an_area_is_needed(client):
    ready = states.provider()
    client.force_login(ready.user)
    response = client.post(
        "/settings/new/",
        {
            "name": "Harbour School",
            "postcode": "L20 3AB",
            "age_from": "7",
            "age_to": "16",
            "gender": "mixed",
            "offers_day": "on",
            "capacity": "30",
            "vacancies": "2",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'href="#id_specialisms_0"' in page and AREAS_OF_NEED_MISSING in page
    assert not Setting.objects.filter(name="Harbour School").exists()


def test_submitting_asks_for_the_areas_of_need_of_each_setting():
    application = states.draft()
    assert "settings" not in application_problems(application)
    setting = application.settings.get()
    setting.specialisms.clear()
    assert setting.name in application_problems(application)["settings"]


def test_the_migration_gives_existing_settings_the_host_their_postcode_suggests():
    ready = states.provider()
    Setting.objects.filter(pk=ready.setting.pk).update(host_authority=None)  # CW1: Crewe
    far = Setting.objects.create(
        provider=ready.provider, name="Far", postcode="SW1A 1AA", postcode_district="SW1A",
        age_from=5, age_to=16,
    )  # fmt: skip
    migration = importlib.import_module(
        "providers.migrations.0011_backfill_host_authority_and_evidence_hash"
    )
    migration.backfill_host_authority(apps, None)
    ready.setting.refresh_from_db()
    far.refresh_from_db()
    assert ready.setting.host_authority == authority("Cheshire East")
    assert far.host_authority is None  # no North West authority near London
    assert AuditEvent.objects.filter(
        object_type="providers.setting", object_id=str(ready.setting.pk), verb="updated"
    ).exists()


# --- 2. delete a draft setting, withdraw a setting -------------------------------------------


def test_a_setting_never_submitted_is_deleted_and_leaves_the_draft(client):
    application = states.draft()
    ready_user = application.created_by
    extra = Setting.objects.create(
        provider=application.provider, name="Typo School", postcode="CW1 2AB", age_from=5,
        age_to=16,
    )  # fmt: skip
    application.settings.add(extra)
    client.force_login(ready_user)
    assert client.get(f"/settings/{extra.pk}/delete/").status_code == 200
    response = client.post(f"/settings/{extra.pk}/delete/")
    assert response.status_code == 302
    assert not Setting.objects.filter(pk=extra.pk).exists()
    assert list(application.settings.all()) != [] and extra not in application.settings.all()
    assert AuditEvent.objects.filter(verb=AuditVerb.DELETED, object_id=str(extra.pk)).exists()


def test_a_submitted_setting_cannot_be_deleted(client):
    application = states.submitted()
    setting = application.settings.get()
    client.force_login(application.created_by)
    response = client.post(f"/settings/{setting.pk}/delete/")
    assert response.status_code == 409
    assert "Withdraw it instead" in response.content.decode()
    assert Setting.objects.filter(pk=setting.pk).exists()


def test_another_providers_setting_answers_404(client):
    other = states.provider()
    client.force_login(states.provider().user)
    for action in ("delete", "withdraw"):
        assert client.post(f"/settings/{other.setting.pk}/{action}/").status_code == 404
    assert Setting.objects.filter(pk=other.setting.pk, withdrawn_at=None).exists()


def test_withdrawing_a_member_setting_takes_it_off_the_fps_and_tells_the_lead_authority(client):
    member, _ = states.member()
    setting = member.settings.get()
    assert Setting.objects.get(pk=setting.pk).listed
    evaluator = _lead_evaluator()
    client.force_login(member.created_by)
    refused = client.post(f"/settings/{setting.pk}/withdraw/", {"reason": ""})
    assert refused.status_code == 400 and REASON_MISSING in refused.content.decode()
    response = client.post(f"/settings/{setting.pk}/withdraw/", {"reason": "The school closed."})
    assert response.status_code == 302
    setting.refresh_from_db()
    assert setting.withdrawn_at and not setting.listed
    assert not SettingLot.objects.filter(setting=setting, approved_at__isnull=False).exists()
    event = AuditEvent.objects.get(verb=AuditVerb.STATE_CHANGED, object_id=str(setting.pk))
    assert event.reason == "The school closed." and event.before["listed"] is True
    told = Notification.objects.get(
        recipient=evaluator, event_key=f"setting-withdrawn:{setting.pk}"
    )
    assert "The school closed." in told.body
    # Gone from commissioners' search, and no longer editable.
    searcher = Client()  # a session of its own, without the provider's success message
    searcher.force_login(person(Role.COMMISSIONER))
    assert setting.name not in searcher.get("/find-a-setting/").content.decode()
    with pytest.raises(WrongState):
        setting_withdraw(actor=actor(member.created_by), setting=setting, reason="Again")


def test_a_setting_in_an_undecided_application_cannot_be_withdrawn():
    application = states.submitted()
    with pytest.raises(WrongState):
        setting_withdraw(
            actor=actor(application.created_by),
            setting=application.settings.get(),
            reason="Closing",
        )


def test_delete_refuses_a_setting_with_evidence():
    ready = states.provider()
    with pytest.raises(WrongState):
        setting_delete(actor=ready.actor, setting=ready.setting)


# --- 3. remove evidence, duplicate uploads ----------------------------------------------------


def _add(ready: states.ReadyProvider, content: bytes | None = None, title: str = "Policy"):  # type: ignore[no-untyped-def]
    return evidence_add(
        actor=ready.actor,
        provider=ready.provider,
        kind=EvidenceKind.POLICY,
        title=title,
        upload=upload("policy.pdf", content),
    )


def test_evidence_never_submitted_is_removed_with_its_file(
    client, django_capture_on_commit_callbacks
):
    ready = states.provider()
    item = _add(ready)
    path = Path(django_settings.PRIVATE_MEDIA_ROOT) / item.file.name
    assert path.exists()
    client.force_login(ready.user)
    assert client.get(f"/onboarding/evidence/{item.pk}/remove/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/onboarding/evidence/{item.pk}/remove/")
    assert response.status_code == 302
    assert not Evidence.objects.filter(pk=item.pk).exists()
    assert not path.exists()
    event = AuditEvent.objects.get(verb=AuditVerb.DELETED, object_id=str(item.pk))
    assert event.before["content_sha256"] == item.content_sha256


def test_evidence_in_a_submitted_application_is_kept():
    application = states.submitted()
    item = application.evidence.first()
    assert item is not None
    with pytest.raises(WrongState):
        evidence_remove(actor=actor(application.created_by), evidence=item)
    assert Evidence.objects.filter(pk=item.pk).exists()


def test_the_same_document_twice_is_refused_at_the_field(client):
    ready = states.provider()
    content = PDF_BYTES + b"% the safeguarding policy\n"
    first = _add(ready, content, title="Safeguarding policy")
    with pytest.raises(InvalidInput) as refused:
        _add(ready, content, title="Safeguarding policy again")
    assert (
        "You already uploaded this file as 'Safeguarding policy'" in refused.value.fields["file"][0]
    )
    assert Evidence.objects.filter(content_sha256=first.content_sha256).count() == 1
    # Another provider may hold the same document.
    _add(states.provider(), content)
