"""Setting.listed / cheapest_price / cheapest_lot follow every write that changes them."""

from __future__ import annotations

import datetime
import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, transaction

from providers.models import MembershipState, Setting, SettingLot
from providers.services.search_fields import settings_refresh_search_fields
from tests.factories import ProviderOrganisationFactory
from tests.providers.factories import (
    FpsMembershipFactory,
    LotFactory,
    PurchasingSystemFactory,
    SettingFactory,
    SettingLotFactory,
)

pytestmark = pytest.mark.django_db
APPROVED = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)


def _fields(setting: Setting) -> tuple[bool, Decimal | None, str | None]:
    row = Setting.objects.select_related("cheapest_lot").get(pk=setting.pk)
    return row.listed, row.cheapest_price, row.cheapest_lot.code if row.cheapest_lot else None


@pytest.fixture
def fps():  # type: ignore[no-untyped-def]
    system = PurchasingSystemFactory()
    day = LotFactory(purchasing_system=system, code="D1", display_order=1)
    res = LotFactory(purchasing_system=system, code="R1", display_order=2)
    provider = ProviderOrganisationFactory()
    membership = FpsMembershipFactory(purchasing_system=system, provider=provider)
    return system, day, res, provider, membership


def test_listed_needs_an_approved_offer_and_an_active_membership(fps) -> None:  # type: ignore[no-untyped-def]
    _, _, res, provider, membership = fps
    setting = SettingFactory(provider=provider)
    assert _fields(setting) == (False, None, None)
    offer = SettingLotFactory(
        setting=setting, lot=res, weekly_price=Decimal("900.00"), approved_at=None
    )
    assert _fields(setting) == (False, None, None)  # awaiting approval
    offer.approved_at = APPROVED
    offer.save()
    assert _fields(setting) == (True, Decimal("900.00"), "R1")
    membership.state = MembershipState.SUSPENDED
    membership.save()
    assert _fields(setting) == (False, Decimal("900.00"), "R1")
    membership.state = MembershipState.ACTIVE
    membership.save()
    assert _fields(setting)[0] is True


def test_cheapest_follows_prices_and_withdrawn_lots(fps) -> None:  # type: ignore[no-untyped-def]
    _, day, res, provider, _ = fps
    setting = SettingFactory(provider=provider)
    d = SettingLotFactory(setting=setting, lot=day, weekly_price=Decimal("500.00"))
    r = SettingLotFactory(setting=setting, lot=res, weekly_price=Decimal("700.00"))
    assert _fields(setting) == (True, Decimal("500.00"), "D1")
    r.weekly_price = Decimal("400.00")
    r.save()
    assert _fields(setting) == (True, Decimal("400.00"), "R1")
    r.weekly_price = Decimal("500.00")  # a tie goes to the lot shown first
    r.save()
    assert _fields(setting) == (True, Decimal("500.00"), "D1")
    d.delete()
    assert _fields(setting) == (True, Decimal("500.00"), "R1")
    r.delete()
    assert _fields(setting) == (False, None, None)


def test_a_stale_setting_instance_cannot_write_old_values_back(fps) -> None:  # type: ignore[no-untyped-def]
    _, day, _, provider, _ = fps
    setting = SettingFactory(provider=provider)
    stale = Setting.objects.get(pk=setting.pk)
    SettingLotFactory(setting=setting, lot=day, weekly_price=Decimal("650.00"))
    stale.name = "Renamed"
    stale.save()
    assert _fields(setting) == (True, Decimal("650.00"), "D1")
    assert stale.listed is True


def test_bulk_refresh_repairs_rows_written_without_signals(fps) -> None:  # type: ignore[no-untyped-def]
    _, day, _, provider, _ = fps
    setting = SettingFactory(provider=provider)
    SettingLotFactory(setting=setting, lot=day, weekly_price=Decimal("650.00"))
    Setting.objects.filter(pk=setting.pk).update(listed=False, cheapest_price=None)
    assert settings_refresh_search_fields() == 1
    assert _fields(setting) == (True, Decimal("650.00"), "D1")
    assert settings_refresh_search_fields() == 0


@pytest.mark.django_db(transaction=True)
def test_two_offers_approved_at_once_leave_the_true_cheapest(fps) -> None:  # type: ignore[no-untyped-def]
    """Each writer sees only its own uncommitted offer; the row lock makes the second wait and
    read the first's committed offer, so the cheaper lot wins whichever commits last."""
    if connection.vendor != "postgresql":
        pytest.skip("needs row locks (PostgreSQL); SQLite serialises writes differently")
    _, day, res, provider, _ = fps
    setting = SettingFactory(provider=provider)
    cheap = SettingLotFactory(
        setting=setting, lot=day, weekly_price=Decimal("500.00"), approved_at=None
    )
    dear = SettingLotFactory(
        setting=setting, lot=res, weekly_price=Decimal("900.00"), approved_at=None
    )
    first_saved = threading.Event()
    errors: list[BaseException] = []

    def approve(offer_pk: int, *, hold: bool) -> None:
        try:
            if not hold:
                first_saved.wait(5)
            with transaction.atomic():
                offer = SettingLot.objects.get(pk=offer_pk)
                offer.approved_at = APPROVED
                offer.save()
                if hold:  # keep the transaction open while the other writer recomputes
                    first_saved.set()
                    time.sleep(0.5)
        except BaseException as error:  # reported in the main thread
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=approve, args=(cheap.pk,), kwargs={"hold": True}),
        threading.Thread(target=approve, args=(dear.pk,), kwargs={"hold": False}),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert _fields(setting) == (True, Decimal("500.00"), "D1")
