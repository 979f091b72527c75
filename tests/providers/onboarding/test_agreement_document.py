"""The agreement as a document: the lead authority publishes versions (PDF only, audited, sent
twice makes one); a provider reads the current one before signing, the signature records it, and
nothing can be signed while no version is published or after a newer one appeared unread."""

from __future__ import annotations

import uuid

import pytest

from fps_portal.accounts.models import Role
from fps_portal.audit.models import AuditEvent, AuditVerb
from fps_portal.errors import InvalidInput, NotAllowed, WrongState
from providers.models import AgreementDocument, FpsMembership
from providers.services.agreement_documents import agreement_document_publish
from providers.services.membership import agreement_sign
from tests.conftest import ALL_ROLES
from tests.factories import person
from tests.providers.factories import publish_agreement
from tests.providers.onboarding import states
from tests.providers.onboarding.factories import (
    PDF_BYTES,
    actor,
    docx_bytes,
    make_system,
    open_window,
    upload,
)

pytestmark = pytest.mark.django_db


def _window_without_agreement():
    return open_window(purchasing_system=make_system(agreement=False))


def _publish(system, **fields):
    return agreement_document_publish(
        actor=actor(person(Role.LEAD_EVALUATOR)),
        system=system,
        title=fields.pop("title", "North West SEND FPS agreement"),
        upload=fields.pop("upload", upload("agreement.pdf")),
        **fields,
    )


def test_each_upload_is_a_new_version_kept_with_the_earlier_ones_and_audited() -> None:
    system = make_system(agreement=False)
    first = _publish(system)
    second = _publish(system, summary_of_changes="Safeguarding clause updated.")
    assert (first.version, second.version) == (1, 2)
    assert list(AgreementDocument.objects.filter(purchasing_system=system)) == [second, first]
    assert second.file.open("rb").read().startswith(PDF_BYTES)
    event = AuditEvent.objects.get(verb=AuditVerb.CREATED, object_id=str(second.pk))
    assert event.after["version"] == 2 and "version 2" in event.reason


def test_only_a_pdf_is_published_and_a_refused_upload_writes_nothing() -> None:
    system = make_system(agreement=False)
    with pytest.raises(InvalidInput) as error:
        _publish(system, title=" ", upload=upload("agreement.docx", docx_bytes()))
    assert error.value.fields == {
        "title": ["Enter a title, like 'North West SEND FPS agreement 2026'."],
        "file": ["The agreement must be a PDF, so every provider can open it."],
    }
    assert not AgreementDocument.objects.exists()
    assert not AuditEvent.objects.filter(verb=AuditVerb.CREATED).exists()


def test_only_the_lead_authority_publishes() -> None:
    system = make_system(agreement=False)
    for role in (Role.COMMISSIONER, Role.PROVIDER_USER, Role.FORUM_MEMBER):
        with pytest.raises(NotAllowed):
            agreement_document_publish(
                actor=actor(person(role)), system=system, title="A", upload=upload()
            )
    assert not AgreementDocument.objects.exists()


def test_the_same_form_sent_twice_publishes_one_version() -> None:
    system = make_system(agreement=False)
    key = uuid.uuid4()
    first = _publish(system, submission_key=key)
    again = _publish(system, submission_key=key)
    assert again.pk == first.pk
    assert AgreementDocument.objects.filter(purchasing_system=system).count() == 1


def test_signing_records_the_current_version() -> None:
    ready = states.provider()
    application = states.passed(ready)
    second = publish_agreement(application.purchasing_system)
    membership = agreement_sign(
        actor=ready.actor,
        application=application,
        signatory_name="Alex Morgan",
        signatory_role="Director",
        version=2,
    )
    assert membership.agreement_version == second
    event = AuditEvent.objects.get(verb=AuditVerb.SIGNED, object_id=str(membership.pk))
    assert event.after["agreement_version_id"] == second.pk
    assert "version 2" in event.reason


def test_nothing_is_signed_while_no_version_is_published() -> None:
    ready = states.provider()
    application = states.passed(ready, _window_without_agreement())
    with pytest.raises(WrongState, match="has not published the agreement yet"):
        agreement_sign(
            actor=ready.actor, application=application, signatory_name="A", signatory_role="B"
        )
    assert not FpsMembership.objects.exists()


def test_a_version_published_after_the_page_was_opened_is_not_signed_unread() -> None:
    ready = states.provider()
    application = states.passed(ready)
    publish_agreement(application.purchasing_system)
    with pytest.raises(WrongState, match="Version 2 of the agreement was published"):
        agreement_sign(
            actor=ready.actor,
            application=application,
            signatory_name="A",
            signatory_role="B",
            version=1,
        )
    assert not FpsMembership.objects.exists()


# Pages


def _sign_page(application) -> str:
    return f"/onboarding/applications/{application.pk}/agreement/"


