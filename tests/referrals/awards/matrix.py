"""The awards part of the authorisation matrix's world (tests/portal/matrix_world.py): for each
side, the objects the evaluation and award routes take an id of.

"X" is authority A's (A places children: its commissioner and senior manager) or provider X's;
"Y" is authority B's or provider Y's. Built as rows, in the matrix world's transaction:
- award_referral: a closed referral (A's with provider X's response, B's with provider Y's),
  every criterion marked, so an award through the API completes;
- award_response: that response;
- pending_award: another closed referral's award awaiting its approver (A's senior manager; a
  senior manager of B's);
- placement: A's complete award to provider X (X) and to provider Y (Y);
- placement_document: a document of the child of each placement;
- outcome_invitation: the provider's unsuccessful invitation on the other's placement, told.
"""

from __future__ import annotations

import hashlib
import uuid
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from fps_portal.accounts.models import Organisation, Role, User
from providers.models import Setting
from referrals.models import (
    Award,
    AwardState,
    ChildDocument,
    Criterion,
    CriterionMark,
    Invitation,
    Outcome,
    Referral,
    ReferralState,
    Response,
)
from tests.factories import person
from tests.referrals.factories import (
    ChildFactory,
    CriterionFactory,
    InvitationFactory,
    ReferralFactory,
    SubmittedResponseFactory,
)

KINDS = (
    "award_referral",
    "award_response",
    "pending_award",
    "placement",
    "placement_document",
    "outcome_invitation",
)


def _referral(authority: Organisation, lot: Any, user: User, **fields: Any) -> Referral:
    return ReferralFactory(
        child=ChildFactory(authority=authority),
        lot=lot,
        state=fields.pop("state", ReferralState.CLOSED),
        published_at=timezone.now(),
        closed_at=timezone.now(),
        created_by=user,
        **fields,
    )


def _document(referral: Referral) -> ChildDocument:
    body = b"%PDF-1.4\n% " + uuid.uuid4().hex.encode()
    document = ChildDocument(
        child=referral.child,
        kind="ehc_plan",
        title="EHC plan",
        original_filename="plan.pdf",
        content_type="application/pdf",
        size=len(body),
        sha256=hashlib.sha256(body).hexdigest(),
    )
    document.file.save("plan.bin", ContentFile(body), save=False)
    document.save()
    return document


def build_awards_world(
    *,
    lot: Any,
    authority_a: Organisation,
    authority_b: Organisation,
    commissioner_a: User,
    commissioner_b: User,
    senior_manager_a: User,
    provider_x: Organisation,
    provider_y: Organisation,
    setting_x: Setting,
    setting_y: Setting,
) -> tuple[dict[str, int], dict[str, int]]:
    """The ids of each kind for side X and side Y."""
    senior_manager_b = person(Role.SENIOR_MANAGER, authority_b)
    sides: list[dict[str, int]] = [{}, {}]
    for side, authority, user, provider, setting, approver in (
        (sides[0], authority_a, commissioner_a, provider_x, setting_x, senior_manager_a),
        (sides[1], authority_b, commissioner_b, provider_y, setting_y, senior_manager_b),
    ):
        referral = _referral(authority, lot, user)
        criterion: Criterion = CriterionFactory(referral=referral)  # type: ignore[assignment]
        invitation = InvitationFactory(referral=referral, provider=provider, state="responded")
        response: Response = SubmittedResponseFactory(  # type: ignore[assignment]
            invitation=invitation, setting=setting
        )
        CriterionMark.objects.create(
            response=response, criterion=criterion, score=4, note="Matrix.", recorded_by=user
        )
        side["award_referral"] = referral.pk
        side["award_response"] = response.pk
        side["criterion"] = criterion.pk

        waiting = _referral(authority, lot, user)
        waiting_response: Response = SubmittedResponseFactory(  # type: ignore[assignment]
            invitation=InvitationFactory(referral=waiting, provider=provider, state="responded"),
            setting=setting,
        )
        side["pending_award"] = Award.objects.create(
            referral=waiting,
            response=waiting_response,
            provider=provider,
            setting=setting,
            state=AwardState.AWAITING_APPROVAL,
            reasons="Matrix: the best value.",
            agreed_weekly_price=Decimal("3250.00"),
            start_date=waiting.start_date,
            approver=approver,
            proposed_by=user,
        ).pk
    # A placed two children: one with X (Y was invited and told), one with Y (X was told).
    for side, winner, loser, setting in (
        (sides[0], provider_x, provider_y, setting_x),
        (sides[1], provider_y, provider_x, setting_y),
    ):
        placed = _referral(
            authority_a, lot, commissioner_a, state=ReferralState.AWARDED, awarded_at=timezone.now()
        )
        InvitationFactory(referral=placed, provider=winner, outcome=Outcome.AWARDED)
        lost = InvitationFactory(
            referral=placed,
            provider=loser,
            outcome=Outcome.UNSUCCESSFUL,
            outcome_notified_at=timezone.now(),
            outcome_feedback={"reference": placed.reference, "reasons": "Matrix."},
        )
        side["placement"] = Award.objects.create(
            referral=placed,
            provider=winner,
            setting=setting,
            state=AwardState.COMPLETE,
            reasons="Matrix: the best value.",
            agreed_weekly_price=Decimal("3250.00"),
            start_date=placed.start_date,
            completed_at=timezone.now(),
        ).pk
        side["placement_document"] = _document(placed).pk
        # The loser's outcome page is the loser's own: it belongs to the other side.
        sides[1 if side is sides[0] else 0]["outcome_invitation"] = lost.pk
    assert Invitation.objects.filter(pk=sides[0]["outcome_invitation"], provider=provider_x)
    return sides[0], sides[1]


def build_api_awards(
    *, commissioner: User, senior: User, provider: Organisation, setting: Setting, lot: Any
) -> dict[str, int]:
    """For the API gates (tests/api/world.py): the commissioner's authority's closed referral
    with the provider's marked response, an award awaiting the senior manager's approval, and a
    complete award to the provider (its placement)."""
    authority = commissioner.memberships.get().organisation
    referral = _referral(authority, lot, commissioner)
    criterion: Criterion = CriterionFactory(referral=referral)  # type: ignore[assignment]
    response: Response = SubmittedResponseFactory(  # type: ignore[assignment]
        invitation=InvitationFactory(referral=referral, provider=provider, state="responded"),
        setting=setting,
    )
    CriterionMark.objects.create(response=response, criterion=criterion, score=4, note="Good.")
    waiting = _referral(authority, lot, commissioner)
    pending = Award.objects.create(
        referral=waiting,
        provider=provider,
        setting=setting,
        state=AwardState.AWAITING_APPROVAL,
        reasons="The best value.",
        agreed_weekly_price=Decimal("3250.00"),
        start_date=waiting.start_date,
        approver=senior,
        proposed_by=commissioner,
    )
    placed = _referral(
        authority, lot, commissioner, state=ReferralState.AWARDED, awarded_at=timezone.now()
    )
    placement = Award.objects.create(
        referral=placed,
        provider=provider,
        setting=setting,
        state=AwardState.COMPLETE,
        reasons="The best value.",
        agreed_weekly_price=Decimal("3250.00"),
        start_date=placed.start_date,
        completed_at=timezone.now(),
    )
    _document(placed)
    return {
        "award_referral": referral.pk,
        "award_response": response.pk,
        "criterion": criterion.pk,
        "pending_award": pending.pk,
        "placement": placement.pk,
    }
