"""The provider's side of a competition: a published open competition (Sefton's child, one
invited member provider with an approved setting on the lot) plus what each test adds."""

from __future__ import annotations

import datetime
import hashlib
import uuid
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from fps_portal.actors import Actor
from providers.models import AdditionalService
from referrals.models import ChildDocument, ChildDocumentKind, Criterion, CriterionKind
from tests.providers.onboarding.factories import actor
from tests.referrals.factories import Competition, InvitationFactory, published_competition


def pdf(text: str = "") -> SimpleUploadedFile:
    """A small PDF, unique per call (the same file twice is refused)."""
    body = f"%PDF-1.4\n% {text or uuid.uuid4()}\n%%EOF\n".encode()
    return SimpleUploadedFile("plan.pdf", body, content_type="application/pdf")


@pytest.fixture
def world(db: None) -> Competition:
    return published_competition()


@pytest.fixture
def provider(world: Competition) -> Actor:
    return actor(world.provider_user)


@pytest.fixture
def commissioner(world: Competition) -> Actor:
    return actor(world.commissioner)


def add_pass_fail(world: Competition) -> Criterion:
    return Criterion.objects.create(
        referral=world.referral,
        kind=CriterionKind.PASS_FAIL,
        category="quality",
        title="Registered for girls aged 11-16",
        position=2,
    )


def share_document(world: Competition) -> ChildDocument:
    """A redacted EHC plan on the child's record, shared with the referral's invitees."""
    body = f"%PDF-1.4\n% redacted plan {uuid.uuid4()}\n%%EOF\n".encode()
    document = ChildDocument(
        child=world.child,
        kind=ChildDocumentKind.REDACTED_EHC_PLAN,
        title="EHC plan (redacted)",
        original_filename="ehcp-redacted.pdf",
        content_type="application/pdf",
        size=len(body),
        sha256=hashlib.sha256(body).hexdigest(),
    )
    document.file.save("ehcp.pdf", ContentFile(body), save=False)
    document.save()
    world.referral.shared_documents.add(document)
    return document


def price_list_item(world: Competition) -> AdditionalService:
    return AdditionalService.objects.create(
        setting=world.setting, name="1:1 support", unit="hour", rate=Decimal("35.00")
    )


def second_invitee(world: Competition):  # type: ignore[no-untyped-def]
    """Another member provider invited to the same referral, with its own user."""
    from fps_portal.accounts.models import Role
    from tests.factories import person
    from tests.providers.factories import FpsMembershipFactory, SettingLotFactory

    offer = SettingLotFactory(lot=world.lot, weekly_price=Decimal("3100.00"))
    FpsMembershipFactory(
        provider=offer.setting.provider, purchasing_system=world.lot.purchasing_system
    )
    invitation = InvitationFactory(referral=world.referral, provider=offer.setting.provider)
    return invitation, person(Role.PROVIDER_USER, offer.setting.provider), offer.setting


def in_past(days: int = 1) -> datetime.date:
    return datetime.date.today() - datetime.timedelta(days=days)
