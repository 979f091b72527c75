"""The evaluation ranking of a closed referral's responses (A61-A66, A69-A73).

Each submitted response with its marks per criterion, its price score computed by formula when
the referral says so, its weighted total (out of 100), and beside it the setting's indicative
price for the lot and the regional median approved weekly price for the lot. A response that
failed any pass/fail criterion is excluded from the ranking (shown, never ranked). The parents'
preferred setting is shown beside the ranking; the system never overrides it.

Queries, whatever the number of responses: the criteria, the responses (with setting and
provider), their marks, the median (a count and one slice) and the parents' preferences.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from fps_portal.actors import Actor
from fps_portal.scoping import scoped
from providers.models import SettingLot
from referrals.models import (
    Criterion,
    CriterionCategory,
    CriterionKind,
    CriterionMark,
    ParentCarer,
    PriceScoring,
    Referral,
    Response,
    ResponseState,
)

CENT = Decimal("0.01")


def price_score(*, weekly_price: Decimal, lowest: Decimal, scale_max: int) -> Decimal:
    """The formula of `PriceScoring.FORMULA`: lowest weekly price ÷ this price × the scale's
    maximum, to two places (the lowest price scores the maximum)."""
    if weekly_price <= 0:
        return Decimal(scale_max).quantize(CENT)
    return (lowest / weekly_price * scale_max).quantize(CENT, rounding=ROUND_HALF_UP)


def is_formula_priced(referral: Referral, criterion: Criterion) -> bool:
    """A scored price criterion of a referral whose price is scored by formula: computed, never
    marked by the evaluators."""
    return (
        referral.price_scoring == PriceScoring.FORMULA
        and criterion.kind == CriterionKind.SCORED
        and criterion.category == CriterionCategory.PRICE
    )


@dataclass(frozen=True)
class CriterionResult:
    criterion: Criterion
    mark: CriterionMark | None
    #: Points on the referral's scale (computed for a formula-priced criterion).
    score: Decimal | None = None
    passed: bool | None = None
    computed: bool = False
    #: score ÷ scale maximum × weight: this criterion's share of the total out of 100.
    weighted: Decimal | None = None

    @property
    def marked(self) -> bool:
        return self.computed or self.mark is not None

    @property
    def note(self) -> str:
        return self.mark.note if self.mark is not None else ""


@dataclass
class RankedResponse:
    response: Response
    results: list[CriterionResult]
    total: Decimal
    excluded: bool
    complete: bool
    indicative_price: Decimal | None
    preferred: bool
    rank: int | None = None

    @property
    def result_by_criterion(self) -> dict[int, CriterionResult]:
        return {r.criterion.pk: r for r in self.results}

    @property
    def price_against_indicative(self) -> Decimal | None:
        price, indicative = self.response.weekly_price, self.indicative_price
        return None if price is None or indicative is None else price - indicative


@dataclass
class Ranking:
    referral: Referral
    criteria: list[Criterion]
    ranked: list[RankedResponse]
    #: The median approved weekly price of every setting on the referral's lot in the region.
    regional_median: Decimal | None
    #: The parents' or carers' preferred settings, by name, as the record states them.
    preferences: list[str] = field(default_factory=list)
    preferred_setting_ids: frozenset[int] = frozenset()

    def find(self, response_id: int) -> RankedResponse | None:
        return next((r for r in self.ranked if r.response.pk == response_id), None)

    @property
    def winner_candidates(self) -> list[RankedResponse]:
        return [r for r in self.ranked if not r.excluded]


def regional_median_price(*, referral: Referral, actor: Actor) -> Decimal | None:
    """The median of the approved weekly prices on the referral's lot (two queries: a count and
    the middle one or two rows, never every price)."""
    prices = scoped(SettingLot, actor).filter(lot_id=referral.lot_id, approved_at__isnull=False)
    count = prices.count()
    if count == 0:
        return None
    middle = list(
        prices.order_by("weekly_price").values_list("weekly_price", flat=True)[
            (count - 1) // 2 : count // 2 + 1
        ]
    )
    return (sum(middle, Decimal(0)) / len(middle)).quantize(CENT, rounding=ROUND_HALF_UP)


def parental_preferences(*, referral: Referral, actor: Actor) -> tuple[list[str], frozenset[int]]:
    """The preferred settings the child's parents or carers stated (names and FPS setting ids)."""
    if referral.child_id is None:
        return [], frozenset()
    names: list[str] = []
    ids: set[int] = set()
    carers = scoped(ParentCarer, actor).filter(child_id=referral.child_id)
    for carer in carers.select_related("preferred_setting"):
        if carer.preferred_setting is not None:
            ids.add(carer.preferred_setting_id)  # type: ignore[arg-type]
            label = f"{carer.preferred_setting.name} ({carer.relationship})"
        elif carer.preferred_setting_other:
            label = f"{carer.preferred_setting_other}, not on the FPS ({carer.relationship})"
        else:
            continue
        names.append(label)
    return names, frozenset(ids)


