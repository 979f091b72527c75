"""The tender's automatic inspection check reads what the applicant reported before the lead
authority confirms it, says so, and never reads a report the lead authority rejected."""

from __future__ import annotations

import datetime

import pytest

from providers.models import Setting
from providers.services.checks import _inspection, latest_unrejected_judgements_by_setting
from tests.providers.factories import (
    InspectionJudgementFactory,
    RejectedJudgementFactory,
    ReportedJudgementFactory,
    SettingFactory,
)

pytestmark = pytest.mark.django_db


def _setting() -> Setting:
    setting: Setting = SettingFactory()
    return setting


def test_a_rejected_report_is_never_the_current_judgement() -> None:
    setting = _setting()
    confirmed = InspectionJudgementFactory(
        setting=setting, inspection_start_date=datetime.date(2023, 5, 1)
    )
    RejectedJudgementFactory(setting=setting, inspection_start_date=datetime.date(2025, 5, 1))
    assert latest_unrejected_judgements_by_setting([setting])[setting.pk] == [confirmed]


def test_a_report_awaiting_check_is_read_and_described_as_such() -> None:
    setting = _setting()
    InspectionJudgementFactory(setting=setting, inspection_start_date=datetime.date(2023, 5, 1))
    reported = ReportedJudgementFactory(
        setting=setting, inspection_start_date=datetime.date(2025, 5, 1)
    )
    (current,) = latest_unrejected_judgements_by_setting([setting])[setting.pk]
    assert current == reported
    _result, text = _inspection([current], reports=[])
    assert "reported by the provider, awaiting check" in text
