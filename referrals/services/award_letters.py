"""The outcome letters, sent once to every invitee that did not win when an award completes: its
own scores per criterion, the winning scores and the reasons, never the child's identity."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from fps_portal.accounts.recipients import provider_users
from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record
from fps_portal.errors import WrongState
from fps_portal.notifications.services import notify
from fps_portal.scoping import dangerously_unscoped
from referrals.models import (
    Invitation,
    Outcome,
    Referral,
    ReferralState,
)
from referrals.selectors.awards import live_award
from referrals.selectors.ranking import RankedResponse, Ranking, evaluation_ranking


def _scores_of(
    item: RankedResponse | None, scale_max: int, *, notes: bool = True
) -> list[dict[str, object]]:
    """Each criterion's mark; `notes` off for the winning response (its evaluators' notes are
    about another provider's bid)."""
    if item is None:
        return []
    rows: list[dict[str, object]] = []
    for result in item.results:
        rows.append(
            {
                "criterion": result.criterion.title,
                "kind": result.criterion.kind,
                "weight": result.criterion.weight,
                "passed": result.passed,
                "score": str(result.score) if result.score is not None else None,
                "out_of": scale_max,
                "weighted": str(result.weighted) if result.weighted is not None else None,
                "note": result.note if notes else "",
            }
        )
    return rows


def _feedback(
    *, invitation: Invitation, ranking: Ranking, winner: RankedResponse | None, reasons: str
) -> dict[str, object]:
    scale = ranking.referral.scale_max
    own = [r for r in ranking.ranked if r.response.invitation_id == invitation.pk]
    return {
        "reference": ranking.referral.reference,
        "reasons": reasons,
        "responses": [
            {
                "setting": item.response.setting.name,
                "total": str(item.total),
                "excluded": item.excluded,
                "scores": _scores_of(item, scale),
            }
            for item in own
        ],
        "winning_total": str(winner.total) if winner is not None else None,
        "winning_scores": _scores_of(winner, scale, notes=False),
    }


def outcome_letters_send(*, referral: Referral, actor: Actor) -> int:
    """Sends each unsuccessful invitee's outcome letter (in-app and e-mail), once: an invitation
    whose letter went (`outcome_notified_at`) is skipped, and `notify` is idempotent by its key,
    so a second call, a retried job or a racing worker sends nothing again. Returns how many went.
    Runs inside the caller's transaction, the referral locked."""
    if referral.state not in (ReferralState.AWARDED, ReferralState.NO_SUITABLE_PROVIDER):
        raise WrongState("Outcome letters go once the referral is awarded or has no provider.")
    pending = list(
        dangerously_unscoped(Invitation)
        .select_for_update()
        .filter(
            referral_id=referral.pk,
            outcome=Outcome.UNSUCCESSFUL,
            outcome_notified_at__isnull=True,
        )
        .order_by("pk")
    )
    if not pending:
        return 0
    ranking = evaluation_ranking(referral=referral, actor=actor)
    award = live_award(referral)
    if referral.state == ReferralState.AWARDED and award is not None:
        winner = ranking.find(award.response_id) if award.response_id else None
        reasons = award.reasons
    else:
        winner, reasons = None, referral.no_suitable_provider_reason
    now = timezone.now()
    for invitation in pending:
        feedback = _feedback(invitation=invitation, ranking=ranking, winner=winner, reasons=reasons)
        notify(
            recipients=provider_users(invitation.provider_id),
            event_key=f"referral-outcome:{invitation.pk}",
            template="notifications/referrals_outcome",
            context={"feedback": feedback, "awarded": referral.state == ReferralState.AWARDED},
            url=reverse("referrals:invitation-outcome", args=[invitation.pk]),
        )
        invitation.outcome_notified_at = now
        invitation.outcome_feedback = feedback
        invitation.save(update_fields=["outcome_notified_at", "outcome_feedback"])
        audit_record(
            actor=actor,
            verb=AuditVerb.UPDATED,
            obj=invitation,
            after={"outcome": invitation.outcome, "outcome_notified_at": now},
            reason="Outcome letter sent.",
        )
    return len(pending)
