"""Blackpool's referrals in the demo (placements officer: placements@blackpool.example), numbered
in the year the demo is loaded (BLA-2026-… when loaded in 2026).

- BLA-2026-0001 a preselected competition, open: three settings shortlisted from a saved
  find-a-setting search, each with its grounds; one response, one decline, Oakfield yet to answer.
- BLA-2026-0002 a block purchase of three day places (no child named), open.
- BLA-2026-0003 a spot purchase outside the FPS, authorised in writing by the head of service
  (headofservice@blackpool.example) and awarded.
- BLA-2026-0004 an award to a Requires Improvement setting (Pennine Hall School) waiting for its
  sign-offs: documents attached, the risk approach written and signed by the commissioning
  service manager; the CSW service manager (cswmanager@blackpool.example) has still to sign.
- BLA-2026-0005 withdrawn (the family moved away): every invitation withdrawn.
- BLA-2026-0006 a direct award for extreme urgency, authorised and awarded, its review date two
  weeks away.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.files.base import ContentFile

from demo.placements.build import Placing
from demo.placements.children import BLACKPOOL
from demo.placements.rows import (
    award_complete,
    close,
    decline,
    demo_pdf,
    invite,
    invite_members,
    mark,
    offer_of,
    respond,
)
from demo.placements.world import World
from providers.models import PrimaryNeed
from referrals.models import (
    AuthorisationState,
    AwardState,
    DeclineReason,
    DirectAwardGround,
    Invitation,
    InvitationState,
    PreselectionGround,
    ReferralKind,
    ReferralState,
    RiskApproval,
    Route,
    RouteCase,
    ShortlistEntry,
)

DAY = datetime.timedelta(days=1)
HEAD_OF_SERVICE = "headofservice@blackpool.example"


def load_blackpool(world: World) -> None:
    blackpool = Placing(
        world=world,
        authority=world.blackpool,
        commissioner=world.blackpool_commissioner,
        prefix="BLA",
        referrer=("Martin Ashby", "martin.ashby@blackpool.example"),
        children=BLACKPOOL,
    )
    _preselected(blackpool)
    _block(blackpool)
    _spot_purchase(blackpool)
    _requires_improvement_waiting(blackpool)
    _withdrawn(blackpool)
    _direct_award(blackpool)


def _preselected(blackpool: Placing) -> None:
    world, by = blackpool.world, blackpool.commissioner
    now = world.now
    child = blackpool.child("preselected", 15)
    referral = blackpool.referral(
        1,
        child,
        lot="A1",
        route=Route.PRESELECTED_COMPETITION,
        state=ReferralState.OPEN,
        created_days_ago=6,
        published_days_ago=2,
        deadline_in_days=5,
        summary="A girl of {age} with autism and speech and language needs who uses a visual "
        "timetable and needs a small class near the Fylde coast.",
        outcomes="Twenty minutes in a class lesson with a visual timetable.",
        search_filters={
            "lot": "A1",
            "specialism": "communication-and-interaction",
            "age": "11",
            "postcode": "FY1 6QX",
            "radius_miles": "60",
            "has_vacancies": "true",
        },
    )
    assert referral.published_at is not None
    shortlist = [
        (
            "Fylde Coast School",
            [PreselectionGround.LOCATION, PreselectionGround.NEEDS],
            "Six miles from home; her mother's preference.",
        ),
        (
            "Oakfield School",
            [PreselectionGround.NEEDS, PreselectionGround.OTHER],
            "Small classes and on-site speech and language therapy.",
        ),
        (
            "Mersey Vale School",
            [PreselectionGround.NEEDS, PreselectionGround.CAPACITY],
            "Autism specialism with vacancies this term.",
        ),
    ]
    invitations: dict[str, Invitation] = {}
    for name, grounds, note in shortlist:
        offer = offer_of(name, referral.lot)
        ShortlistEntry.objects.create(
            referral=referral,
            setting=offer.setting,
            grounds=list(grounds),
            grounds_note=note,
            added_at=now - 3 * DAY,
            added_by=by,
        )
        invitations[name] = invite(referral, offer.setting.provider, referral.published_at)
    respond(
        invitations["Fylde Coast School"],
        offer_of("Fylde Coast School", referral.lot),
        at=now - 1 * DAY,
        by=None,
        hours=4,
    )
    decline(
        invitations["Mersey Vale School"],
        reason=DeclineReason.NO_VACANCY,
        note="Our last place for this age group was filled yesterday.",
        by=None,
        at=now - 1 * DAY,
    )
    oakfield = invitations["Oakfield School"]
    oakfield.first_viewed_at = now - 1 * DAY
    oakfield.save(update_fields=["first_viewed_at"])


def _block(blackpool: Placing) -> None:
    world = blackpool.world
    referral = blackpool.referral(
        2,
        None,
        lot="3",
        kind=ReferralKind.BLOCK,
        places=3,
        price_per_place=Decimal("2800.00"),
        state=ReferralState.OPEN,
        created_days_ago=4,
        published_days_ago=1,
        deadline_in_days=9,
        start_in_days=120,
        primary_need=PrimaryNeed.objects.get(code="ASD"),
        summary="Three day places from September for primary-aged autistic children in "
        "Blackpool, at up to £2,800.00 a week a place; each child's plan is shared at award.",
        outcomes="A consistent small group; a transition plan for each child before September.",
    )
    referral.needs.set(PrimaryNeed.objects.filter(code__in=["ASD", "SLCN"]))
    referral.specialisms.set({n.specialism_id for n in referral.needs.all()})
    assert referral.published_at is not None
    invitations = invite_members(referral)
    respond(
        invitations["Fylde Coast Trust"],
        offer_of("Fylde Coast School", referral.lot),
        at=world.now - 4 * datetime.timedelta(hours=1),
        by=None,
    )


def _spot_purchase(blackpool: Placing) -> None:
    world, by = blackpool.world, blackpool.commissioner
    now = world.now
    child = blackpool.child("spot_purchase", 70)
    referral = blackpool.referral(
        3,
        child,
        lot="B2",
        route=Route.SPOT_PURCHASE,
        state=ReferralState.AWAITING_AUTHORISATION,
        created_days_ago=60,
        start_in_days=-40,
        summary="A young man of {age}, a care leaver, with social, emotional and mental health "
        "needs, who needs supported accommodation with college on the Fylde coast.",
        outcomes="Semi-independent living; college three days a week.",
    )
    head = world.user(HEAD_OF_SERVICE)
    RouteCase.objects.create(
        referral=referral,
        justification="No member of the FPS offers 16+ supported accommodation on the Fylde "
        "coast, and his plan and his family's views need him to stay near them; the usual "
        "procedures cannot place him before his current home's notice ends.",
        outside_provider_name="Bayview Supported Living Ltd",
        outside_setting_name="Bayview House, Fleetwood",
        weekly_price=Decimal("3950.00"),
        state=AuthorisationState.AUTHORISED,
        submitted_at=now - 58 * DAY,
        submitted_by=by,
        authorised_at=now - 55 * DAY,
        authorised_by=head,
        decision_note="Authorised: no FPS alternative; review at six months and look again at the "
        "FPS when the 2025 lots have a 16+ residential member on the coast.",
    )
    award_complete(
        referral,
        None,
        by=by,
        at=now - 50 * DAY,
        reasons="The only supported accommodation near his family with a college link; "
        "authorised by the head of service as a spot purchase.",
        agreed_weekly_price=Decimal("3950.00"),
    )


def _requires_improvement_waiting(blackpool: Placing) -> None:
    world, by = blackpool.world, blackpool.commissioner
    now = world.now
    child = blackpool.child("requires_improvement", 40)
    referral = blackpool.referral(
        4,
        child,
        lot="A3",
        state=ReferralState.CLOSED,
        created_days_ago=35,
        published_days_ago=30,
        deadline_in_days=-16,
        start_in_days=14,
        summary="A boy of {age}, looked after, with social, emotional and mental health needs, "
        "whose residential placement has given notice; he needs a 52-week residential school.",
        outcomes="A half term without a physical intervention.",
    )
    assert referral.published_at is not None and referral.response_deadline is not None
    invitations = invite_members(referral)
    at = referral.response_deadline - 3 * DAY
    pennine = respond(
        invitations["Pennine Education"],
        offer_of("Pennine Hall School", referral.lot),
        at=at,
        by=None,
        hours=3,
    )
    oakfield = respond(
        invitations["Oakfield Learning Trust"],
        offer_of("Oakfield House", referral.lot),
        at=at,
        by=world.oakfield_user,
    )
    close(referral, at=referral.response_deadline)
    referral.save()
    mark(pennine, {"best_match": 5, "quality": 2}, by=by, at=now - 12 * DAY)
    mark(oakfield, {"best_match": 3, "quality": 2}, by=by, at=now - 12 * DAY)
    award = award_complete(
        referral,
        pennine,
        by=by,
        at=now - 10 * DAY,
        state=AwardState.AWAITING_SIGN_OFF,
        reasons="Pennine Hall School is the best match (5 of 5): an SEMH specialism for boys with "
        "a 52-week therapeutic programme. Both responses require improvement; its action plan "
        "is further on, and the risk sign-offs below apply.",
    )
    risk = RiskApproval(
        award=award,
        inspection_summary_filename="pennine-hall-inspection-summary.pdf",
        action_plan_filename="pennine-hall-action-plan.pdf",
        documents_attached_at=now - 8 * DAY,
        risk_approach="A quality visit by Blackpool's QA officer in the first month; fortnightly "
        "social worker visits for the first term; the action plan reviewed at each LAC review.",
        quality_visit_planned_on=(now + 20 * DAY).date(),
        commissioning_manager_signed_at=now - 2 * DAY,
        commissioning_manager_signed_by=world.user("commissioningmanager@blackpool.example"),
    )
    risk.inspection_summary.save(
        "summary.pdf",
        ContentFile(demo_pdf("Pennine Hall School: summary of the inspection (demo)")),
        save=False,
    )
    risk.action_plan.save(
        "plan.pdf", ContentFile(demo_pdf("Pennine Hall School: action plan (demo)")), save=False
    )
    risk.save()


def _withdrawn(blackpool: Placing) -> None:
    world, by = blackpool.world, blackpool.commissioner
    now = world.now
    child = blackpool.child("withdrawn", 20)
    referral = blackpool.referral(
        5,
        child,
        lot="3",
        state=ReferralState.WITHDRAWN,
        created_days_ago=16,
        published_days_ago=12,
        deadline_in_days=-2,
        summary="A girl of {age} with moderate learning difficulties who needs a small day school.",
        outcomes="Independent travel by the end of Year 9.",
        withdrawn_at=now - 8 * DAY,
        withdrawn_by=by,
        withdrawal_reason="The family has moved to another authority's area, which will place her.",
    )
    assert referral.published_at is not None
    invite_members(referral)
    Invitation.objects.filter(referral=referral).update(state=InvitationState.WITHDRAWN)


def _direct_award(blackpool: Placing) -> None:
    world, by = blackpool.world, blackpool.commissioner
    now = world.now
    child = blackpool.child("direct_award", 175)
    fylde = offer_of("Fylde Coast School", world.lots["A1"])
    referral = blackpool.referral(
        6,
        child,
        lot="A1",
        route=Route.DIRECT_AWARD,
        state=ReferralState.AWAITING_AUTHORISATION,
        created_days_ago=170,
        start_in_days=-164,
        summary="A boy of {age} with autism, excluded, who needed a school place within days.",
        outcomes="A whole morning in class.",
    )
    RouteCase.objects.create(
        referral=referral,
        ground=DirectAwardGround.EXTREME_URGENCY,
        justification="Permanently excluded with no school place; a competition's ten working "
        "days would leave him out of education. Fylde Coast School has a vacancy now and "
        "specialises in autism.",
        provider=fylde.setting.provider,
        setting=fylde.setting,
        weekly_price=fylde.weekly_price,
        review_on=(now + 14 * DAY).date(),
        state=AuthorisationState.AUTHORISED,
        submitted_at=now - 170 * DAY,
        submitted_by=by,
        authorised_at=now - 169 * DAY,
        authorised_by=world.user(HEAD_OF_SERVICE),
        decision_note="Authorised for extreme urgency; at the review, open it to competition "
        "unless the placement is clearly meeting his needs.",
    )
    award_complete(
        referral,
        None,
        by=by,
        at=now - 168 * DAY,
        provider=fylde.setting.provider,
        setting=fylde.setting,
        reasons="Direct award for extreme urgency, authorised by the head of service: the only "
        "autism specialist day school with a vacancy within reach.",
        agreed_weekly_price=fylde.weekly_price,
    )
