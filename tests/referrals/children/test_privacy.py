"""Privacy of the child's record: another authority gets 404 on every child URL and API id; a
provider (even one invited to the child's referral), a forum member, the lead evaluator, a QA
officer and the authority's own administrator are refused (403) before anything is looked up,
and none of them reads the child's name, date of birth or case number anywhere here."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core import mail
from django.test import Client

from fps_portal.accounts.models import Role, User
from fps_portal.audit.models import AuditEvent, AuditVerb
from referrals.models import Child, ChildDocument
from referrals.services.child_documents import child_document_add
from tests.factories import ForumFactory, api_client_for, authority, lead_authority, person
from tests.providers.onboarding.factories import upload
from tests.referrals.children.helpers import actor_of
from tests.referrals.factories import published_competition

pytestmark = pytest.mark.django_db


def _secrets(child: Child) -> list[str]:
    born = child.date_of_birth
    return [
        child.given_name,
        child.family_name,
        child.case_number,
        born.isoformat(),
        born.strftime("%d/%m/%Y"),
        f"{born.day} {born:%B %Y}",
        f"{born:%Y%m%d}",
    ]


def _pages(child: Child, document: ChildDocument) -> list[str]:
    return [
        "/children/",
        f"/children/?q={child.family_name}",
        "/children/new/",
        f"/children/{child.pk}/",
        f"/children/{child.pk}/edit/",
        f"/children/{child.pk}/export.csv",
        f"/children/{child.pk}/documents/new/",
        f"/children/documents/{document.pk}/download/",
        f"/children/documents/{document.pk}/remove/",
    ]


def _api(child: Child, document: ChildDocument) -> list[str]:
    return [
        "/api/v1/children/",
        f"/api/v1/children/{child.pk}/",
        f"/api/v1/children/{child.pk}/documents/",
        f"/api/v1/child-documents/{document.pk}/",
        f"/api/v1/child-documents/{document.pk}/download/",
    ]


@pytest.fixture
def world() -> tuple[Child, ChildDocument, User, User]:
    """Sefton's child on a published referral, with a document the referral shares."""
    competition = published_competition()
    child = competition.child
    document = child_document_add(
        actor=actor_of(competition.commissioner),
        child=child,
        kind="redacted_ehc_plan",
        title="Redacted plan",
        upload=upload("redacted.pdf"),
    )
    competition.referral.shared_documents.add(document)
    return child, document, competition.commissioner, competition.provider_user


def _body(response: object) -> str:
    streaming = getattr(response, "streaming_content", None)
    if streaming is not None:
        return b"".join(streaming).decode("latin-1")
    return response.content.decode("utf-8", "replace")  # type: ignore[attr-defined]


def _assert_unseen(child: Child, texts: list[str]) -> None:
    joined = "\n".join(texts)
    for secret in _secrets(child):
        assert secret not in joined, f"{secret!r} reached someone who must not see it"


def test_another_authority_gets_404_on_every_child_url_and_api_id(world: tuple) -> None:
    child, document, _, _ = world
    other = person(Role.COMMISSIONER, authority("Blackpool"))
    browser = Client()
    browser.force_login(other)
    api = api_client_for(other)
    before = AuditEvent.objects.filter(verb=AuditVerb.VIEWED_CHILD_RECORD).count()
    seen = []
    for path in _pages(child, document)[3:]:
        answer = browser.get(path)
        assert answer.status_code == 404, path
        seen.append(_body(answer))
    for path in _api(child, document)[1:]:
        answer = api.get(path)
        assert answer.status_code == 404, path
        seen.append(_body(answer))
    for method, path in [
        ("put", f"/api/v1/children/{child.pk}/"),
        ("post", f"/api/v1/children/{child.pk}/documents/"),
        ("delete", f"/api/v1/child-documents/{document.pk}/"),
    ]:
        assert getattr(api, method)(path, {}, format="json").status_code == 404, path
    assert browser.post(f"/children/documents/{document.pk}/remove/").status_code == 404
    # Their own list is theirs: Sefton's child is not on it.
    listing = browser.get("/children/")
    assert listing.status_code == 200
    seen.append(listing.content.decode())
    seen.append(_body(api.get("/api/v1/children/", {"search": child.family_name})))
    _assert_unseen(child, seen)
    document.refresh_from_db()
    assert document.removed_at is None
    assert AuditEvent.objects.filter(verb=AuditVerb.VIEWED_CHILD_RECORD).count() == before


@pytest.mark.parametrize(
    "who",
    ["invited provider", "forum member", "lead evaluator", "QA officer", "authority admin"],
)
def test_no_other_role_sees_a_child(world: tuple, who: str) -> None:
    child, document, _, provider_user = world
    makers: dict[str, Callable[[], User]] = {
        "invited provider": lambda: provider_user,
        "forum member": lambda: person(
            Role.FORUM_MEMBER, ForumFactory(forum_authority=child.authority)
        ),
        "lead evaluator": lambda: person(Role.LEAD_EVALUATOR, lead_authority()),
        "QA officer": lambda: person(Role.QA_OFFICER, child.authority),
        "authority admin": lambda: person(Role.AUTHORITY_ADMIN, child.authority),
    }
    user = makers[who]()
    browser = Client()
    browser.force_login(user)
    api = api_client_for(user)
    seen = []
    for path in _pages(child, document):
        answer = browser.get(path)
        assert answer.status_code == 403, (who, path)
        seen.append(_body(answer))
    for path in _api(child, document):
        answer = api.get(path)
        assert answer.status_code == 403, (who, path)
        seen.append(_body(answer))
    created = api.post("/api/v1/children/", {}, format="json")
    assert created.status_code == 403
    seen += [_body(browser.get("/dashboard/")), *(str(m.body) for m in mail.outbox)]
    _assert_unseen(child, seen)
    assert not AuditEvent.objects.filter(
        verb__in=[AuditVerb.VIEWED_CHILD_RECORD, AuditVerb.DOWNLOADED], actor=user
    ).exists()
