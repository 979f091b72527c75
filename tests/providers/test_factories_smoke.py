import pytest

from providers.inspections.bands import Band
from tests.providers.factories import InspectionJudgementFactory, SettingLotFactory


@pytest.mark.django_db
def test_factories_build_a_priced_setting_with_a_good_judgement() -> None:
    offer = SettingLotFactory()
    judgement = InspectionJudgementFactory(setting=offer.setting)
    assert judgement.band == Band.PASS
    assert offer.setting.lot_offers.get().weekly_price > 0
