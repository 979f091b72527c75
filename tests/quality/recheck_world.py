"""The world of the re-check and expiry tests: Oak Trust, a member of the FPS since 10 March
2025, holding insurance, a policy with no expiry and one setting's registration certificate;
Elm Care, another member, holding its own insurance; the lead authority's evaluator."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from fps_portal.accounts.models import Organisation, Role, User
from fps_portal.actors import Actor, actor_for_user
from providers.models import Evidence, EvidenceKind, FpsMembership, Setting
from tests.factories import ProviderOrganisationFactory, person
from tests.providers.factories import (
    FpsMembershipFactory,
    PurchasingSystemFactory,
    SettingFactory,
)

JOINED = datetime.datetime(2025, 3, 10, 9, 0, tzinfo=datetime.UTC)


def pdf(name: str = "renewal.pdf") -> SimpleUploadedFile:
    body = b"%PDF-1.4\n% " + uuid.uuid4().hex.encode() + b"\n%%EOF\n"
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def held(
    provider: Organisation,
    kind: str,
    *,
    title: str,
    valid_until: datetime.date | None = None,
    setting: Setting | None = None,
) -> Evidence:
    """An evidence item as the library stores it (the upload itself is evidence_add's test)."""
    insurance = kind == EvidenceKind.INSURANCE
    body = b"%PDF-1.4\n% " + uuid.uuid4().hex.encode()
    return Evidence.objects.create(
        provider=provider,
        setting=setting,
        kind=kind,
        title=title,
        insurance_type="employers_liability" if insurance else "",
        insurer="Mutual Assurance" if insurance else "",
        cover_amount=Decimal("5000000") if insurance else None,
        valid_until=valid_until,
        file=ContentFile(body, name="held.pdf"),
        original_filename="held.pdf",
        content_type="application/pdf",
        size_bytes=len(body),
    )


@dataclass
class World:
    oak: Organisation
    elm: Organisation
    oak_membership: FpsMembership
    elm_membership: FpsMembership
    crewe: Setting
    oak_user: User
    elm_user: User
    lead: User
    insurance: Evidence
    policy: Evidence
    certificate: Evidence
    elm_insurance: Evidence

    @property
    def oak_actor(self) -> Actor:
        return _actor(self.oak_user)

    @property
    def elm_actor(self) -> Actor:
        return _actor(self.elm_user)

    @property
    def lead_actor(self) -> Actor:
        return _actor(self.lead)


def _actor(user: User) -> Actor:
    actor = actor_for_user(user)
    assert actor is not None
    return actor


def build_world(*, insurance_until: datetime.date = datetime.date(2027, 6, 30)) -> World:
    system = PurchasingSystemFactory()
    oak = ProviderOrganisationFactory(name="Oak Trust")
    elm = ProviderOrganisationFactory(name="Elm Care")
    oak_membership = FpsMembershipFactory(purchasing_system=system, provider=oak, joined_at=JOINED)
    elm_membership = FpsMembershipFactory(purchasing_system=system, provider=elm, joined_at=JOINED)
    crewe = SettingFactory(provider=oak, name="Crewe School")
    return World(
        oak=oak,
        elm=elm,
        oak_membership=oak_membership,
        elm_membership=elm_membership,
        crewe=crewe,
        oak_user=person(Role.PROVIDER_USER, oak),
        elm_user=person(Role.PROVIDER_USER, elm),
        lead=person(Role.LEAD_EVALUATOR),
        insurance=held(
            oak, EvidenceKind.INSURANCE, title="Employer's liability", valid_until=insurance_until
        ),
        policy=held(oak, EvidenceKind.POLICY, title="Safeguarding policy"),
        certificate=held(
            oak,
            EvidenceKind.REGISTRATION_CERTIFICATE,
            title="Ofsted registration",
            setting=crewe,
        ),
        elm_insurance=held(
            elm,
            EvidenceKind.INSURANCE,
            title="Elm public liability",
            valid_until=datetime.date(2027, 6, 30),
        ),
    )
