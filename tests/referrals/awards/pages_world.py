"""The awards part of the accessibility gate's world (tests/browser/pages.py): rows beside the
demo's data, for its personas (Sefton's commissioner and senior manager, the North Shore
provider), so each evaluation and award page shows its fullest state."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.utils import timezone

from fps_portal.accounts.models import Organisation, User
from providers.models import Lot, Setting, SettingLot
from referrals.models import (
    Award,
    AwardState,
    Criterion,
    CriterionKind,
    CriterionMark,
    Outcome,
    ParentCarer,
    Referral,
    ReferralState,
    Response,
    RiskApproval,
)
from tests.providers.factories import SettingLotFactory
from tests.referrals.factories import (
    ChildFactory,
    CriterionFactory,
    InvitationFactory,
    ReferralFactory,
    SubmittedResponseFactory,
)


def _referral(
    authority: Organisation, lot: Lot, user: User, state: str, **fields: object
) -> Referral:
    # A reference of its own: the world's other referrals take the authority's numbers
    # (SEF-2026-0001, ...), which the factory's sequence would repeat.
    fields.setdefault("reference", f"PAGES-{uuid.uuid4().hex[:8]}")
    return ReferralFactory(
        child=ChildFactory(authority=authority),
        lot=lot,
        purchasing_system=lot.purchasing_system,
        state=state,
        published_at=timezone.now(),
        closed_at=timezone.now(),
        created_by=user,
        **fields,
    )


def build_award_pages(
    *, commissioner: User, senior: User, provider_setting: Setting
) -> dict[str, int]:
    """Ids by name: the closed referral and a response to it, a referral with no suitable
    provider, an award awaiting its approver (the senior manager), one at the risk sign-offs,
    a placement with the provider, and the provider's outcome of a referral it did not win."""
    authority = commissioner.memberships.get().organisation
    offer = SettingLot.objects.filter(setting=provider_setting).select_related("lot").first()
    lot = offer.lot if offer else SettingLotFactory(setting=provider_setting).lot
    rival: Setting = SettingLotFactory(lot=lot, weekly_price=Decimal("3100.00")).setting
    provider = provider_setting.provider

    closed = _referral(authority, lot, commissioner, ReferralState.CLOSED)
    assert closed.child is not None
    scored: Criterion = CriterionFactory(  # type: ignore[assignment]
        referral=closed, title="Best match to the needs", weight=60
    )
    CriterionFactory(referral=closed, category="price", title="Price", weight=40, position=2)
    CriterionFactory(
        referral=closed,
        kind=CriterionKind.PASS_FAIL,
        category="own",
        title="Safeguarding",
        weight=0,
    )
    ours = SubmittedResponseFactory(
        invitation=InvitationFactory(referral=closed, provider=provider, state="responded"),
        setting=provider_setting,
    )
    theirs: Response = SubmittedResponseFactory(  # type: ignore[assignment]
        invitation=InvitationFactory(referral=closed, provider=rival.provider, state="responded"),
        setting=rival,
        weekly_price=Decimal("3000.00"),
        indicative_price=Decimal("3100.00"),
        price_difference_reason="A place in an existing group.",
    )
    CriterionMark.objects.create(response=theirs, criterion=scored, score=3, note="Good fit.")
    ParentCarer.objects.create(
        child=closed.child, name="Pat Parent", relationship="mother", preferred_setting=rival
    )

    no_suitable = _referral(
        authority,
        lot,
        commissioner,
        ReferralState.NO_SUITABLE_PROVIDER,
        no_suitable_provider_at=timezone.now(),
        no_suitable_provider_reason="No setting offers a sensory room.",
    )

    def award(state: str, **fields: object) -> Award:
        referral = _referral(authority, lot, commissioner, ReferralState.CLOSED)
        response: Response = SubmittedResponseFactory(  # type: ignore[assignment]
            invitation=InvitationFactory(referral=referral, provider=provider, state="responded"),
            setting=provider_setting,
        )
        return Award.objects.create(
            referral=referral,
            response=response,
            provider=provider,
            setting=provider_setting,
            state=state,
            reasons="The best value: therapy on site and close to home.",
            agreed_weekly_price=Decimal("3250.00"),
            start_date=referral.start_date,
            proposed_by=commissioner,
            **fields,
        )

    waiting = award(AwardState.AWAITING_APPROVAL, approver=senior)
    signing = award(AwardState.AWAITING_SIGN_OFF, band_at_award="concern")
    RiskApproval.objects.create(award=signing)

    placed = _referral(
        authority, lot, commissioner, ReferralState.AWARDED, awarded_at=timezone.now()
    )
    placement = Award.objects.create(
        referral=placed,
        provider=provider,
        setting=provider_setting,
        state=AwardState.COMPLETE,
        reasons="The best value.",
        agreed_weekly_price=Decimal("3250.00"),
        start_date=placed.start_date,
        completed_at=timezone.now(),
    )
    lost_referral = _referral(
        authority, lot, commissioner, ReferralState.AWARDED, awarded_at=timezone.now()
    )
    lost = InvitationFactory(
        referral=lost_referral,
        provider=provider,
        outcome=Outcome.UNSUCCESSFUL,
        outcome_notified_at=timezone.now(),
        outcome_feedback={
            "reference": lost_referral.reference,
            "reasons": "Another response matched her needs more closely.",
            "responses": [
                {
                    "setting": provider_setting.name,
                    "total": "71.20",
                    "excluded": False,
                    "scores": [
                        {
                            "criterion": "Best match",
                            "kind": "scored",
                            "weight": 60,
                            "passed": None,
                            "score": "3",
                            "out_of": 5,
                            "weighted": "36.00",
                            "note": "Less experience of sensory needs.",
                        },
                    ],
                }
            ],
            "winning_total": "84.96",
            "winning_scores": [
                {
                    "criterion": "Best match",
                    "kind": "scored",
                    "weight": 60,
                    "passed": None,
                    "score": "4",
                    "out_of": 5,
                    "weighted": "48.00",
                    "note": "",
                },
            ],
        },
    )
    return {
        "closed": closed.pk,
        "response": ours.pk,
        "no_suitable": no_suitable.pk,
        "waiting": waiting.pk,
        "signing": signing.pk,
        "placement": placement.pk,
        "outcome": lost.pk,
    }
