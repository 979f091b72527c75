"""Regional uplifts (issue 12): the lead authority publishes; a provider applies one to many of
its agreements at once, all or nothing; each is a price uplift its own authority countersigns;
applying twice is refused."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from contracts.models import AgreementVersion, RegionalUplift, Variation, VariationState
from contracts.services.uplifts import (
    applicable_agreements,
    regional_uplift_apply,
    regional_uplift_publish,
)
from contracts.services.variation_decisions import variation_withdraw
from contracts.services.variations import variation_propose_end_date
from fps_portal.accounts.models import Role
from fps_portal.errors import InvalidInput, NotAllowed
from fps_portal.notifications.models import Notification
from tests.contracts.signed_world import another_signed, sign_both, signed
from tests.factories import person
from tests.referrals.awards.world import as_actor

pytestmark = pytest.mark.django_db


def _publish(p, **changes):
    values = {
        "purchasing_system": p.world.referral.purchasing_system,
        "title": "Annual uplift 2027 to 2028",
        "percent": Decimal("2.5"),
        "effective_from": p.agreement.start_date + datetime.timedelta(days=90),
        "reason": "The region's inflation award for the year.",
    }
    return regional_uplift_publish(
        actor=as_actor(person(Role.LEAD_EVALUATOR)), **{**values, **changes}
    )


def test_only_the_lead_publishes_and_bad_input_writes_nothing():
    p = signed()
    with pytest.raises(NotAllowed):
        regional_uplift_publish(
            actor=as_actor(p.commissioner),
            purchasing_system=p.world.referral.purchasing_system,
            title="Mine",
            percent=Decimal("2"),
            effective_from=p.agreement.start_date,
            reason="Why not.",
        )
    for changes, field in (
        ({"percent": Decimal("0")}, "percent"),
        ({"percent": Decimal("51")}, "percent"),
        ({"title": " "}, "title"),
        ({"reason": ""}, "reason"),
        ({"effective_from": None}, "effective_from"),
    ):
        with pytest.raises(InvalidInput) as caught:
            _publish(p, **changes)
        assert field in caught.value.fields
    assert not RegionalUplift.objects.exists()
    uplift = _publish(p)
    assert Notification.objects.filter(
        event_key=f"contracts.regional_uplift.{uplift.pk}.published", recipient=p.provider_user
    ).exists()
    with pytest.raises(InvalidInput) as caught:  # the same title twice
        _publish(p)
    assert "title" in caught.value.fields


def test_a_provider_applies_an_uplift_to_many_agreements_each_countersigned_by_its_authority():
    p = signed()
    q = another_signed(p)
    uplift = _publish(p)
    provider = as_actor(p.provider_user)
    assert {a.pk for a in applicable_agreements(provider, uplift)} == {
        p.agreement.pk,
        q.agreement.pk,
    }
    made = regional_uplift_apply(
        actor=provider, uplift=uplift, agreements=[p.agreement, q.agreement]
    )
    assert len(made) == 2
    assert {v.regional_uplift_id for v in made} == {uplift.pk}
    assert all(v.uplift_percent == Decimal("2.5") for v in made)
    assert not list(applicable_agreements(provider, uplift))  # applied (and being signed)
    # The authority still countersigns each on its own.
    sign_both(p, made[0].version if made[0].agreement_id == p.agreement.pk else made[1].version)
    states = dict(Variation.objects.values_list("agreement_id", "state"))
    assert states == {
        p.agreement.pk: VariationState.AGREED,
        q.agreement.pk: VariationState.PROPOSED,
    }


def test_all_or_nothing_when_one_agreement_cannot_take_it():
    p = signed()
    q = another_signed(p)
    uplift = _publish(p)
    variation_propose_end_date(
        actor=as_actor(q.commissioner),
        agreement=q.agreement,
        new_end_date=q.agreement.start_date + datetime.timedelta(days=400),
        reason="Extended.",
    )
    versions = AgreementVersion.objects.count()
    with pytest.raises(InvalidInput) as caught:
        regional_uplift_apply(
            actor=as_actor(p.provider_user), uplift=uplift, agreements=[p.agreement, q.agreement]
        )
    assert list(caught.value.fields) == [f"agreement_{q.agreement.pk}"]
    assert not Variation.objects.filter(regional_uplift=uplift).exists()
    assert AgreementVersion.objects.count() == versions


def test_an_uplift_is_applied_once_but_again_after_a_withdrawal():
    p = signed()
    uplift = _publish(p)
    provider = as_actor(p.provider_user)
    (first,) = regional_uplift_apply(actor=provider, uplift=uplift, agreements=[p.agreement])
    with pytest.raises(InvalidInput) as caught:
        regional_uplift_apply(actor=provider, uplift=uplift, agreements=[p.agreement])
    assert "already been applied" in caught.value.fields[f"agreement_{p.agreement.pk}"][0]
    variation_withdraw(actor=provider, variation=first, reason="Wrong date.")
    (second,) = regional_uplift_apply(actor=provider, uplift=uplift, agreements=[p.agreement])
    assert second.pk != first.pk


def test_another_provider_cannot_apply_it_to_agreements_not_its_own():
    p = signed()
    uplift = _publish(p)
    with pytest.raises(InvalidInput):
        regional_uplift_apply(
            actor=as_actor(p.other_provider_user), uplift=uplift, agreements=[p.agreement]
        )
    assert not Variation.objects.exists()
    assert not list(applicable_agreements(as_actor(p.other_provider_user), uplift))


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _date(prefix: str, day: datetime.date) -> dict[str, str]:
    return {
        f"{prefix}_day": str(day.day),
        f"{prefix}_month": str(day.month),
        f"{prefix}_year": str(day.year),
    }


def test_the_pages_publish_list_and_apply():
    p = signed()
    q = another_signed(p)
    lead = person(Role.LEAD_EVALUATOR)
    publish = reverse("contracts:regional-uplift-publish")
    assert _client(lead).get(publish).status_code == 200
    assert _client(p.provider_user).get(publish).status_code == 403
    bad = _client(lead).post(publish, {"purchasing_system": p.world.referral.purchasing_system.pk})
    assert bad.status_code == 400 and "Enter a title" in bad.content.decode()
    assert not RegionalUplift.objects.exists()
    effective = p.agreement.start_date + datetime.timedelta(days=30)
    done = _client(lead).post(
        publish,
        {
            "purchasing_system": p.world.referral.purchasing_system.pk,
            "title": "Annual uplift 2027 to 2028",
            "percent": "3",
            "reason": "Inflation.",
            **_date("effective_from", effective),
        },
    )
    assert done.status_code == 302
    uplift = RegionalUplift.objects.get()
    listing = _client(p.commissioner).get(reverse("contracts:regional-uplifts"))
    assert listing.status_code == 200 and "Annual uplift 2027 to 2028" in listing.content.decode()
    apply = reverse("contracts:regional-uplift-apply", args=[uplift.pk])
    provider = _client(p.provider_user)
    page = provider.get(apply)
    assert page.status_code == 200
    assert p.agreement.reference in page.content.decode()
    assert _client(p.commissioner).get(apply).status_code == 403
    assert provider.post(apply, {}).status_code == 400
    answer = provider.post(apply, {"agreements": [str(p.agreement.pk), str(q.agreement.pk)]})
    assert answer.status_code == 302
    assert Variation.objects.filter(regional_uplift=uplift).count() == 2
    assert (
        _client(p.other_provider_user)
        .post(apply, {"agreements": [str(p.agreement.pk)]})
        .status_code
        == 400
    )
