"""The placing authority's marks on a closed referral's responses (A61-A66).

An evaluator records, for each response and criterion, pass or fail with a reason, or a score on
the referral's scale with a note. A price criterion scored by formula is computed by the ranking
(`referrals.selectors.ranking`), never marked. Marks are taken while the referral is closed for
evaluation, and only on submitted responses the authority may open; each mark is audited, a
changed mark with its before and after.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record, snapshot
from fps_portal.errors import InvalidInput, NotAllowed, WrongState
from fps_portal.scoping import dangerously_unscoped
from fps_portal.transitions import lock
from referrals.models import (
    Criterion,
    CriterionKind,
    CriterionMark,
    Referral,
    ReferralState,
    Response,
    ResponseState,
)
from referrals.scope_rules import places_children
from referrals.selectors.ranking import is_formula_priced

MARK_FIELDS = ["passed", "score", "note", "recorded_at", "recorded_by"]
PASS_FAIL_MISSING = "Select whether the response passes this criterion."
REASON_MISSING = "Enter the reason for this pass or fail."
SCORE_MISSING = "Enter a score."
NOTE_MISSING = "Enter a note explaining the score."
FORMULA_PRICED = "Price is scored by the referral's formula, so it is not marked by hand."
NOT_CLOSED = (
    "Responses are marked while the referral is closed for evaluation. This referral is {state}."
)


def score_out_of_range(scale_max: int) -> str:
    return f"The score must be a whole number from 0 to {scale_max}."


def can_evaluate(actor: Actor, referral: Referral) -> bool:
    return places_children(actor) and referral.authority_id == actor.organisation_id


def _closed_referral(actor: Actor, referral: Referral) -> Referral:
    """The referral locked, closed for evaluation, and the actor's authority's: the one lock
    marks and awards both take first, so a mark cannot land on an award being made."""
    if not can_evaluate(actor, referral):
        raise NotAllowed("Only the placing authority's commissioners and senior managers mark.")
    locked = lock(referral)
    if locked.state != ReferralState.CLOSED:
        raise WrongState(NOT_CLOSED.format(state=locked.get_state_display().lower()))
    return locked


@transaction.atomic
def mark_record(
    *,
    actor: Actor,
    response: Response,
    criterion: Criterion,
    passed: bool | None = None,
    score: int | None = None,
    note: str = "",
) -> CriterionMark:
    """Records (or changes) the mark of one response on one criterion.

    Raises NotAllowed for anyone but the placing authority's commissioners and senior managers,
    WrongState unless the referral is closed for evaluation, InvalidInput for a criterion of
    another referral, a formula-priced criterion, a missing pass/fail or reason, or a score off
    the scale or without its note.
    """
    referral = dangerously_unscoped(Referral).get(pk=response.invitation.referral_id)
    referral = _closed_referral(actor, referral)
    if response.state != ResponseState.SUBMITTED:
        raise WrongState("Only a submitted response is marked.")
    if criterion.referral_id != referral.pk:
        raise InvalidInput.on_fields({"criterion": "Select one of this referral's criteria."})
    note = note.strip()
    errors: dict[str, str] = {}
    if criterion.kind == CriterionKind.PASS_FAIL:
        score = None
        if passed is None:
            errors["passed"] = PASS_FAIL_MISSING
        if not note:
            errors["note"] = REASON_MISSING
    else:
        passed = None
        if is_formula_priced(referral, criterion):
            raise InvalidInput.on_fields({"score": FORMULA_PRICED})
        if score is None:
            errors["score"] = SCORE_MISSING
        elif not 0 <= score <= referral.scale_max:
            errors["score"] = score_out_of_range(referral.scale_max)
        if not note:
            errors["note"] = NOTE_MISSING
    if errors:
        raise InvalidInput.on_fields(errors)
    existing = (
        dangerously_unscoped(CriterionMark)
        .select_for_update()
        .filter(response_id=response.pk, criterion_id=criterion.pk)
        .first()
    )
    values = {
        "passed": passed,
        "score": score,
        "note": note,
        "recorded_at": timezone.now(),
        "recorded_by": actor.user if actor.user.pk else None,
    }
    if existing is None:
        mark = CriterionMark.objects.create(response=response, criterion=criterion, **values)
        audit_record(
            actor=actor, verb=AuditVerb.CREATED, obj=mark, after=snapshot(mark, MARK_FIELDS)
        )
        return mark
    before = snapshot(existing, MARK_FIELDS)
    for name, value in values.items():
        setattr(existing, name, value)
    existing.save(update_fields=MARK_FIELDS)
    audit_record(
        actor=actor,
        verb=AuditVerb.UPDATED,
        obj=existing,
        before=before,
        after=snapshot(existing, MARK_FIELDS),
    )
    return existing
