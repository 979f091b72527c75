"""A preselected competition's shortlist: built from the find-a-setting search (its filters kept
with the referral), grounds for each setting, and publishing invites the shortlist only."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from fps_portal.accounts.models import User
from fps_portal.errors import InvalidInput
from referrals.models import Invitation, Route, ShortlistEntry
from referrals.services.referral_states import referral_publish
from referrals.services.shortlist import ShortlistChoice, shortlist_save
from tests.providers.factories import FpsMembershipFactory, SettingLotFactory
from tests.referrals.referrals.cast import Cast, actor, build_cast, ready_referral

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast() -> Cast:
    return build_cast()


def test_publishing_a_preselected_competition_invites_only_the_shortlist(cast: Cast) -> None:
    second = SettingLotFactory(lot=cast.lot)  # another active member on the lot, not chosen
    FpsMembershipFactory(
        provider=second.setting.provider, purchasing_system=cast.lot.purchasing_system
    )
    referral = ready_referral(cast, route=Route.PRESELECTED_COMPETITION)
    by = actor(cast.commissioner)
    with pytest.raises(InvalidInput) as raised:
        shortlist_save(
            actor=by,
            referral=referral,
            search_filters={"lot": cast.lot.code},
            choices=[
                ShortlistChoice(cast.member_setting.pk, ("other",)),
                ShortlistChoice(cast.suspended.settings.get().pk, ("location",)),
            ],
        )
    assert set(raised.value.fields) == {
        f"note_{cast.member_setting.pk}",
        f"setting_{cast.suspended.settings.get().pk}",
    }
    assert not ShortlistEntry.objects.exists()
    shortlist_save(
        actor=by,
        referral=referral,
        search_filters={"lot": cast.lot.code, "gender": "girls", "cursor": "ignored"},
        choices=[ShortlistChoice(cast.member_setting.pk, ("location", "needs"))],
    )
    referral.refresh_from_db()
    assert referral.search_filters == {"lot": cast.lot.code, "gender": "girls"}
    assert ShortlistEntry.objects.get().grounds == ["location", "needs"]
    referral_publish(actor=by, referral=referral)
    invited = set(Invitation.objects.filter(referral=referral).values_list("provider", flat=True))
    assert invited == {cast.member.pk}


def test_the_shortlist_page_saves_choices_with_grounds(
    cast: Cast, signed_in: Callable[[User], Client]
) -> None:
    referral = ready_referral(cast, route=Route.PRESELECTED_COMPETITION)
    client = signed_in(cast.commissioner)
    url = f"/referrals/{referral.pk}/shortlist/"
    page = client.get(url)
    assert page.status_code == 200
    assert cast.member_setting.name in page.content.decode()
    pk = cast.member_setting.pk
    search = f"lot={cast.lot.code}"
    missing = client.post(url, {"search": search, f"choose_{pk}": "on"})
    assert missing.status_code == 400 and not ShortlistEntry.objects.exists()
    saved = client.post(url, {"search": search, f"choose_{pk}": "on", f"grounds_{pk}": ["needs"]})
    assert saved.status_code == 302
    assert ShortlistEntry.objects.get(referral=referral).grounds == ["needs"]