def test_the_sign_page_offers_the_current_version_to_download_with_its_type_and_size(
    client,
) -> None:
    ready = states.provider()
    application = states.passed(ready)
    document = AgreementDocument.objects.get(purchasing_system=application.purchasing_system)
    client.force_login(ready.user)
    page = client.get(_sign_page(application)).content.decode()
    assert "Read the agreement" in page
    assert f"/onboarding/agreements/{document.pk}/download/" in page
    assert f'version 1 <span class="govuk-body-s">(PDF, {len(PDF_BYTES)}' in page
    assert 'name="agreement_version" value="1"' in page
    response = client.post(
        _sign_page(application),
        {
            "signatory_name": "Alex Morgan",
            "signatory_role": "Director",
            "confirm": "on",
            "agreement_version": "1",
        },
    )
    assert response.status_code == 302
    membership = FpsMembership.objects.get(provider=ready.provider)
    assert membership.agreement_version == document
    status_page = client.get("/onboarding/membership/").content.decode()
    assert "Version signed" in status_page and "version 1" in status_page


def test_the_sign_page_says_why_when_nothing_is_published_and_offers_no_form(client) -> None:
    ready = states.provider()
    application = states.passed(ready, _window_without_agreement())
    client.force_login(ready.user)
    page = client.get(_sign_page(application)).content.decode()
    assert "has not published the agreement yet" in page
    assert 'name="signatory_name"' not in page
    response = client.post(
        _sign_page(application),
        {"signatory_name": "A", "signatory_role": "B", "confirm": "on"},
    )
    assert response.status_code == 409
    assert not FpsMembership.objects.exists()


def test_a_stale_version_on_the_form_is_refused_with_the_reason(client) -> None:
    ready = states.provider()
    application = states.passed(ready)
    publish_agreement(application.purchasing_system)
    client.force_login(ready.user)
    response = client.post(
        _sign_page(application),
        {
            "signatory_name": "Alex Morgan",
            "signatory_role": "Director",
            "confirm": "on",
            "agreement_version": "1",
        },
    )
    assert response.status_code == 409
    assert "Version 2 of the agreement was published" in response.content.decode()
    assert not FpsMembership.objects.exists()


@pytest.mark.parametrize("role", ALL_ROLES)
def test_who_may_download_the_agreement_and_each_download_is_audited(client, role: str) -> None:
    document = publish_agreement(make_system(agreement=False))
    client.force_login(person(role))
    response = client.get(f"/onboarding/agreements/{document.pk}/download/")
    if role == Role.FORUM_MEMBER:
        assert response.status_code == 404
        assert not AuditEvent.objects.filter(verb=AuditVerb.DOWNLOADED).exists()
        return
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert AuditEvent.objects.filter(verb=AuditVerb.DOWNLOADED, object_id=str(document.pk)).exists()


def test_anonymous_agreement_download_goes_to_sign_in(client) -> None:
    document = publish_agreement(make_system(agreement=False))
    response = client.get(f"/onboarding/agreements/{document.pk}/download/")
    assert response.status_code == 302 and "/account/sign-in/" in response["Location"]


def test_the_lead_authority_publishes_through_its_page_then_sees_the_versions(client) -> None:
    system = make_system(agreement=False)
    client.force_login(person(Role.LEAD_EVALUATOR))
    page = client.get(f"/fps/{system.pk}/agreement/")
    assert "No version is published yet" in page.content.decode()
    key = str(uuid.uuid4())
    sent = {"title": "FPS agreement", "submission_key": key}
    refused = client.post(
        f"/fps/{system.pk}/agreement/", {**sent, "file": upload("a.docx", docx_bytes())}
    )
    assert refused.status_code == 400
    assert "The agreement must be a PDF" in refused.content.decode()
    response = client.post(f"/fps/{system.pk}/agreement/", {**sent, "file": upload("a.pdf")})
    assert response.status_code == 302 and response["Location"] == f"/fps/{system.pk}/agreement/"
    page = client.get(response["Location"]).content.decode()
    assert "Version 1" in page and "Current" in page
    assert AgreementDocument.objects.filter(purchasing_system=system).count() == 1


@pytest.mark.parametrize("role", [Role.COMMISSIONER, Role.PROVIDER_USER, Role.FORUM_MEMBER])
def test_no_one_else_opens_the_publishing_page(client, role: str) -> None:
    system = make_system(agreement=False)
    client.force_login(person(role))
    assert client.get(f"/fps/{system.pk}/agreement/").status_code == 403


# API


def test_the_api_lists_the_versions_for_a_provider_and_signing_records_the_version(
    client,
) -> None:
    ready = states.provider()
    application = states.passed(ready)
    client.force_login(ready.user)
    listed = client.get("/api/v1/agreement-documents/").json()["results"]
    assert [(d["version"], d["content_type"]) for d in listed] == [(1, "application/pdf")]
    assert listed[0]["download_url"] == f"/onboarding/agreements/{listed[0]['id']}/download/"
    assert "published_by" not in listed[0]
    response = client.post(
        f"/api/v1/applications/{application.pk}/agreement/",
        {"signatory_name": "Alex Morgan", "signatory_role": "Director", "version": 1},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["agreement_version"] == 1


def test_the_api_refuses_a_stale_version_and_forums_see_no_agreement(client) -> None:
    ready = states.provider()
    application = states.passed(ready)
    publish_agreement(application.purchasing_system)
    client.force_login(ready.user)
    response = client.post(
        f"/api/v1/applications/{application.pk}/agreement/",
        {"signatory_name": "A", "signatory_role": "B", "version": 1},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert "Version 2" in response.json()["error"]["message"]
    client.force_login(person(Role.FORUM_MEMBER))
    assert client.get("/api/v1/agreement-documents/").status_code == 403
