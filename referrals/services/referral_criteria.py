"""A referral's award criteria, their weights and its scoring scale: set while the referral is
a draft or returned, each change audited with the whole set before and after."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record
from fps_portal.errors import InvalidInput
from fps_portal.scoping import dangerously_unscoped
from fps_portal.transitions import lock
from referrals.models import (
    Criterion,
    CriterionCategory,
    CriterionKind,
    PriceScoring,
    Referral,
    ScaleDescriptor,
)
from referrals.services.referrals import WEIGHTS_TOTAL, require_editable, require_placing

# -- criteria and the scale -------------------------------------------------------------------

TITLE_MISSING = "Enter the criterion's title."
MAX_CRITERIA = 20


@dataclass(frozen=True)
class CriterionInput:
    kind: str
    category: str
    title: str
    guidance: str = ""
    weight: int = 0


def _criterion_errors(item: CriterionInput, prefix: str = "") -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if item.kind not in CriterionKind.values:
        errors[f"{prefix}kind"] = ["Choose whether the criterion is pass or fail, or scored."]
    if item.category not in CriterionCategory.values:
        errors[f"{prefix}category"] = ["Choose what the criterion is about."]
    if not item.title.strip():
        errors[f"{prefix}title"] = [TITLE_MISSING]
    elif len(item.title.strip()) > 200:
        errors[f"{prefix}title"] = ["Title must be 200 characters or fewer."]
    if item.kind == CriterionKind.SCORED and not 1 <= item.weight <= 100:
        errors[f"{prefix}weight"] = ["Enter a weight from 1 to 100."]
    if item.kind == CriterionKind.PASS_FAIL and item.weight:
        errors[f"{prefix}weight"] = ["A pass or fail criterion has no weight: leave it at 0."]
    return errors


def _criteria_snapshot(referral: Referral) -> list[dict[str, Any]]:
    return [
        {"kind": c.kind, "category": c.category, "title": c.title, "weight": c.weight}
        for c in dangerously_unscoped(Criterion).filter(referral=referral)
    ]


@transaction.atomic
def criterion_add(*, actor: Actor, referral: Referral, item: CriterionInput) -> Criterion:
    """Adds one criterion to a draft (the weights' total is checked before publishing)."""
    require_placing(actor)
    locked = lock(referral)
    require_editable(locked)
    errors = _criterion_errors(item)
    existing = dangerously_unscoped(Criterion).filter(referral=locked)
    if existing.count() >= MAX_CRITERIA:
        errors["title"] = [f"A referral has at most {MAX_CRITERIA} criteria."]
    if errors:
        raise InvalidInput.on_fields(errors)
    before = _criteria_snapshot(locked)
    last = existing.order_by("-position").values_list("position", flat=True).first()
    criterion = Criterion.objects.create(
        referral=locked,
        kind=item.kind,
        category=item.category,
        title=item.title.strip(),
        guidance=item.guidance.strip(),
        weight=item.weight if item.kind == CriterionKind.SCORED else 0,
        position=(last or 0) + 1,
    )
    audit_record(
        actor=actor,
        verb=AuditVerb.UPDATED,
        obj=locked,
        before={"criteria": before},
        after={"criteria": _criteria_snapshot(locked)},
    )
    return criterion


@transaction.atomic
def criterion_remove(*, actor: Actor, referral: Referral, criterion_id: int) -> None:
    require_placing(actor)
    locked = lock(referral)
    require_editable(locked)
    before = _criteria_snapshot(locked)
    deleted, _ = dangerously_unscoped(Criterion).filter(referral=locked, pk=criterion_id).delete()
    if not deleted:
        raise InvalidInput.on_fields({"criterion": ["That criterion is not on this referral."]})
    audit_record(
        actor=actor,
        verb=AuditVerb.UPDATED,
        obj=locked,
        before={"criteria": before},
        after={"criteria": _criteria_snapshot(locked)},
    )


@transaction.atomic
def criteria_weights_set(
    *, actor: Actor, referral: Referral, weights: Mapping[int, int]
) -> Referral:
    """Sets every scored criterion's weight at once; they must total 100."""
    require_placing(actor)
    locked = lock(referral)
    require_editable(locked)
    scored = list(
        dangerously_unscoped(Criterion).filter(referral=locked, kind=CriterionKind.SCORED)
    )
    errors: dict[str, list[str]] = {}
    for criterion in scored:
        weight = weights.get(criterion.pk)
        if weight is None or not 1 <= weight <= 100:
            errors[f"weight_{criterion.pk}"] = [f"Enter a weight from 1 to 100 for {criterion}."]
    if not errors:
        total = sum(weights[c.pk] for c in scored)
        if total != 100:
            errors["weights"] = [WEIGHTS_TOTAL.format(total=total)]
    if errors:
        raise InvalidInput.on_fields(errors)
    before = _criteria_snapshot(locked)
    for criterion in scored:
        criterion.weight = weights[criterion.pk]
        criterion.save(update_fields=["weight"])
    audit_record(
        actor=actor,
        verb=AuditVerb.UPDATED,
        obj=locked,
        before={"criteria": before},
        after={"criteria": _criteria_snapshot(locked)},
    )
    return locked


@transaction.atomic
def criteria_replace(
    *, actor: Actor, referral: Referral, criteria: Sequence[CriterionInput]
) -> Referral:
    """Replaces every criterion at once (the API): at least one, scored weights totalling 100."""
    require_placing(actor)
    locked = lock(referral)
    require_editable(locked)
    errors: dict[str, list[str]] = {}
    if not criteria:
        errors["criteria"] = ["Give at least one criterion."]
    if len(criteria) > MAX_CRITERIA:
        errors["criteria"] = [f"A referral has at most {MAX_CRITERIA} criteria."]
    for index, item in enumerate(criteria):
        errors.update(_criterion_errors(item, prefix=f"criteria.{index}."))
    if not errors:
        total = sum(item.weight for item in criteria if item.kind == CriterionKind.SCORED)
        if any(item.kind == CriterionKind.SCORED for item in criteria) and total != 100:
            errors["criteria"] = [WEIGHTS_TOTAL.format(total=total)]
    if errors:
        raise InvalidInput.on_fields(errors)
    before = _criteria_snapshot(locked)
    dangerously_unscoped(Criterion).filter(referral=locked).delete()
    Criterion.objects.bulk_create(
        Criterion(
            referral=locked,
            kind=item.kind,
            category=item.category,
            title=item.title.strip(),
            guidance=item.guidance.strip(),
            weight=item.weight if item.kind == CriterionKind.SCORED else 0,
            position=position,
        )
        for position, item in enumerate(criteria, start=1)
    )
    audit_record(
        actor=actor,
        verb=AuditVerb.UPDATED,
        obj=locked,
        before={"criteria": before},
        after={"criteria": _criteria_snapshot(locked)},
    )
    return locked


@transaction.atomic
def scale_set(
    *,
    actor: Actor,
    referral: Referral,
    scale_max: int,
    price_scoring: str,
    descriptors: Mapping[int, str],
) -> Referral:
    """The scoring scale (0 to `scale_max`), what each score means, and how price is scored.
    Every score needs its descriptor, so evaluators and providers read the same scale."""
    require_placing(actor)
    locked = lock(referral)
    require_editable(locked)
    errors: dict[str, list[str]] = {}
    if not 1 <= scale_max <= 10:
        errors["scale_max"] = ["Enter the top of the scale, from 1 to 10."]
    if price_scoring not in PriceScoring.values:
        errors["price_scoring"] = ["Choose how price is scored."]
    if not errors:
        for score in range(scale_max + 1):
            text = (descriptors.get(score) or "").strip()
            if not text:
                errors[f"descriptor_{score}"] = [f"Enter what a score of {score} means."]
            elif len(text) > 300:
                errors[f"descriptor_{score}"] = [
                    f"What a score of {score} means must be 300 characters or fewer."
                ]
    if errors:
        raise InvalidInput.on_fields(errors)
    before = {
        "scale_max": locked.scale_max,
        "price_scoring": locked.price_scoring,
        "descriptors": dict(
            dangerously_unscoped(ScaleDescriptor)
            .filter(referral=locked)
            .values_list("score", "descriptor")
        ),
    }
    locked.scale_max = scale_max
    locked.price_scoring = price_scoring
    locked.updated_at = timezone.now()
    locked.save(update_fields=["scale_max", "price_scoring", "updated_at"])
    dangerously_unscoped(ScaleDescriptor).filter(referral=locked).delete()
    ScaleDescriptor.objects.bulk_create(
        ScaleDescriptor(referral=locked, score=score, descriptor=descriptors[score].strip())
        for score in range(scale_max + 1)
    )
    audit_record(
        actor=actor,
        verb=AuditVerb.UPDATED,
        obj=locked,
        before=before,
        after={
            "scale_max": scale_max,
            "price_scoring": price_scoring,
            "descriptors": {s: descriptors[s].strip() for s in range(scale_max + 1)},
        },
    )
    return locked
