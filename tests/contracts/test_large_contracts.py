"""The large data set's agreements (`build_large_demo`, demo/large_contracts.py) at a small scale:
the number asked for, every state with its stamps as the services leave them (versions, hashes,
signatures, the fee history, uplifts, ends), Order numbers that a real award continues, the
beat's jobs finding nothing to change, each row's weekly cost in force today, and nothing built
twice."""

from __future__ import annotations

import itertools
from collections import defaultdict

import pytest
from django.db.models import Count
from django.utils import timezone

from contracts.models import (
    Agreement,
    AgreementState,
    AgreementVersion,
    EndKind,
    FeePeriod,
    Order,
    OrderSequence,
    Party,
    PlacementEnd,
    Signature,
    Variation,
    VariationState,
    VersionState,
)
from contracts.services.beat import activate_started_agreements
from contracts.services.endings import placements_end_due
from contracts.services.orders import order_for_award
from contracts.terms import Terms, problems
from demo.large import build_large_demo
from demo.large_contracts import build_large_contracts, large_contracts_exist
from demo.large_referrals import build_large_referrals
from referrals.models import Award, AwardState

pytestmark = pytest.mark.django_db

SCALE = 600


@pytest.fixture
def made() -> dict[str, int]:
    build_large_demo(providers=40, settings=120, seed=11)
    build_large_referrals(referrals=1000, years=10, seed=11)
    return build_large_contracts(agreements=SCALE, seed=11)


def test_the_agreements_their_states_and_stamps(made: dict[str, int]) -> None:
    today = timezone.localdate()
    agreements = Agreement.objects.select_related("current_version", "order")
    assert made["agreements"] == agreements.count() == Order.objects.count() == SCALE
    assert made["versions"] == AgreementVersion.objects.count() > SCALE
    assert made["signatures"] == Signature.objects.count()
    states = set(agreements.values_list("state", flat=True))
    assert states == {s for s in AgreementState.values}, states
    assert Variation.objects.filter(state=VariationState.AGREED).exists()
    assert Variation.objects.filter(state=VariationState.PROPOSED).exists()
    assert {EndKind.PLANNED, EndKind.BREAKDOWN} <= set(
        PlacementEnd.objects.values_list("kind", flat=True)
    )
    # The newest awards: nothing older has an agreement than what has one.
    oldest = agreements.order_by("order__award__completed_at")[0].order.award.completed_at
    assert not Award.objects.filter(
        state=AwardState.COMPLETE, order__isnull=True, completed_at__gt=oldest
    ).exists()
    for agreement in agreements:
        where = agreement.reference
        versions = list(agreement.versions.order_by("number"))
        assert [v.number for v in versions] == list(range(1, len(versions) + 1)), where
        assert agreement.reference == f"{agreement.order.number}-IPA"
        first_terms = Terms.from_json(versions[0].terms)
        assert first_terms.under_fps_agreement == agreement.order.under_fps_agreement, where
        assert first_terms.order_number == agreement.order.number, where
        for version in versions:
            terms = Terms.from_json(version.terms)
            if version.state != VersionState.DRAFT:
                assert version.content_sha256 == terms.content_sha256(), where
                assert problems(terms) == {}, where
            signatures = {s.party: s for s in version.signatures.all()}
            expected = {
                VersionState.DRAFT: set(),
                VersionState.ISSUED: set(),
                VersionState.PROVIDER_SIGNED: {Party.PROVIDER},
                VersionState.SIGNED: {Party.PROVIDER, Party.AUTHORITY},
            }[version.state]
            assert set(signatures) == expected, where
            assert all(s.content_sha256 == version.content_sha256 for s in signatures.values())
            if Party.AUTHORITY in signatures:
                assert signatures[Party.AUTHORITY].user_id == agreement.authority_signatory_id
                assert signatures[Party.PROVIDER].signed_at < signatures[Party.AUTHORITY].signed_at
        signed = [v for v in versions if v.state == VersionState.SIGNED]
        periods = list(FeePeriod.objects.filter(agreement=agreement).order_by("starts"))
        assert [p.version_id for p in periods] == [v.pk for v in signed], where
        for before, after in itertools.pairwise(periods):
            assert before.until is not None and (after.starts - before.until).days == 1, where
        if periods:
            assert periods[-1].until is None and agreement.weekly_fee == periods[-1].weekly_fee
            assert agreement.current_version_id == signed[-1].pk, where
        else:
            assert agreement.current_version_id == versions[0].pk, where
        state = agreement.state
        end = PlacementEnd.objects.filter(agreement=agreement).first()
        assert (end is not None) == (state == AgreementState.ENDED), where
        if state == AgreementState.SIGNED:
            assert agreement.start_date > today and agreement.signed_at, where
        if state == AgreementState.ACTIVE:
            assert agreement.start_date <= today and agreement.activated_at, where
            assert agreement.end_date is None or agreement.end_date >= today, where
        if state == AgreementState.ENDED:
            assert end is not None and end.last_day < today and agreement.ended_at, where
            assert end.notice_given_on <= end.last_day and (end.kind != "breakdown" or end.reason)
        if state == AgreementState.DRAFT:
            assert versions[0].state == VersionState.DRAFT and not versions[0].content_sha256
    # The beat's jobs find each agreement already where the dates put it.
    assert activate_started_agreements() == 0
    assert placements_end_due() == 0
    # Order numbers: unique per authority, the sequence moved past them.
    assert not Order.objects.values("authority", "number").annotate(n=Count("id")).filter(n__gt=1)
    highest: dict[int, int] = defaultdict(int)
    for authority_id, number in Order.objects.values_list("authority_id", "number"):
        highest[authority_id] = max(highest[authority_id], int(number.rsplit("-", 1)[1]))
    for sequence in OrderSequence.objects.all():
        assert sequence.last_number == highest[sequence.authority_id]
    # A real award made afterwards takes the authority's next number.
    award = Award.objects.filter(state=AwardState.COMPLETE, order__isnull=True).first()
    assert award is not None
    order = order_for_award(award=award, actor=None)
    assert int(order.number.rsplit("-", 1)[1]) == highest[award.referral.authority_id] + 1


def test_built_once(made: dict[str, int]) -> None:
    assert large_contracts_exist()
    count = Agreement.objects.count()
    assert build_large_contracts(agreements=SCALE, seed=11) == {"agreements": 0}
    assert Agreement.objects.count() == count


def test_each_row_holds_its_weekly_cost_in_force_today(made: dict[str, int]) -> None:
    """The bulk builder fills the placements list's column as the services keep it: what the fee
    history gives today, for every place, and nothing due for the beat."""
    from contracts.selectors.placements import worked_out_cost
    from contracts.services.weekly_costs import refresh_due_weekly_costs

    today = timezone.localdate()
    rows = Agreement.objects.annotate(history=worked_out_cost(today)).select_related("order")
    for agreement in rows:
        assert agreement.weekly_cost_per_place_now == agreement.history, agreement.reference
        assert agreement.weekly_cost_now == agreement.history * agreement.order.places
    assert refresh_due_weekly_costs(today=today) == 0
