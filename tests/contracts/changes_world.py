"""Signed agreements with a proposed variation, a recorded end and a regional uplift, for the
gates that ask every route (the authorisation matrix, the API gates): each made through the
services, from a complete award, in the caller's transaction."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from types import SimpleNamespace
from typing import Any, cast

from django.utils import timezone

from contracts.models import Agreement, RegionalUplift
from contracts.services.endings import placement_end_record
from contracts.services.orders import order_for_award
from contracts.services.variations import variation_propose_uplift
from contracts.services.versions import draft_update, version_issue, version_sign
from contracts.terms import Terms
from fps_portal.accounts.models import Organisation, Role, User
from referrals.models import Award, AwardState, ReferralState
from tests.contracts.world import Placed, completed_terms
from tests.referrals.awards.matrix import _referral
from tests.referrals.awards.world import as_actor


def _member(organisation_id: int, role: str) -> User:
    user = (
        User.objects.filter(
            memberships__organisation_id=organisation_id,
            memberships__role=role,
            memberships__is_active=True,
        )
        .order_by("pk")
        .first()
    )
    assert user is not None, f"no {role} in organisation {organisation_id}"
    return user


def signed_agreement(award: Award, *, commissioner: User, provider_user: User) -> Agreement:
    """The award's Order and IPA, its draft completed, issued and signed by both parties."""
    order = order_for_award(award=award, actor=None)
    agreement = order.agreement
    draft = agreement.versions.get(number=1)
    agreement.authority_signatory = commissioner
    agreement.save(update_fields=["authority_signatory"])
    terms = completed_terms(cast(Placed, SimpleNamespace(terms=Terms.from_json(draft.terms))))
    authority, provider = as_actor(commissioner), as_actor(provider_user)
    draft_update(actor=authority, version=draft, terms=terms)
    version = version_issue(actor=authority, version=draft)
    for actor, name in ((provider, "Pat Head"), (authority, "Sam Commissioner")):
        version_sign(
            actor=actor,
            version=version,
            content_sha256=version.content_sha256,
            name=name,
            position="Signatory",
        )
    agreement.refresh_from_db()
    return agreement


def another_award(like: Award, user: User) -> Award:
    """A complete award between the same authority, provider and setting, under the same
    purchasing system."""
    referral = _referral(
        like.referral.authority,
        like.referral.lot,
        user,
        state=ReferralState.AWARDED,
        awarded_at=timezone.now(),
        purchasing_system=like.referral.purchasing_system,
        # Unique beside the demo's own references, which the factory's sequence may repeat.
        reference=f"VAR-{uuid.uuid4().hex[:12]}",
    )
    return Award.objects.create(
        referral=referral,
        provider=like.provider,
        setting=like.setting,
        state=AwardState.COMPLETE,
        reasons="The best value.",
        agreed_weekly_price=Decimal("3100.00"),
        start_date=referral.start_date,
        completed_at=timezone.now(),
    )


def with_changes(award: Award) -> dict[str, int]:
    """From an award's parties: a signed agreement with an uplift the provider proposed (kind
    "variation", with its agreement "signed_agreement") and its planned end recorded by the
    authority ("placement_end")."""
    authority: Organisation = award.referral.authority
    assert award.provider is not None
    commissioner = _member(authority.pk, Role.COMMISSIONER)
    provider_user = _member(award.provider.pk, Role.PROVIDER_USER)
    agreement = signed_agreement(
        another_award(award, commissioner), commissioner=commissioner, provider_user=provider_user
    )
    variation = variation_propose_uplift(
        actor=as_actor(provider_user),
        agreement=agreement,
        percent=Decimal("3"),
        new_weekly_fee=None,
        effective_from=agreement.start_date + datetime.timedelta(days=30),
        reason="Annual uplift.",
    )
    today = timezone.localdate()
    end = placement_end_record(
        actor=as_actor(commissioner),
        agreement=agreement,
        kind="planned",
        reason="",
        details="The end of key stage 4.",
        requested_by="authority",
        notice_given_on=today,
        last_day=max(today, agreement.start_date) + datetime.timedelta(days=400),
    )
    return {
        "signed_agreement": agreement.pk,
        "variation": variation.pk,
        "placement_end": end.pk,
    }


def regional_uplift(award: Award, published_by: User | None = None) -> RegionalUplift:
    return RegionalUplift.objects.create(
        purchasing_system=award.referral.purchasing_system,
        title=f"Annual uplift {award.pk}",
        percent=Decimal("2.5"),
        effective_from=award.start_date + datetime.timedelta(days=60),
        reason="The region's inflation award.",
        published_by=published_by,
    )


def build_changes_world(*, agreement_x: int, agreement_y: int) -> tuple[dict[str, int], ...]:
    """For the authorisation matrix: side X's and Y's kinds, and one regional uplift both read
    (kind "regional_uplift", the same id on each side)."""
    sides: list[dict[str, Any]] = []
    awards = [
        Agreement.objects.select_related("order__award__referral").get(pk=pk).order.award
        for pk in (agreement_x, agreement_y)
    ]
    uplift = regional_uplift(awards[0])
    for award in awards:
        sides.append({**with_changes(award), "regional_uplift": uplift.pk})
    return tuple(sides)


def build_api_changes(*, placement: int, lead: User) -> dict[str, int]:
    """For the API gates (tests/api/world.py): from the world's complete award, a signed
    agreement of the same parties with a proposed variation and a recorded end, and a regional
    uplift the lead authority published."""
    award = Award.objects.select_related("referral").get(pk=placement)
    return {**with_changes(award), "regional_uplift": regional_uplift(award, lead).pk}


def build_browser_changes(*, placement: int, lead: User) -> dict[str, int]:
    """For the accessibility gate (tests/browser/pages.py): from the demo's placement award, a
    signed agreement with nothing open ("clean_agreement", whose forms show in full), another
    with a variation and an end ("variation", "placement_end"), and a regional uplift."""
    award = Award.objects.select_related("referral").get(pk=placement)
    authority = award.referral.authority
    assert award.provider is not None
    clean = signed_agreement(
        another_award(award, _member(authority.pk, Role.COMMISSIONER)),
        commissioner=_member(authority.pk, Role.COMMISSIONER),
        provider_user=_member(award.provider.pk, Role.PROVIDER_USER),
    )
    return {
        **with_changes(award),
        "clean_agreement": clean.pk,
        "regional_uplift": regional_uplift(award, lead).pk,
    }