def submitted_responses(*, referral: Referral, actor: Actor) -> list[Response]:
    return list(
        scoped(Response, actor)
        .filter(invitation__referral_id=referral.pk, state=ResponseState.SUBMITTED)
        .select_related("setting", "invitation__provider")
        .order_by("submitted_at", "pk")
    )


def evaluation_ranking(*, referral: Referral, actor: Actor) -> Ranking:
    """The ranking the actor may see (an authority opens responses only once the referral has
    closed, so before that the ranking is empty)."""
    criteria = list(scoped(Criterion, actor).filter(referral_id=referral.pk))
    responses = submitted_responses(referral=referral, actor=actor)
    marks: dict[tuple[int, int], CriterionMark] = {
        (m.response_id, m.criterion_id): m
        for m in scoped(CriterionMark, actor).filter(response__in=[r.pk for r in responses])
    }
    preferences, preferred_ids = parental_preferences(referral=referral, actor=actor)

    def fails(response: Response) -> bool:
        return any(
            c.kind == CriterionKind.PASS_FAIL
            and (m := marks.get((response.pk, c.pk))) is not None
            and m.passed is False
            for c in criteria
        )

    eligible_prices = [
        r.weekly_price for r in responses if r.weekly_price is not None and not fails(r)
    ]
    lowest = min(eligible_prices) if eligible_prices else None
    scale = referral.scale_max
    ranked: list[RankedResponse] = []
    for response in responses:
        results: list[CriterionResult] = []
        total = Decimal(0)
        for criterion in criteria:
            mark = marks.get((response.pk, criterion.pk))
            if criterion.kind == CriterionKind.PASS_FAIL:
                results.append(
                    CriterionResult(criterion, mark, passed=mark.passed if mark else None)
                )
                continue
            computed = is_formula_priced(referral, criterion)
            if computed:
                score = (
                    price_score(weekly_price=response.weekly_price, lowest=lowest, scale_max=scale)
                    if response.weekly_price is not None and lowest is not None
                    else Decimal(0)
                )
            elif mark is not None and mark.score is not None:
                score = Decimal(mark.score)
            else:
                results.append(CriterionResult(criterion, mark))
                continue
            weighted = (score / scale * criterion.weight).quantize(CENT, rounding=ROUND_HALF_UP)
            total += weighted
            results.append(
                CriterionResult(criterion, mark, score=score, computed=computed, weighted=weighted)
            )
        ranked.append(
            RankedResponse(
                response=response,
                results=results,
                total=total,
                excluded=fails(response),
                complete=all(r.marked for r in results),
                indicative_price=response.indicative_price,
                preferred=response.setting_id in preferred_ids,
            )
        )
    ranked.sort(
        key=lambda r: (
            r.excluded,
            -r.total,
            r.response.weekly_price if r.response.weekly_price is not None else Decimal("1e12"),
            r.response.pk,
        )
    )
    for position, item in enumerate((r for r in ranked if not r.excluded), start=1):
        item.rank = position
    return Ranking(
        referral=referral,
        criteria=criteria,
        ranked=ranked,
        regional_median=regional_median_price(referral=referral, actor=actor),
        preferences=preferences,
        preferred_setting_ids=preferred_ids,
    )
