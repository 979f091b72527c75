"""Marks and the ranking: pass/fail with a reason, a score with a note on the scale, price by
formula, weighted totals, exclusions, the median and the parents' preference."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fps_portal.accounts.models import Role
from fps_portal.audit.models import AuditEvent
from fps_portal.errors import InvalidInput, NotAllowed, WrongState
from referrals.models import CriterionMark, PriceScoring, Referral, ReferralState
from referrals.selectors.ranking import evaluation_ranking, price_score
from referrals.services.evaluation import (
    FORMULA_PRICED,
    NOTE_MISSING,
    REASON_MISSING,
    mark_record,
    score_out_of_range,
)
from tests.factories import authority, person
from tests.referrals.awards.world import as_actor, closed_competition, mark_all

pytestmark = pytest.mark.django_db


def test_price_formula_gives_the_lowest_price_the_maximum() -> None:
    assert price_score(weekly_price=Decimal("3000"), lowest=Decimal("3000"), scale_max=5) == 5
    assert price_score(
        weekly_price=Decimal("3250"), lowest=Decimal("3000"), scale_max=5
    ) == Decimal("4.62")


def test_ranking_weighs_scores_computes_price_and_shows_prices_and_preference() -> None:
    world = closed_competition()
    mark_all(world, a_score=4, b_score=3)
    ranking = evaluation_ranking(referral=world.referral, actor=world.actor)
    first, second = ranking.ranked
    # A: best match 4/5 × 60 = 48; price 3000/3250 × 5 = 4.62, × 40/5 = 36.96.
    assert first.response == world.response_a and first.total == Decimal("84.96")
    # B: 3/5 × 60 = 36; the lowest price scores 5, so 40.
    assert second.response == world.response_b and second.total == Decimal("76.00")
    assert (first.rank, second.rank) == (1, 2)
    price_result = second.result_by_criterion[world.price.pk]
    assert price_result.computed and price_result.score == 5
    assert second.indicative_price == Decimal("3100.00")
    assert second.price_against_indicative == Decimal("-100.00")
    # The approved prices on the lot: 3,250 and 3,100.
    assert ranking.regional_median == Decimal("3175.00")
    assert second.preferred and not first.preferred
    assert ranking.preferences == [f"{world.setting_b.name} (mother)"]
    assert first.complete and second.complete


def test_a_response_failing_a_pass_fail_is_not_ranked_nor_sets_the_lowest_price() -> None:
    world = closed_competition()
    mark_all(world, b_passes=False)
    ranking = evaluation_ranking(referral=world.referral, actor=world.actor)
    first, last = ranking.ranked
    assert last.response == world.response_b and last.excluded and last.rank is None
    # Only A's price counts now, so it scores the maximum: 48 + 40.
    assert first.total == Decimal("88.00") and first.rank == 1


def test_price_scored_by_evaluators_is_marked_by_hand() -> None:
    world = closed_competition()
    Referral.objects.filter(pk=world.referral.pk).update(price_scoring=PriceScoring.EVALUATORS)
    world.referral.refresh_from_db()
    mark = mark_record(
        actor=world.actor, response=world.response_a, criterion=world.price, score=2, note="Dear."
    )
    assert mark.score == 2


@pytest.mark.parametrize(
    ("criterion", "values", "field", "message"),
    [
        ("best_match", {"score": 6, "note": "Too high."}, "score", score_out_of_range(5)),
        ("best_match", {"score": 3, "note": "  "}, "note", NOTE_MISSING),
        ("safeguarding", {"passed": False, "note": ""}, "note", REASON_MISSING),
        ("price", {"score": 3, "note": "By hand."}, "score", FORMULA_PRICED),
    ],
)
def test_bad_marks_say_why_at_the_field_and_write_nothing(
    criterion: str, values: dict, field: str, message: str
) -> None:
    world = closed_competition()
    audits = AuditEvent.objects.count()
    with pytest.raises(InvalidInput) as caught:
        mark_record(
            actor=world.actor,
            response=world.response_a,
            criterion=getattr(world, criterion),
            **values,
        )
    assert caught.value.fields[field] == [message]
    assert not CriterionMark.objects.exists()
    assert AuditEvent.objects.count() == audits


def test_changing_a_mark_is_audited_with_before_and_after() -> None:
    world = closed_competition()
    for score in (2, 4):
        mark_record(
            actor=world.actor,
            response=world.response_a,
            criterion=world.best_match,
            score=score,
            note="Seen.",
        )
    assert CriterionMark.objects.get().score == 4
    event = AuditEvent.objects.filter(object_type="referrals.criterionmark").latest("pk")
    assert (event.before["score"], event.after["score"]) == (2, 4)


def test_marks_wait_for_the_close_and_belong_to_the_placing_authority() -> None:
    world = closed_competition(state=ReferralState.OPEN)
    with pytest.raises(WrongState):
        mark_record(
            actor=world.actor,
            response=world.response_a,
            criterion=world.best_match,
            score=3,
            note="Early.",
        )
    Referral.objects.filter(pk=world.referral.pk).update(state=ReferralState.CLOSED)
    for outsider in (
        person(Role.COMMISSIONER, authority("Blackpool")),
        person(Role.QA_OFFICER, world.authority),
        world.provider_a_user,
    ):
        with pytest.raises(NotAllowed):
            mark_record(
                actor=as_actor(outsider),
                response=world.response_a,
                criterion=world.best_match,
                score=3,
                note="Not mine.",
            )
    assert not CriterionMark.objects.exists()


def test_before_the_close_the_authority_opens_no_response() -> None:
    world = closed_competition(state=ReferralState.OPEN)
    assert evaluation_ranking(referral=world.referral, actor=world.actor).ranked == []
