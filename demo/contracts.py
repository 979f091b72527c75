"""The demo's Orders and Individual Placement Agreements (issue 12), made through the services as
the people in them would make them, so every state, signature, fee period and audit row is the
portal's own (the moments are then moved back to when each step would have happened:
`demo/contracts_dates.py`):

- each complete award of the demo becomes its Order and a draft IPA through the award handlers
  (`settings.AWARD_COMPLETED_HANDLERS`, ADR 0017), as completing the award in the portal does;
- the commissioner completes each draft (the council's legal name and address, the provider's
  contact, invoicing, who signs), issues it, the provider's business manager signs it and the
  authority's head of service countersigns it (`contracts.services.versions`); the beat's job
  (`activate_started_agreements`) then makes those whose start date has come active.

The cast (references are numbered in the year the demo is loaded):

- SEF-2026-0005 at Mersey Vale School: active, jointly funded (80% Sefton's education budget,
  20% the NHS integrated care board for the escort and therapy).
- SEF-2026-0008 at Oakfield House: issued and awaiting the provider's signature (Oakfield's demo
  sign-in, bids@oakfield.example, signs it; then headofservice@sefton.example countersigns).
- BLA-2026-0006 at Fylde Coast School: active, with an agreed annual uplift of 4% proposed by the
  provider and signed by both (version 2; the fee history has two periods).
- BLA-2026-0007 at Ribble College: signed and active for over a year, then ended by a breakdown
  recorded by Blackpool's commissioner (its needs changed; the family asked for it).
- BLA-2026-0003, the spot purchase from Bayview Supported Living outside the portal: its Order
  and the draft IPA drawn from the award. Its provider has no sign-in, so it cannot sign in the
  portal; the draft is left for Blackpool's commissioner to complete.

The PDFs (each Order, each issued version, each signed copy) are asked for by the services and
rendered by Celery after the loader's transaction commits: by the `make run` worker from the
embedded broker (the beat's sweep, `contracts.render_missing_pdfs`, queues any lost), or in the
tests in-process (eager). The loader never waits for them.

Idempotent: nothing is done once any demo award has its Order (one transaction makes them all).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from contracts.models import Agreement, AgreementVersion, BreakdownReason, EndKind, Order
from contracts.models import EndRequestedBy as RequestedBy
from contracts.services.beat import activate_started_agreements
from contracts.services.drafting import draft_signatories
from contracts.services.endings import placement_end_record
from contracts.services.variations import variation_propose_uplift
from contracts.services.versions import draft_update, version_issue, version_sign
from contracts.terms import ChildCost, Contact, FundingShare, PartyDetails, Terms
from demo.contracts_cast import (
    COUNCILS,
    ENDED_CHILD,
    PROVIDERS,
    ended_placement_referral,
)
from demo.contracts_dates import as_it_happened
from demo.guard import require_demo_data_allowed
from demo.placements import DEMO_CASE_PREFIX
from demo.placements.children import BLACKPOOL, SEFTON
from demo.placements.world import world_now
from fps_portal.accounts.models import User
from fps_portal.actors import Actor, actor_for_user
from referrals.models import Award, AwardState, Child
from referrals.services.award_handlers import award_completed

#: The case numbers of the children whose agreements the demo takes through signing.
JOINTLY_FUNDED = SEFTON["awarded"].case_number
AWAITING_PROVIDER = SEFTON["requires_improvement"].case_number
UPLIFTED = BLACKPOOL["direct_award"].case_number
ENDED = ENDED_CHILD.case_number
SPOT_PURCHASE = BLACKPOOL["spot_purchase"].case_number

UPLIFT_PERCENT = Decimal("4.00")


def _actor(email: str) -> Actor:
    actor = actor_for_user(User.objects.get(email=email))
    assert actor is not None, email
    return actor


def _agreement(case_number: str) -> Agreement:
    return Agreement.objects.select_related("authority", "provider", "current_version").get(
        child__case_number=case_number
    )


def demo_agreements_exist() -> bool:
    return Order.objects.filter(referral__child__case_number__startswith=DEMO_CASE_PREFIX).exists()


@transaction.atomic
def load_contracts() -> None:
    require_demo_data_allowed()
    if demo_agreements_exist():
        return
    world = world_now()
    if not Child.objects.filter(case_number=ENDED).exists():
        ended_placement_referral(world)
    awards = (
        Award.objects.filter(
            state=AwardState.COMPLETE,
            referral__child__case_number__startswith=DEMO_CASE_PREFIX,
        )
        .select_related("proposed_by")
        .order_by("completed_at", "pk")
    )
    for award in awards:
        # What completing the award in the portal does, in the name of who awarded it.
        assert award.proposed_by is not None
        award_completed(award=award, actor=_actor(award.proposed_by.email))
    today = timezone.localdate()
    _signed(_agreement(JOINTLY_FUNDED), jointly_funded=True)
    _issued(_agreement(AWAITING_PROVIDER))
    _signed(_agreement(UPLIFTED))
    _signed(_agreement(ENDED))
    activate_started_agreements()
    _uplifted(_agreement(UPLIFTED), effective_from=today - datetime.timedelta(days=14))
    _broken_down(_agreement(ENDED), today=today)
    for agreement in Agreement.objects.filter(child__case_number__startswith=DEMO_CASE_PREFIX):
        as_it_happened(agreement)


def completed_terms(agreement: Agreement, *, jointly_funded: bool = False) -> Terms:
    """The draft drawn from the award, with what the commissioner completes before issuing."""
    assert agreement.current_version is not None and agreement.provider is not None
    terms = Terms.from_json(agreement.current_version.terms)
    council = COUNCILS[agreement.authority.name]
    side = PROVIDERS[agreement.provider.name]
    contacts = tuple(
        Contact(c.role, side.contact_name, side.contact_email, side.contact_phone)
        if c.role == "Provider's contact"
        else c
        for c in terms.contacts
    )
    authority = terms.authority
    changes: dict[str, object] = {
        "authority": PartyDetails(
            "authority",
            authority.name,
            council.legal_name,
            council.address,
            council.postcode,
            authority.registrations,
        ),
        "contacts": contacts,
        "invoicing": council.invoicing,
    }
    if jointly_funded:
        # The escort and the therapy are in her health plan: the ICB pays a fifth.
        changes["provision"] = terms.provision.__class__(
            **{**terms.provision.__dict__, "health_and_therapies": True}
        )
        changes["funding"] = (
            FundingShare("education", f"{council.legal_name} (education)", Decimal("80")),
            FundingShare(
                "health", "NHS Cheshire and Merseyside Integrated Care Board", Decimal("20")
            ),
        )
        changes["child_costs"] = (
            ChildCost("Home to school escort", Decimal("85.00"), "week", council.legal_name),
        )
    return terms.with_changes(**changes)


def _ready(agreement: Agreement, *, jointly_funded: bool = False) -> AgreementVersion:
    """The commissioner completes the draft and names who signs for both parties."""
    assert agreement.current_version is not None and agreement.provider is not None
    commissioner = _actor(_commissioner_email(agreement))
    council = COUNCILS[agreement.authority.name]
    side = PROVIDERS[agreement.provider.name]
    version = draft_update(
        actor=commissioner,
        version=agreement.current_version,
        terms=completed_terms(agreement, jointly_funded=jointly_funded),
    )
    return draft_signatories(
        actor=commissioner,
        version=version,
        authority_signatory_id=User.objects.get(email=council.signatory_email).pk,
        authority_position=council.signatory_position,
        provider_name=side.signatory_name,
        provider_position=side.signatory_position,
    )


def _commissioner_email(agreement: Agreement) -> str:
    return f"placements@{agreement.authority.name.lower()}.example"


def _issued(agreement: Agreement) -> AgreementVersion:
    version = _ready(agreement)
    return version_issue(actor=_actor(_commissioner_email(agreement)), version=version)


def _sign_both(agreement: Agreement, version: AgreementVersion) -> None:
    """The provider's business manager signs the exact version, then the head of service
    countersigns it."""
    assert agreement.provider is not None
    council = COUNCILS[agreement.authority.name]
    side = PROVIDERS[agreement.provider.name]
    version.refresh_from_db()
    version_sign(
        actor=_actor(side.signatory_email),
        version=version,
        content_sha256=version.content_sha256,
        name=side.signatory_name,
        position=side.signatory_position,
    )
    signatory = User.objects.get(email=council.signatory_email)
    version_sign(
        actor=_actor(council.signatory_email),
        version=version,
        content_sha256=version.content_sha256,
        name=signatory.full_name,
        position=council.signatory_position,
    )


def _signed(agreement: Agreement, *, jointly_funded: bool = False) -> None:
    version = _ready(agreement, jointly_funded=jointly_funded)
    version = version_issue(actor=_actor(_commissioner_email(agreement)), version=version)
    _sign_both(agreement, version)


def _uplifted(agreement: Agreement, *, effective_from: datetime.date) -> None:
    """The provider proposes the year's uplift; both sign version 2, which brings it in."""
    assert agreement.provider is not None
    variation = variation_propose_uplift(
        actor=_actor(PROVIDERS[agreement.provider.name].signatory_email),
        agreement=agreement,
        percent=UPLIFT_PERCENT,
        new_weekly_fee=None,
        effective_from=effective_from,
        reason="The annual uplift: the support staff pay award and the rise in energy costs "
        "this year, as the FPS terms allow once a year.",
    )
    _sign_both(agreement, variation.version)


def _broken_down(agreement: Agreement, *, today: datetime.date) -> None:
    """Blackpool's commissioner records the breakdown after its last day: the agreement ends."""
    placement_end_record(
        actor=_actor(_commissioner_email(agreement)),
        agreement=agreement,
        kind=EndKind.BREAKDOWN,
        reason=BreakdownReason.NEEDS_CHANGED,
        details="Her needs changed after a long stay in hospital: she now needs a residential "
        "college with nursing care, which Ribble College does not offer. Her mother asked for "
        "the move; the college agreed a short notice period and a transition plan.",
        requested_by=RequestedBy.PARENT_CARER,
        notice_given_on=today - datetime.timedelta(days=24),
        last_day=today - datetime.timedelta(days=10),
    )
