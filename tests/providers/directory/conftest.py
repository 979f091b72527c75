"""A small FPS for directory tests: settings at known places, lots, prices and bands."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest

from fps_portal.accounts.models import Organisation
from providers.models import Lot, PrimaryNeed, Setting, Specialism
from providers.postcodes import locate
from tests.factories import ProviderOrganisationFactory, authority
from tests.providers.factories import (
    FpsMembershipFactory,
    LotFactory,
    PurchasingSystemFactory,
    SettingFactory,
    SettingLotFactory,
)

APPROVED = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)


def place(postcode: str) -> dict[str, object]:
    loc = locate(postcode)
    return {
        "postcode": postcode,
        "postcode_district": loc.district,
        "latitude": loc.latitude,
        "longitude": loc.longitude,
    }


def on_fps_setting(
    *,
    provider: Organisation,
    lots: dict[Lot, str],
    postcode: str = "CW1 2AB",
    specialisms: tuple[str, ...] = (),
    needs: tuple[str, ...] = (),
    **fields: object,
) -> Setting:
    setting = SettingFactory(provider=provider, **place(postcode), **fields)
    for lot, price in lots.items():
        SettingLotFactory(
            setting=setting, lot=lot, weekly_price=Decimal(price), approved_at=APPROVED
        )
    setting.specialisms.set(Specialism.objects.filter(code__in=specialisms))
    setting.primary_needs.set(PrimaryNeed.objects.filter(code__in=needs))
    return setting


@dataclass
class World:
    day: Lot
    residential: Lot
    provider: Organisation
    other_provider: Organisation
    crewe: Setting  # CW1, day 3000 / residential 5200, pass, mixed 5-16, ASD
    bootle: Setting  # L20, day 2800, concern, boys 11-18, SEMH, no vacancies
    carlisle: Setting  # CA3, residential 6100, fail, girls 8-19, SLD, residential only
    unpriced: Setting  # active member but no approved lot: never appears
    suspended: Setting  # provider suspended: never appears


@pytest.fixture
def world(db: None) -> World:
    return build_world()


def build_world() -> World:
    """The settings the directory tests search (the browser tests build them too)."""
    system = PurchasingSystemFactory()
    day = LotFactory(purchasing_system=system, code="A1", name="Day", display_order=1)
    residential = LotFactory(
        purchasing_system=system,
        code="A3",
        name="52-week residential",
        is_residential=True,
        display_order=2,
    )
    provider = ProviderOrganisationFactory(name="Oak Trust")
    other = ProviderOrganisationFactory(name="Elm Care")
    FpsMembershipFactory(purchasing_system=system, provider=provider)
    FpsMembershipFactory(purchasing_system=system, provider=other)
    crewe = on_fps_setting(
        provider=provider,
        lots={day: "3000.00", residential: "5200.00"},
        postcode="CW1 2AB",
        name="Crewe School",
        specialisms=("communication-and-interaction",),
        needs=("ASD",),
        age_from=5,
        age_to=16,
        gender="mixed",
        offers_residential=True,
        current_band="pass",
        current_band_summary="Ofsted: Overall effectiveness: 2 (Good)",
        current_band_as_at=datetime.date(2024, 4, 2),
        host_authority=authority("Cheshire East"),
        vacancies=3,
    )
    bootle = on_fps_setting(
        provider=other,
        lots={day: "2800.00"},
        postcode="L20 3AB",
        name="Bootle College",
        specialisms=("semh",),
        needs=("SEMH",),
        age_from=11,
        age_to=18,
        gender="boys",
        current_band="concern",
        host_authority=authority("Sefton"),
        vacancies=0,
    )
    carlisle = on_fps_setting(
        provider=other,
        lots={residential: "6100.00"},
        postcode="CA3 8QG",
        name="Carlisle House",
        specialisms=("cognition-and-learning",),
        needs=("SLD",),
        age_from=8,
        age_to=19,
        gender="girls",
        offers_day=False,
        offers_residential=True,
        current_band="fail",
        host_authority=authority("Cumberland"),
        vacancies=2,
    )
    unpriced = on_fps_setting(provider=provider, lots={}, name="Unpriced School")
    SettingLotFactory(setting=unpriced, lot=day, weekly_price=Decimal("100.00"), approved_at=None)
    gone = ProviderOrganisationFactory(name="Gone Ltd")
    FpsMembershipFactory(purchasing_system=system, provider=gone, state="suspended")
    suspended = on_fps_setting(provider=gone, lots={day: "1000.00"}, name="Suspended School")
    return World(day, residential, provider, other, crewe, bootle, carlisle, unpriced, suspended)
