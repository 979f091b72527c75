"""The demo holds a re-check in progress and an insurance expiring within 30 days (issue 13's
demo data), made through the quality services, and loading it twice changes nothing."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from demo.steps import DEMO_STEPS
from quality.models import ExpiryNotice, ItemResponse, Recheck, RecheckState

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_recheck_in_progress_and_an_insurance_expiring_soon() -> None:
    for _ in range(2):
        for step in DEMO_STEPS:
            step()
    recheck = Recheck.objects.get(
        membership__provider__memberships__user__email="bids@oakfield.example"
    )
    assert recheck.state == RecheckState.OPEN
    answers = list(recheck.items.values_list("response", flat=True))
    assert answers.count(ItemResponse.CONFIRMED) == 1 and ItemResponse.PENDING in answers
    soon = ExpiryNotice.objects.get(evidence__provider=recheck.membership.provider, stage="30")
    assert soon.valid_until - timezone.localdate() <= datetime.timedelta(days=30)
