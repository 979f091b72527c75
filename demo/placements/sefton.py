"""Sefton's referrals in the demo (placements officer: placements@sefton.example), numbered in the
year the demo is loaded (SEF-2026-… when loaded in 2026).

- SEF-2026-0001 draft: an open competition being written.
- SEF-2026-0002 returned to the referrer for more information.
- SEF-2026-0003 open with responses: four members invited on lot A1; two responses in, one draft
  (Oakfield's, so the demo provider sees it), one decline; a question answered, one waiting.
- SEF-2026-0004 closed for evaluation: five responses (two from one provider's two settings),
  one decline, one lapsed; the evaluators have marked one response.
- SEF-2026-0005 awarded with feedback: a negotiated price, an award that differs from the foster
  carer's preference with the reason, every unsuccessful provider told (Oakfield among them).
- SEF-2026-0006 no suitable provider, re-run as SEF-2026-0007, a direct award awaiting the
  authorisation of a head of service (headofservice@sefton.example).
- SEF-2026-0008 awarded to a Requires Improvement setting (Oakfield House) through every step:
  above Sefton's approval threshold, approved by the DCS; documents attached, the risk approach
  signed by the CSW service manager and the commissioning service manager, the social worker and
  IRO alerted, additional monitoring set.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.files.base import ContentFile

from demo.placements.build import Placing
from demo.placements.children import SEFTON
from demo.placements.rows import (
    award_complete,
    close,
    decline,
    demo_pdf,
    invite_members,
    mark,
    offer_of,
    outcomes_notify,
    respond,
)
from demo.placements.world import World
from referrals.models import (
    AuthorisationState,
    AwardState,
    CriterionMark,
    DeclineReason,
    DirectAwardGround,
    ReferralQuestion,
    ReferralState,
    RiskApproval,
    Route,
    RouteCase,
)

DAY = datetime.timedelta(days=1)


def _sefton(world: World) -> Placing:
    return Placing(
        world=world,
        authority=world.sefton,
        commissioner=world.sefton_commissioner,
        prefix="SEF",
        referrer=("Hannah Cole", "hannah.cole@sefton.example"),
        children=SEFTON,
    )


def load_sefton(world: World) -> None:
    sefton = _sefton(world)
    now, by = world.now, world.sefton_commissioner

    # Draft.
    child = sefton.child("draft", 3)
    sefton.referral(
        1,
        child,
        lot="A1",
        state=ReferralState.DRAFT,
        created_days_ago=2,
        summary="A girl of {age} with autism and speech and language needs, in a mainstream "
        "primary school, who needs a small specialist day school.",
        outcomes="Communication in every lesson; joining a small group at lunch.",
    )

    # Returned for more information.
    child = sefton.child("returned", 9)
    sefton.referral(
        2,
        child,
        lot="3",
        state=ReferralState.RETURNED,
        created_days_ago=8,
        summary="A boy of {age} with social, emotional and mental health needs, out of school.",
        outcomes="Full days at school four days a week.",
        returned_at=now - 6 * DAY,
        returned_by=by,
        return_reason="The needs section does not say what support he has now or how often he "
        "attends; please add the latest attendance figures and the educational psychologist's "
        "report before this goes to providers.",
    )

    _open_competition(sefton)
    _closed_competition(sefton)
    _awarded_competition(sefton)
    _no_suitable_then_direct_award(sefton)
    _requires_improvement_award(sefton)


def _open_competition(sefton: Placing) -> None:
    world = sefton.world
    now = world.now
    child = sefton.child("open", 12)
    referral = sefton.referral(
        3,
        child,
        lot="A1",
        state=ReferralState.OPEN,
        created_days_ago=10,
        published_days_ago=3,
        deadline_in_days=7,
        summary="A girl of {age} with speech, language and communication needs and autism. She "
        "communicates with a few words and signs, and needs weekly speech and language therapy "
        "and a class of no more than eight.",
        outcomes="Two-word phrases with familiar adults; a class of eight with support.",
    )
    invitations = invite_members(referral)
    lot = referral.lot
    respond(
        invitations["Mersey Vale Schools"],
        offer_of("Mersey Vale School", lot),
        at=now - 1 * DAY,
        by=None,
        hours=5,
    )
    respond(
        invitations["Irwell Valley Education"],
        offer_of("Deansgate Sensory Centre", lot),
        at=now - 2 * DAY,
        by=None,
        weekly_price=Decimal("3620.00"),
        price_reason="Two sessions of speech and language therapy a week, above the one our "
        "indicative price includes; the therapist's timetable is attached.",
    )
    respond(
        invitations["Oakfield Learning Trust"],
        offer_of("Oakfield School", lot),
        at=now - 6 * datetime.timedelta(hours=1),
        by=world.oakfield_user,
        submitted=False,
        hours=10,
    )
    decline(
        invitations["Fylde Coast Trust"],
        reason=DeclineReason.PEER_GROUP,
        note="Our class of the right age has two pupils who find noise very hard; we could not "
        "offer a compatible group this year.",
        by=None,
        at=now - 2 * DAY,
    )
    ReferralQuestion.objects.create(
        referral=referral,
        asked_by_invitation=invitations["Mersey Vale Schools"],
        question="Does the child use a communication aid at home as well as at school?",
        asked_at=now - 2 * DAY,
        answer="Yes: a picture book at home and school; a speech-generating device is on trial.",
        answered_at=now - 2 * DAY + datetime.timedelta(hours=5),
        answered_by=world.sefton_commissioner,
    )
    ReferralQuestion.objects.create(
        referral=referral,
        asked_by_invitation=invitations["Irwell Valley Education"],
        question="Is transport arranged by the authority, or should it be costed?",
        asked_at=now - 4 * datetime.timedelta(hours=1),
    )


def _closed_competition(sefton: Placing) -> None:
    world = sefton.world
    now = world.now
    child = sefton.child("closed", 30)
    referral = sefton.referral(
        4,
        child,
        lot="3",
        state=ReferralState.CLOSED,
        created_days_ago=25,
        published_days_ago=20,
        deadline_in_days=-2,
        start_in_days=30,
        summary="A boy of {age} with moderate learning difficulties and dyslexia, anxious in large "
        "buildings, who needs a small day school with literacy support.",
        outcomes="Reading age of nine by the end of Year 9; independent travel.",
    )
    assert referral.published_at is not None and referral.response_deadline is not None
    invitations = invite_members(referral)
    lot, at = referral.lot, referral.response_deadline - 3 * DAY
    responses = [
        respond(
            invitations["Mersey Vale Schools"], offer_of("Mersey Vale School", lot), at=at, by=None
        ),
        respond(invitations["Pennine Education"], offer_of("Moorside School", lot), at=at, by=None),
        respond(
            invitations["Irwell Valley Education"],
            offer_of("Irwell Valley School", lot),
            at=at,
            by=None,
            hours=3,
        ),
        respond(
            invitations["Wirral Shore Schools"],
            offer_of("Wirral Shore School", lot),
            at=at,
            by=None,
        ),
        respond(
            invitations["Wirral Shore Schools"], offer_of("Dee Estuary School", lot), at=at, by=None
        ),
    ]
    decline(
        invitations["Oakfield Learning Trust"],
        reason=DeclineReason.LOCATION,
        note="Our nearest setting is over an hour's travel from the postcode district.",
        by=world.oakfield_user,
        at=at,
    )
    close(referral, at=referral.response_deadline)  # beat closed it; Fylde Coast Trust lapsed
    referral.save()
    mark(
        responses[0],
        {"best_match": 4, "quality": 4},
        by=world.sefton_commissioner,
        at=now - 1 * DAY,
    )


def _awarded_competition(sefton: Placing) -> None:
    world = sefton.world
    now, by = world.now, world.sefton_commissioner
    child = sefton.child("awarded", 60)
    referral = sefton.referral(
        5,
        child,
        lot="3",
        state=ReferralState.CLOSED,
        created_days_ago=50,
        published_days_ago=45,
        deadline_in_days=-31,
        start_in_days=-5,
        summary="A girl of {age} with autism, on a reduced timetable, who finds noise and crowds "
        "hard and needs a calm day school with an escort for the journey.",
        outcomes="A managed journey with a familiar escort; two group activities a week.",
    )
    assert referral.published_at is not None and referral.response_deadline is not None
    invitations = invite_members(referral)
    lot, at = referral.lot, referral.response_deadline - 4 * DAY
    winner = respond(
        invitations["Mersey Vale Schools"],
        offer_of("Mersey Vale School", lot),
        at=at,
        by=None,
        hours=5,
    )
    oakfield = respond(
        invitations["Oakfield Learning Trust"],
        offer_of("Oakfield School", lot),
        at=at,
        by=world.oakfield_user,
        hours=10,
    )
    wirral = respond(
        invitations["Wirral Shore Schools"], offer_of("Wirral Shore School", lot), at=at, by=None
    )
    decline(
        invitations["Irwell Valley Education"],
        reason=DeclineReason.NEEDS_NOT_MET,
        note="We do not have places for primary-aged autistic pupils.",
        by=None,
        at=at,
    )
    close(referral, at=referral.response_deadline)
    marked_at = referral.response_deadline + 3 * DAY
    mark(winner, {"best_match": 5, "quality": 4}, by=by, at=marked_at)
    mark(oakfield, {"best_match": 4, "quality": 4}, by=by, at=marked_at)
    mark(wirral, {"best_match": 3, "quality": 4}, by=by, at=marked_at)
    award_complete(
        referral,
        winner,
        by=by,
        at=now - 20 * DAY,
        reasons="Mersey Vale School scored highest on best match (5 of 5): a class of six, an "
        "escort from the school's own transport team, and a quiet base she can use at any time. "
        "It is the nearest of the responses to home and the lowest weekly price.",
        agreed_weekly_price=Decimal("2800.00"),
        negotiation_note="The school agreed £2,800.00 a week for a three-year placement, £50 "
        "below its bid, with the escort included.",
        differs_reason="Her foster carer preferred Oakfield School on her last school's "
        "recommendation. Oakfield School scored lower on best match and is over an hour's "
        "journey each way, which her plan says she cannot yet manage; the carer was told why.",
    )


def _no_suitable_then_direct_award(sefton: Placing) -> None:
    world = sefton.world
    now, by = world.now, world.sefton_commissioner
    child = sefton.child("no_suitable_provider", 80)
    referral = sefton.referral(
        6,
        child,
        lot="3",
        state=ReferralState.CLOSED,
        created_days_ago=70,
        published_days_ago=60,
        deadline_in_days=-46,
        summary="A boy of {age} with social, emotional and mental health needs after three "
        "placement breakdowns; he needs a small, consistent team and a day placement.",
        outcomes="A full term without a suspension.",
    )
    assert referral.published_at is not None and referral.response_deadline is not None
    invitations = invite_members(referral)
    lot, at = referral.lot, referral.response_deadline - 2 * DAY
    irwell = respond(
        invitations["Irwell Valley Education"],
        offer_of("Irwell Valley School", lot),
        at=at,
        by=None,
    )
    dee = respond(
        invitations["Wirral Shore Schools"], offer_of("Dee Estuary School", lot), at=at, by=None
    )
    decline(
        invitations["Mersey Vale Schools"],
        reason=DeclineReason.NEEDS_NOT_MET,
        note="We do not specialise in social, emotional and mental health needs.",
        by=None,
        at=at,
    )
    close(referral, at=referral.response_deadline)
    marked_at = referral.response_deadline + 2 * DAY
    pass_fail = referral.criteria.get(kind="pass_fail")
    CriterionMark.objects.create(
        response=irwell,
        criterion=pass_fail,
        passed=False,
        note="The school's places end at 16; the plan needs a placement to 18.",
        recorded_at=marked_at,
        recorded_by=by,
    )
    mark(dee, {"best_match": 1, "quality": 2}, by=by, at=marked_at)
    referral.state = ReferralState.NO_SUITABLE_PROVIDER
    referral.no_suitable_provider_at = now - 40 * DAY
    referral.no_suitable_provider_by = by
    referral.no_suitable_provider_reason = (
        "One response failed the needs criterion (places end at 16) and the other scored 1 of 5 "
        "on best match. A specialist residential offer is being sought by direct award."
    )
    referral.save()
    outcomes_notify(referral, winner=None, at=referral.no_suitable_provider_at)

    # Re-run on another route: a direct award to a specialist SEMH setting, awaiting a head of
    # service's authorisation.
    pennine = offer_of("Pennine Hall School", world.lots["A3"])
    rerun = sefton.referral(
        7,
        child,
        lot="A3",
        route=Route.DIRECT_AWARD,
        state=ReferralState.AWAITING_AUTHORISATION,
        created_days_ago=38,
        start_in_days=21,
        summary=referral.provider_summary,
        outcomes=referral.outcomes_sought,
        rerun_of=referral,
    )
    RouteCase.objects.create(
        referral=rerun,
        ground=DirectAwardGround.BEST_INTERESTS,
        justification="The open competition found no suitable provider (SEF-2026-0006). Pennine "
        "Hall School is the only member with a 52-week SEMH offer for boys to 18 and a "
        "consistent small team; his social worker and the educational psychologist support it. "
        "Its latest inspection requires improvement, so the award will need the risk sign-offs.",
        provider=pennine.setting.provider,
        setting=pennine.setting,
        weekly_price=pennine.weekly_price,
        review_on=(now + 200 * DAY).date(),
        state=AuthorisationState.AWAITING,
        submitted_at=now - 1 * DAY,
        submitted_by=by,
    )


def _requires_improvement_award(sefton: Placing) -> None:
    world = sefton.world
    now, by = world.now, world.sefton_commissioner
    child = sefton.child("requires_improvement", 90)
    referral = sefton.referral(
        8,
        child,
        lot="1",
        state=ReferralState.CLOSED,
        created_days_ago=75,
        published_days_ago=70,
        deadline_in_days=-56,
        start_in_days=-30,
        summary="A girl of {age}, looked after, with social, emotional and mental health needs, "
        "who needs a 52-week residential school placement with therapeutic support.",
        outcomes="One trusted key adult; 20 hours of education a week.",
    )
    assert referral.published_at is not None and referral.response_deadline is not None
    invitations = invite_members(referral)
    at = referral.response_deadline - 5 * DAY
    response = respond(
        invitations["Oakfield Learning Trust"],
        offer_of("Oakfield House", referral.lot),
        at=at,
        by=world.oakfield_user,
        hours=2,
    )
    decline(
        invitations["Pennine Education"],
        reason=DeclineReason.OTHER,
        note="Pennine Hall School takes boys only.",
        by=None,
        at=at,
    )
    decline(
        invitations["Lakeland Care and Learning"],
        reason=DeclineReason.NEEDS_NOT_MET,
        note="We specialise in profound and multiple learning difficulties.",
        by=None,
        at=at,
    )
    close(referral, at=referral.response_deadline)
    referral.save()
    mark(response, {"best_match": 4, "quality": 2}, by=by, at=referral.response_deadline + DAY)
    completed = now - 40 * DAY
    award = award_complete(
        referral,
        response,
        by=by,
        at=completed,
        state=AwardState.AWAITING_SIGN_OFF,
        reasons="Oakfield House is the only response: a 52-week therapeutic placement with a named "
        "key worker. Its education inspection requires improvement (October 2024); its action "
        "plan addresses attendance and the curriculum, and the risk sign-offs below apply.",
        approver=world.sefton_dcs,  # £5,850 × 52 weeks is above Sefton's £300,000 threshold
    )
    risk = RiskApproval(
        award=award,
        inspection_summary_filename="oakfield-house-inspection-summary.pdf",
        action_plan_filename="oakfield-house-action-plan.pdf",
        documents_attached_at=completed - 9 * DAY,
        risk_approach="A quality visit by Sefton's QA officer before the start date and termly "
        "after it; monthly contact from the social worker; the action plan's milestones "
        "reviewed at each looked-after review.",
        quality_visit_planned_on=(completed + 14 * DAY).date(),
        csw_manager_signed_at=completed - 5 * DAY,
        csw_manager_signed_by=world.user("cswmanager@sefton.example"),
        commissioning_manager_signed_at=completed - 4 * DAY,
        commissioning_manager_signed_by=world.user("commissioningmanager@sefton.example"),
        alerted_at=completed,
        alerted=[
            {"role": "social worker", "email": "tom.adeyemi@sefton.example"},
            {"role": "Independent Reviewing Officer", "email": "susan.marsh@sefton.example"},
        ],
    )
    risk.inspection_summary.save(
        "summary.pdf",
        ContentFile(demo_pdf("Oakfield House: summary of the inspection's requirements (demo)")),
        save=False,
    )
    risk.action_plan.save(
        "plan.pdf", ContentFile(demo_pdf("Oakfield House: action plan (demo)")), save=False
    )
    risk.save()
    award.state = AwardState.COMPLETE
    award.additional_monitoring = True
    award.completed_at = completed
    award.proposed_at = completed - 12 * DAY
    award.approved_at = completed - 10 * DAY
    award.save()
    referral.state = ReferralState.AWARDED
    referral.awarded_at = completed
    referral.awarded_by = by
    referral.save()
    outcomes_notify(referral, winner=response.invitation, at=completed)
