"""Factories for the purchasing system, settings, prices, judgements and memberships."""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory
from django.core.files.base import ContentFile

from providers.inspections.bands import derive_band
from providers.inspections.frameworks import Framework, Remit
from providers.models import (
    AgreementDocument,
    CheckStatus,
    FpsMembership,
    InspectionJudgement,
    Lot,
    MembershipState,
    PurchasingSystem,
    Setting,
    SettingLot,
)
from tests.factories import ProviderOrganisationFactory, lead_authority


class PurchasingSystemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PurchasingSystem

    name = factory.Sequence(lambda n: f"North West SEND FPS {n}")
    term_start = datetime.date(2021, 4, 1)
    term_end = datetime.date(2031, 3, 31)
    lead_authority = factory.LazyFunction(lead_authority)

    @factory.post_generation
    def agreement(obj: PurchasingSystem, create: bool, extracted: object, **kwargs: object) -> None:
        """Version 1 of the agreement is published, so a passed provider can sign; pass
        `agreement=False` for a system whose lead authority has published none yet."""
        if create and extracted is not False:
            publish_agreement(obj)


AGREEMENT_PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def publish_agreement(system: PurchasingSystem, *, version: int | None = None) -> AgreementDocument:
    """A published version written as a row (the service's own tests publish through it)."""
    if version is None:
        version = AgreementDocument.objects.filter(purchasing_system=system).count() + 1
    return AgreementDocument.objects.create(
        purchasing_system=system,
        version=version,
        title=f"{system.name} agreement",
        file=ContentFile(AGREEMENT_PDF, name="agreement.pdf"),
        original_filename="agreement.pdf",
        content_type="application/pdf",
        size_bytes=len(AGREEMENT_PDF),
    )


class LotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lot

    purchasing_system = factory.SubFactory(PurchasingSystemFactory)
    code = factory.Sequence(lambda n: f"L{n}")
    name = factory.Sequence(lambda n: f"Lot {n}")
    starts_on = datetime.date(2021, 4, 1)


class SettingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Setting

    provider = factory.SubFactory(ProviderOrganisationFactory)
    name = factory.Sequence(lambda n: f"Setting {n} School")
    urn = factory.Sequence(lambda n: str(900000 + n))
    postcode = "CW1 2AB"
    postcode_district = "CW1"
    latitude = 53.0946
    longitude = -2.4419
    age_from = 5
    age_to = 16
    capacity = 40
    vacancies = 3


class SettingLotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SettingLot

    setting = factory.SubFactory(SettingFactory)
    lot = factory.SubFactory(LotFactory)
    weekly_price = Decimal("3250.00")
    approved_at = factory.LazyFunction(lambda: datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC))


class FpsMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FpsMembership

    purchasing_system = factory.SubFactory(PurchasingSystemFactory)
    provider = factory.SubFactory(ProviderOrganisationFactory)
    state = MembershipState.ACTIVE


class InspectionJudgementFactory(factory.django.DjangoModelFactory):
    """An Ofsted four-point judgement; pass `grades` for another outcome."""

    class Meta:
        model = InspectionJudgement

    setting = factory.SubFactory(SettingFactory)
    framework = Framework.OFSTED_4POINT
    remit = Remit.EDUCATION
    inspection_number = factory.Sequence(lambda n: f"1{n:07d}")
    inspection_start_date = datetime.date(2024, 3, 5)
    publication_date = datetime.date(2024, 4, 2)
    grades = factory.LazyFunction(lambda: {"overall_effectiveness": "2"})
    band = factory.LazyAttribute(lambda j: derive_band(j.framework, j.grades).band)
    band_reasons = factory.LazyAttribute(lambda j: list(derive_band(j.framework, j.grades).reasons))
    rule_version = factory.LazyAttribute(lambda j: derive_band(j.framework, j.grades).rule_version)
    # What the import or the lead authority records: it counts towards the band at once.
    check_status = CheckStatus.CONFIRMED


class ReportedJudgementFactory(InspectionJudgementFactory):
    """Reported by the setting's provider, awaiting the lead authority's check."""

    check_status = CheckStatus.AWAITING_CHECK


class RejectedJudgementFactory(InspectionJudgementFactory):
    """A provider's report the lead authority could not match to a published inspection."""

    check_status = CheckStatus.REJECTED
    check_reason = "No such inspection is published by Ofsted."
