"""The regional-scale data set (`make demo-large`, `make bench`): coherent and built once."""

from __future__ import annotations

import pytest

from demo.large import build_large_demo, large_demo_exists
from providers.models import FpsMembership, Setting, SettingLot

pytestmark = pytest.mark.django_db


def test_a_small_build_is_coherent_and_not_repeated() -> None:
    made = build_large_demo(providers=6, settings=40, seed=7)
    assert made["providers"] == 6 and made["settings"] == 40 and large_demo_exists()
    settings = Setting.objects.filter(provider__name__startswith="Regional Provider")
    assert settings.count() == 40
    offers = SettingLot.objects.filter(setting__in=settings).select_related("lot", "setting")
    assert {o.setting_id for o in offers} == set(settings.values_list("pk", flat=True))
    for offer in offers:  # only lots the setting could offer
        setting, lot = offer.setting, offer.lot
        assert setting.offers_residential if lot.is_residential else setting.offers_day
        assert not (lot.code.startswith("A") and setting.age_from >= 16)
        assert not (lot.code.startswith("B") and setting.age_to < 16)
    assert settings.filter(listed=True).exists()
    assert all(s.host_authority_id for s in settings)
    members = FpsMembership.objects.filter(provider__name__startswith="Regional Provider")
    assert members.count() == 6 and not members.filter(agreement_signed_at__isnull=True).exists()
    assert build_large_demo(providers=6, settings=40, seed=7) == {"providers": 0, "settings": 0}
