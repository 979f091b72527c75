"""Referrals for the accessibility gate's world (tests/browser/pages.py), on the demo's data:
Sefton's commissioner has a draft open competition, a draft preselected competition, a draft spot
purchase and a direct award awaiting the DCS's authorisation."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from fps_portal.accounts.models import User
from providers.models import Lot, SettingLot
from referrals.models import Referral, Route
from referrals.services.referrals import ReferralInput, referral_create
from referrals.services.routes import RouteCaseInput, route_case_submit
from tests.referrals.factories import ChildFactory
from tests.referrals.referrals.cast import actor


def browser_referrals(commissioner: User) -> dict[str, int]:
    by = actor(commissioner)
    assert by.organisation is not None
    child = ChildFactory(authority=by.organisation)
    offer = SettingLot.objects.filter(approved_at__isnull=False).order_by("pk").first()
    assert offer is not None
    lot: Lot = offer.lot

    def draft(route: str) -> int:
        return referral_create(
            actor=by,
            data=ReferralInput(
                child_id=child.pk,
                route=route,
                lot_id=lot.pk,
                start_date=timezone.localdate() + datetime.timedelta(days=30),
                primary_need_code="ASD",
                outcomes_sought="Full-time attendance.",
                provider_summary="Thrives in small, calm groups.",
            ),
        ).pk

    made = {
        "open": draft(Route.OPEN_COMPETITION),
        "preselected": draft(Route.PRESELECTED_COMPETITION),
        "spot": draft(Route.SPOT_PURCHASE),
        "direct": draft(Route.DIRECT_AWARD),
    }
    route_case_submit(
        actor=by,
        referral=Referral.objects.get(pk=made["direct"]),
        data=RouteCaseInput(
            justification="Placement breakdown; only this school can take her this week.",
            weekly_price=Decimal("3400.00"),
            ground="extreme_urgency",
            setting_id=offer.setting_id,
            review_on=timezone.localdate() + datetime.timedelta(days=90),
        ),
    )
    return made
