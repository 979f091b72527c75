"""Rows for the query budgets of the referral routes (tests/portal/test_query_budgets.py): two
referrals of Sefton's (an open competition with its invitation, a direct award awaiting
authorisation), so a list shows more than one row."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from fps_portal.accounts.models import User
from referrals.models import Referral, Route
from referrals.services.referral_states import referral_publish
from referrals.services.referrals import referral_create
from referrals.services.routes import RouteCaseInput, route_case_submit
from tests.referrals.referrals.cast import actor, build_cast, details, ready_referral


@dataclass
class ReferralScene:
    commissioner: User
    director: User
    competition: Referral
    direct_award: Referral


def referral_scene() -> ReferralScene:
    cast = build_cast()
    competition = ready_referral(cast)
    referral_publish(actor=actor(cast.commissioner), referral=competition)
    direct = referral_create(
        actor=actor(cast.commissioner), data=details(cast, route=Route.DIRECT_AWARD)
    )
    route_case_submit(
        actor=actor(cast.commissioner),
        referral=direct,
        data=RouteCaseInput(
            justification="Only this school offers it.",
            weekly_price=Decimal("3300"),
            ground="best_interests",
            setting_id=cast.member_setting.pk,
            review_on=timezone.localdate() + datetime.timedelta(days=60),
        ),
    )
    return ReferralScene(cast.commissioner, cast.director, competition, direct)
