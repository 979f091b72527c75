"""A placement whose IPA both parties have signed (through the services), for the variations and
endings tests; and signing a variation's version as each party."""

from __future__ import annotations

from contracts.models import AgreementVersion
from contracts.services.versions import version_issue, version_sign
from tests.contracts.world import Placed, placed, ready_to_issue
from tests.referrals.awards.world import as_actor


def sign_both(p: Placed, version: AgreementVersion) -> AgreementVersion:
    """The provider signs the issued version, then the authority's signatory countersigns."""
    version_sign(
        actor=as_actor(p.provider_user),
        version=version,
        content_sha256=version.content_sha256,
        name="Pat Head",
        position="Headteacher",
    )
    version_sign(
        actor=as_actor(p.commissioner),
        version=version,
        content_sha256=version.content_sha256,
        name="Sam Commissioner",
        position="Head of SEND",
    )
    version.refresh_from_db()
    p.agreement.refresh_from_db()
    return version


def signed() -> Placed:
    """An award's IPA, completed, issued and signed by both: version 1 in force."""
    p = placed()
    ready_to_issue(p)
    sign_both(p, version_issue(actor=as_actor(p.commissioner), version=p.draft))
    p.draft.refresh_from_db()
    return p


def another_drafted(p: Placed, weekly_price: str = "2800.00") -> Placed:
    """A second agreement between the same authority and provider (another award), as its Order
    drafts it: nothing signed."""
    from dataclasses import replace
    from decimal import Decimal

    from django.utils import timezone

    from contracts.models import Agreement
    from contracts.services.orders import order_for_award
    from referrals.models import Award, AwardState, ReferralState
    from tests.referrals.awards.matrix import _referral

    referral = _referral(
        p.world.authority,
        p.world.referral.lot,
        p.commissioner,
        state=ReferralState.AWARDED,
        awarded_at=timezone.now(),
        purchasing_system=p.world.referral.purchasing_system,
        start_date=p.agreement.start_date,
    )
    award = Award.objects.create(
        referral=referral,
        provider=p.provider,
        setting=p.award.setting,
        state=AwardState.COMPLETE,
        reasons="The best value.",
        agreed_weekly_price=Decimal(weekly_price),
        start_date=referral.start_date,
        completed_at=timezone.now(),
    )
    order = order_for_award(award=award, actor=None)
    agreement = Agreement.objects.get(order=order)
    return replace(p, award=award, order=order, agreement=agreement, draft=agreement.versions.get())


def another_signed(p: Placed) -> Placed:
    """A second signed agreement between the same authority and provider (another award)."""
    q = another_drafted(p)
    ready_to_issue(q)
    sign_both(q, version_issue(actor=as_actor(q.commissioner), version=q.draft))
    q.draft.refresh_from_db()
    return q
