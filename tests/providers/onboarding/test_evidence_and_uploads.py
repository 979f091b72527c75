"""Uploads are checked by content and size; evidence is stored privately, reused, and downloaded
only by those allowed, with an audit row."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone

from fps_portal.accounts.models import Organisation, Role
from fps_portal.actors import Actor
from fps_portal.audit.models import AuditEvent, AuditVerb
from fps_portal.errors import InvalidInput
from providers.models import Evidence, EvidenceKind, MembershipState
from providers.services.evidence import evidence_add
from tests.conftest import ALL_ROLES
from tests.factories import person
from tests.providers.onboarding.factories import (
    EXE_BYTES,
    JPEG_BYTES,
    PNG_BYTES,
    actor,
    docx_bytes,
    make_membership,
    ready_provider,
    upload,
)

pytestmark = pytest.mark.django_db


def _org(me: Actor) -> Organisation:
    assert me.organisation is not None
    return me.organisation


def _add(me: Actor, name: str, content: bytes, **extra: Any) -> Evidence:
    return evidence_add(
        actor=me,
        provider=_org(me),
        kind=EvidenceKind.POLICY,
        title="Safeguarding policy",
        upload=upload(name, content),
        **extra,
    )


@pytest.mark.parametrize(
    "name,content,mime",
    [
        ("policy.pdf", b"%PDF-1.7\nrest", "application/pdf"),
        (
            "policy.docx",
            docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("scan.png", PNG_BYTES, "image/png"),
        ("scan.JPG", JPEG_BYTES, "image/jpeg"),
    ],
)
def test_the_four_allowed_types_are_stored_privately(name: str, content: bytes, mime: str) -> None:
    me = actor(person(Role.PROVIDER_USER))
    evidence = _add(me, name, content)
    assert evidence.content_type == mime
    path = Path(evidence.file.path)
    assert path.is_file() and str(path).startswith(str(settings.PRIVATE_MEDIA_ROOT))
    assert name not in path.name  # the stored name is ours, not the uploader's
    assert not str(path).startswith(str(settings.STATIC_ROOT))


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("invoice.pdf", EXE_BYTES, "must be a PDF, DOCX, PNG or JPEG"),
        ("notes.pdf", b"just some text pretending to be a pdf", "must be a PDF, DOCX, PNG or JPEG"),
        ("photo.pdf", PNG_BYTES, "is a PNG but its name ends in '.pdf'"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_a_wrong_type_is_refused_at_the_file_field_and_nothing_is_written(
    name: str, content: bytes, message: str
) -> None:
    me = actor(person(Role.PROVIDER_USER))
    with pytest.raises(InvalidInput) as error:
        _add(me, name, content)
    (refusal,) = error.value.fields["file"]
    assert message in refusal
    assert not Evidence.objects.exists()
    assert not Path(settings.PRIVATE_MEDIA_ROOT).exists() or not any(
        Path(settings.PRIVATE_MEDIA_ROOT).rglob("*.*")
    )


def test_an_oversized_file_is_refused(settings) -> None:
    settings.MAX_UPLOAD_BYTES = 1024
    me = actor(person(Role.PROVIDER_USER))
    with pytest.raises(InvalidInput) as error:
        _add(me, "big.pdf", b"%PDF-1.4\n" + b"0" * 2000)
    (too_large,) = error.value.fields["file"]
    assert "must be smaller than" in too_large
    assert not Evidence.objects.exists()


def test_insurance_needs_type_insurer_cover_and_expiry() -> None:
    me = actor(person(Role.PROVIDER_USER))
    with pytest.raises(InvalidInput) as error:
        evidence_add(
            actor=me,
            provider=_org(me),
            kind=EvidenceKind.INSURANCE,
            title="Insurance",
            upload=upload(),
        )
    assert {"insurance_type", "insurer", "cover_amount", "valid_until"} <= set(error.value.fields)


def test_expired_evidence_cannot_be_uploaded_as_new() -> None:
    me = actor(person(Role.PROVIDER_USER))
    with pytest.raises(InvalidInput, match="already expired"):
        evidence_add(
            actor=me,
            provider=_org(me),
            kind=EvidenceKind.INSURANCE,
            title="Old",
            upload=upload(),
            insurance_type="public_liability",
            insurer="Aviva",
            cover_amount=Decimal("5000000"),
            valid_until=timezone.localdate() - datetime.timedelta(days=1),
        )


def test_setting_evidence_needs_one_of_your_own_settings() -> None:
    me = actor(person(Role.PROVIDER_USER))
    other = ready_provider()
    with pytest.raises(InvalidInput) as error:
        evidence_add(
            actor=me,
            provider=_org(me),
            kind=EvidenceKind.STATEMENT_OF_PURPOSE,
            title="SoP",
            upload=upload(),
            setting=other.setting,
        )
    assert "setting" in error.value.fields


def _download(client, evidence: Evidence):
    return client.get(f"/onboarding/evidence/{evidence.pk}/download/")


def test_the_provider_downloads_its_own_evidence_as_an_attachment_and_it_is_audited(client) -> None:
    ready = ready_provider()
    evidence = Evidence.objects.filter(provider=ready.provider).earliest("pk")
    client.force_login(ready.user)
    response = _download(client, evidence)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert (
        AuditEvent.objects.filter(verb=AuditVerb.DOWNLOADED, object_id=str(evidence.pk)).count()
        == 1
    )


@pytest.mark.parametrize("role", ALL_ROLES)
def test_who_may_download_which_evidence(client, role: str) -> None:
    ready = ready_provider()
    make_membership(provider=ready.provider, state=MembershipState.ACTIVE)
    insurance = Evidence.objects.get(
        provider=ready.provider, kind=EvidenceKind.INSURANCE, insurance_type="public_liability"
    )
    statement = Evidence.objects.get(
        provider=ready.provider, kind=EvidenceKind.STATEMENT_OF_PURPOSE
    )
    client.force_login(person(role))
    # Another provider's evidence answers like a missing one.
    expected = {
        Role.LEAD_EVALUATOR: (200, 200),
        Role.COMMISSIONER: (404, 200),
        Role.QA_OFFICER: (404, 200),
        Role.SENIOR_MANAGER: (404, 200),
        Role.PROVIDER_USER: (404, 404),
        Role.FORUM_MEMBER: (404, 404),
        # An administrator runs the authority's accounts, not its casework.
        Role.AUTHORITY_ADMIN: (404, 404),
    }[Role(role)]
    assert (
        _download(client, insurance).status_code,
        _download(client, statement).status_code,
    ) == expected


def test_authorities_do_not_see_setting_evidence_of_providers_not_on_the_fps(client) -> None:
    ready = ready_provider()
    statement = Evidence.objects.get(
        provider=ready.provider, kind=EvidenceKind.STATEMENT_OF_PURPOSE
    )
    client.force_login(person(Role.COMMISSIONER))
    assert _download(client, statement).status_code == 404


def test_anonymous_download_goes_to_sign_in(client) -> None:
    ready = ready_provider()
    evidence = Evidence.objects.filter(provider=ready.provider).earliest("pk")
    response = _download(client, evidence)
    assert response.status_code == 302 and "/account/sign-in/" in response["Location"]


def test_uploading_through_the_page_shows_the_error_at_the_field(client) -> None:
    user = person(Role.PROVIDER_USER)
    client.force_login(user)
    response = client.post(
        "/onboarding/evidence/new/",
        {"kind": "policy", "title": "Fake", "file": upload("virus.pdf", EXE_BYTES)},
    )
    assert response.status_code == 400
    assert "must be a PDF, DOCX, PNG or JPEG" in response.content.decode()
    assert 'href="#id_file"' in response.content.decode()
    assert not Evidence.objects.exists()
    ok = client.post(
        "/onboarding/evidence/new/", {"kind": "policy", "title": "Real", "file": upload("p.pdf")}
    )
    assert ok.status_code == 302
    assert Evidence.objects.filter(title="Real").exists()
