"""The rows of the large referrals, made in memory with each state's stamps and written in
dependency order (`Build.write`)."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from typing import Any

from demo.large_referrals.places import BATCH, DAY, HOUR, LARGE_CASE_PREFIX, Offer, Place
from demo.placements.rows import weeks_for
from providers.models import (
    Lot,
    PrimaryNeed,
)
from referrals.models import (
    AuthorisationState,
    Award,
    AwardState,
    Child,
    Criterion,
    CriterionCategory,
    CriterionKind,
    DeclineReason,
    DirectAwardGround,
    DirectAwardReview,
    Invitation,
    InvitationState,
    LegalStatus,
    Outcome,
    Referral,
    ReferralKind,
    ReferralState,
    Response,
    ResponseState,
    RiskApproval,
    Route,
    RouteCase,
)

ROUTES = [
    (Route.OPEN_COMPETITION, 55),
    (Route.PRESELECTED_COMPETITION, 28),
    (Route.DIRECT_AWARD, 12),
    (Route.SPOT_PURCHASE, 5),
]
GENDERS = ["male", "male", "male", "female", "female", "other"]
LEGAL = [
    LegalStatus.EHCP_ONLY,
    LegalStatus.EHCP_ONLY,
    LegalStatus.EHCP_ONLY,
    LegalStatus.CHILD_IN_NEED,
    LegalStatus.LOOKED_AFTER_S20,
    LegalStatus.LOOKED_AFTER_S31,
    LegalStatus.CARE_LEAVER,
]
DECLINES = [
    DeclineReason.NO_VACANCY,
    DeclineReason.NO_VACANCY,
    DeclineReason.NEEDS_NOT_MET,
    DeclineReason.PEER_GROUP,
    DeclineReason.LOCATION,
    DeclineReason.PRICE,
]
#: Senior posts made at each authority, so authorisations and sign-offs name someone.
COMPETITIONS = (Route.OPEN_COMPETITION, Route.PRESELECTED_COMPETITION)


def state_for(rng: random.Random, route: str, age: datetime.timedelta) -> str:
    """A referral's state by its age: the newest are drafts and open, the oldest decided."""
    competition = route in COMPETITIONS
    if age < 3 * DAY:
        choices = (
            [(ReferralState.DRAFT, 5), (ReferralState.RETURNED, 1), (ReferralState.OPEN, 4)]
            if competition
            else [(ReferralState.DRAFT, 3), (ReferralState.AWAITING_AUTHORISATION, 7)]
        )
    elif age < 24 * DAY:
        choices = (
            [
                (ReferralState.OPEN, 55),
                (ReferralState.CLOSED, 30),
                (ReferralState.DRAFT, 4),
                (ReferralState.RETURNED, 4),
                (ReferralState.WITHDRAWN, 3),
                (ReferralState.AWARDED, 4),
            ]
            if competition
            else [(ReferralState.AWAITING_AUTHORISATION, 4), (ReferralState.AWARDED, 6)]
        )
    else:
        choices = (
            [
                (ReferralState.AWARDED, 82),
                (ReferralState.NO_SUITABLE_PROVIDER, 8),
                (ReferralState.WITHDRAWN, 8),
                (ReferralState.DRAFT, 1),
                (ReferralState.RETURNED, 1),
            ]
            if competition
            else [(ReferralState.AWARDED, 95), (ReferralState.WITHDRAWN, 5)]
        )
    states, weights = zip(*choices, strict=True)
    return str(rng.choices(states, weights)[0])


def between(
    rng: random.Random, start: datetime.datetime, end: datetime.datetime, low: float, high: float
) -> datetime.datetime:
    return start + (end - start) * rng.uniform(low, high)


class Build:
    """One build's generator and the rows it has made, written in dependency order at the end."""

    def __init__(self, rng: random.Random, now: datetime.datetime) -> None:
        self.rng, self.now = rng, now
        self.children: list[Child] = []
        self.referrals: list[Referral] = []
        self.needs: list[tuple[Referral, PrimaryNeed]] = []
        self.criteria: list[Criterion] = []
        self.invitations: list[Invitation] = []
        self.responses: list[Response] = []
        self.cases: list[RouteCase] = []
        self.awards: list[Award] = []
        self.risks: list[RiskApproval] = []

    def child(self, place: Place, at: datetime.datetime, need: PrimaryNeed) -> Child:
        rng, n = self.rng, len(self.children) + 1
        age = rng.randint(4, 19)
        status = rng.choice(LEGAL)
        looked_after = status in (LegalStatus.LOOKED_AFTER_S20, LegalStatus.LOOKED_AFTER_S31)
        case = f"{LARGE_CASE_PREFIX}{n:06d}"
        child = Child(
            authority=place.authority,
            given_name=f"Child {n:06d}",
            family_name="Large-Example",
            date_of_birth=(at - age * 365 * DAY - rng.randint(0, 360) * DAY).date(),
            case_number=case,
            gender=rng.choice(GENDERS),
            legal_status=status,
            caseworker_name=f"Caseworker {n % 40:02d}",
            caseworker_email=f"caseworker{n % 40:02d}@{place.prefix.lower()}.example",
            social_worker_name="Social Worker" if looked_after else "",
            social_worker_email=f"sw.{case.lower()}@council.example" if looked_after else "",
            iro_name="Reviewing Officer" if looked_after else "",
            iro_email=f"iro.{case.lower()}@council.example" if looked_after else "",
            primary_need=need,
            home_postcode=f"{rng.choice(place.districts)} {rng.randint(1, 9)}ZZ",
            created_at=at - DAY,
            created_by=place.staff["placements"],
            updated_at=at - DAY,
        )
        self.children.append(child)
        return child

    def referral(
        self,
        *,
        place: Place,
        system_id: int,
        at: datetime.datetime,
        route: str,
        block: bool,
        lot: Lot,
        need: PrimaryNeed,
        child: Child | None,
        state: str,
        on_lot: dict[int, list[Offer]],
    ) -> Referral:
        rng, now = self.rng, self.now
        by = place.staff["placements"]
        start = (at + rng.randint(14, 60) * DAY).date()
        emergency = rng.random() < 0.1
        referral = Referral(
            authority=place.authority,
            purchasing_system_id=system_id,
            reference=place.reference(at.year),
            kind=ReferralKind.BLOCK if block else ReferralKind.INDIVIDUAL,
            child=child,
            places=rng.randint(2, 6) if block else 1,
            price_per_place=Decimal(rng.randint(25, 60) * 100) if block else None,
            route=route,
            lot=lot,
            is_emergency=emergency,
            start_date=start,
            expected_end_date=start + 3 * 365 * DAY,
            primary_need=need,
            outcomes_sought="Attendance, progress against the plan's outcomes, a stable placement.",
            provider_summary=f"A placement for {need.name.lower()} on lot {lot.code}.",
            referrer_name=child.caseworker_name if child else "",
            referrer_email=child.caseworker_email if child else "",
            state=state,
            created_at=at,
            created_by=by,
            updated_at=at,
        )
        if state == ReferralState.RETURNED:
            referral.returned_at = min(at + DAY, now)
            referral.returned_by = by
            referral.return_reason = "Please add the latest annual review before publishing."
        if route in COMPETITIONS and state not in (ReferralState.DRAFT, ReferralState.RETURNED):
            self._published(referral, place, emergency)
        elif route not in COMPETITIONS and state != ReferralState.DRAFT:
            self._route_case(referral, place, on_lot)
        self.referrals.append(referral)
        self.needs.append((referral, need))
        self.criteria += [
            Criterion(
                referral=referral,
                kind=CriterionKind.PASS_FAIL,
                category=CriterionCategory.BEST_MATCH,
                title="Meets the needs in the EHC plan",
                position=0,
            ),
            Criterion(
                referral=referral,
                kind=CriterionKind.SCORED,
                category=CriterionCategory.BEST_MATCH,
                title="Best match",
                weight=60,
                position=1,
            ),
            Criterion(
                referral=referral,
                kind=CriterionKind.SCORED,
                category=CriterionCategory.PRICE,
                title="Price",
                weight=40,
                position=2,
            ),
        ]
        return referral

    def _published(self, referral: Referral, place: Place, emergency: bool) -> None:
        rng, now, by = self.rng, self.now, place.staff["placements"]
        at = referral.created_at
        published = max(at, min(at + rng.uniform(0.2, 2) * DAY, now - HOUR))
        referral.published_at, referral.published_by = published, by
        if referral.child is not None:
            born = referral.child.date_of_birth
            day = published.date()
            referral.shown_age_years = (
                day.year - born.year - ((day.month, day.day) < (born.month, born.day))
            )
            referral.shown_gender = referral.child.gender
            referral.shown_postcode_district = referral.child.home_postcode.split()[0]
        deadline = published + (2 * DAY if emergency else 14 * DAY)
        state = referral.state
        if state == ReferralState.OPEN:
            if deadline <= now:
                deadline = now + rng.uniform(1, 10) * DAY
        elif deadline >= now:
            deadline = between(rng, published, now, 0.5, 0.9)
        referral.response_deadline = deadline
        if state == ReferralState.WITHDRAWN:
            referral.withdrawn_at = between(rng, published, min(deadline, now), 0.3, 0.7)
            referral.withdrawn_by = by
            referral.withdrawal_reason = "The child's circumstances changed; no longer needed."
            return
        if state == ReferralState.OPEN:
            return
        referral.closed_at = deadline
        if deadline - DAY > published:
            referral.deadline_reminded_at = deadline - DAY
        decided = min(deadline + rng.uniform(1, 10) * DAY, between(rng, deadline, now, 0.3, 0.6))
        if state == ReferralState.AWARDED:
            referral.awarded_at, referral.awarded_by = decided, by
        elif state == ReferralState.NO_SUITABLE_PROVIDER:
            referral.no_suitable_provider_at, referral.no_suitable_provider_by = decided, by
            referral.no_suitable_provider_reason = "No response met the needs criterion."

    def _route_case(self, referral: Referral, place: Place, on_lot: dict[int, list[Offer]]) -> None:
        """A direct award's or spot purchase's case: awaiting, authorised (then awarded) or
        refused (then withdrawn)."""
        rng, now = self.rng, self.now
        submitted = referral.created_at + 2 * HOUR
        case = RouteCase(
            referral=referral,
            justification="Extreme urgency: no place within the competition's timescale."
            if referral.route == Route.DIRECT_AWARD
            else "No FPS member offers this placement near the family.",
            ground=DirectAwardGround.EXTREME_URGENCY
            if referral.route == Route.DIRECT_AWARD
            else "",
            weekly_price=Decimal(rng.randint(25, 70) * 100),
            submitted_at=min(submitted, now),
            submitted_by=place.staff["placements"],
        )
        decided = min(submitted + rng.uniform(2, 48) * HOUR, now)
        head = place.staff["headofservice"]
        if referral.state == ReferralState.AWARDED:
            case.state = AuthorisationState.AUTHORISED
            case.authorised_at, case.authorised_by = decided, head
            case.decision_note = "Authorised."
            referral.awarded_at = min(decided + HOUR, now)
            referral.awarded_by = place.staff["placements"]
        elif referral.state == ReferralState.WITHDRAWN:
            case.state = AuthorisationState.REFUSED
            case.refused_at, case.refused_by = decided, head
            case.decision_note = "Refused: run a competition."
            referral.withdrawn_at = min(decided + DAY, now)
            referral.withdrawn_by = place.staff["placements"]
            referral.withdrawal_reason = "Refused authorisation; the need was met otherwise."
        if referral.route == Route.DIRECT_AWARD and on_lot:
            offer = on_lot[rng.choice(sorted(on_lot))][0]
            case.provider_id, case.setting_id = offer.provider_id, offer.setting_id
            case.weekly_price = offer.price
        if referral.route == Route.DIRECT_AWARD:
            case.review_on = referral.start_date + 182 * DAY
            if case.review_on < now.date() and case.state == AuthorisationState.AUTHORISED:
                case.review_reminded_at = datetime.datetime.combine(
                    case.review_on, datetime.time(9), tzinfo=datetime.UTC
                )
                case.review_outcome = rng.choice(
                    [DirectAwardReview.KEPT] * 7 + [DirectAwardReview.REOPENED] * 3
                )
        if case.provider_id is None:  # a spot purchase, outside the FPS
            case.outside_provider_name = f"Outside Provider {rng.randint(1, 300):03d} Ltd"
            case.outside_setting_name = "Spot-purchased placement"
        self.cases.append(case)

    def invite(self, referral: Referral, on_lot: dict[int, list[Offer]]) -> list[Response]:
        """The competition's invitations and, once answered, their responses or declines."""
        rng, now = self.rng, self.now
        count = rng.randint(3, 9) if referral.route == Route.OPEN_COMPETITION else rng.randint(2, 4)
        providers = rng.sample(sorted(on_lot), min(count, len(on_lot)))
        assert referral.published_at is not None and referral.response_deadline is not None
        published, deadline = referral.published_at, referral.response_deadline
        end = min(deadline, now)
        submitted: list[Response] = []
        invited: list[Invitation] = []
        for provider_id in providers:
            invitation = Invitation(
                referral=referral, provider_id=provider_id, invited_at=published
            )
            self.invitations.append(invitation)
            invited.append(invitation)
            if referral.state == ReferralState.WITHDRAWN:
                invitation.state = InvitationState.WITHDRAWN
                continue
            roll = rng.random()
            is_open = referral.state == ReferralState.OPEN
            answered = between(rng, published, end, 0.2, 0.95)
            # A setting that requires improvement bids less often (and is chosen only when
            # nothing better is offered), so few placements need the risk sign-offs.
            passes = on_lot[provider_id][0].band == "pass"
            if roll < (0.34 if passes else 0.17):
                invitation.first_viewed_at = answered - HOUR
                draft = is_open and rng.random() < 0.3
                offers = on_lot[provider_id]
                for offer in offers[: 2 if len(offers) > 1 and rng.random() < 0.1 else 1]:
                    response = self._response(invitation, offer, answered, draft)
                    if not draft:
                        submitted.append(response)
                if not draft:
                    invitation.state = InvitationState.RESPONDED
            elif roll < 0.64:
                invitation.state = InvitationState.DECLINED
                invitation.first_viewed_at = invitation.declined_at = answered
                invitation.decline_reason = rng.choice(DECLINES)
            elif not is_open:
                invitation.state = InvitationState.LAPSED
                invitation.lapsed_at = deadline
                if referral.deadline_reminded_at:
                    invitation.reminded_at = referral.deadline_reminded_at
        if referral.state == ReferralState.AWARDED and not submitted and invited:
            # An awarded competition had a response to award: an invitee (one whose setting
            # passes, if any) responded.
            first = next(
                (i for i in invited if on_lot[i.provider_id][0].band == "pass"), invited[0]
            )
            first.state = InvitationState.RESPONDED
            first.declined_at = first.lapsed_at = first.reminded_at = None
            first.decline_reason = ""
            at = between(rng, published, end, 0.2, 0.95)
            first.first_viewed_at = at - HOUR
            submitted.append(self._response(first, on_lot[first.provider_id][0], at, False))
        return submitted

    def _response(
        self, invitation: Invitation, offer: Offer, at: datetime.datetime, draft: bool
    ) -> Response:
        rng = self.rng
        differs = rng.random() < 0.15
        price = (
            (offer.price * Decimal(str(round(rng.uniform(0.95, 1.12), 3)))).quantize(
                Decimal("0.01")
            )
            if differs
            else offer.price
        )
        response = Response(
            invitation=invitation,
            setting_id=offer.setting_id,
            state=ResponseState.DRAFT if draft else ResponseState.SUBMITTED,
            weekly_price=price,
            indicative_price=offer.price,
            price_difference_reason="Additional staffing for the needs described."
            if differs
            else "",
            proposed_start_date=invitation.referral.start_date,
            how_needs_met="A small group with a key worker and therapy on site.",
            how_outcomes_met="Termly targets reviewed with the family.",
            inspection_judgement=offer.summary,
            inspection_date=offer.as_at,
            inspection_confirmed=not draft,
            created_at=at - HOUR,
            updated_at=at,
            submitted_at=None if draft else at,
        )
        self.responses.append(response)
        return response

    def award(
        self, referral: Referral, place: Place, submitted: list[Response], bands: dict[int, str]
    ) -> None:
        """The winner (a setting that passes if any does, then the lowest price), the RI steps
        when it does not pass, and every response's outcome, told at the award."""
        awarded_at = referral.awarded_at
        assert awarded_at is not None
        winner = min(  # every submitted response has its weekly price
            submitted,
            key=lambda r: (bands.get(r.setting_id) != "pass", r.weekly_price, r.setting_id),
        )
        band = bands.get(winner.setting_id, "")
        risky = band in ("concern", "fail")
        award = Award(
            referral=referral,
            response=winner,
            provider_id=winner.invitation.provider_id,
            setting_id=winner.setting_id,
            state=AwardState.COMPLETE,
            reasons="The highest weighted total of the responses that passed.",
            agreed_weekly_price=winner.weekly_price or Decimal(0),
            weeks_per_year=weeks_for(referral.lot),
            start_date=referral.start_date,
            end_date=referral.expected_end_date,
            band_at_award=band,
            additional_monitoring=risky,
            proposed_at=awarded_at - 2 * DAY if risky else awarded_at - HOUR,
            proposed_by=place.staff["placements"],
            completed_at=awarded_at,
        )
        self.awards.append(award)
        if risky:
            child = referral.child
            alerted = (
                [
                    {"role": "social worker", "email": child.social_worker_email},
                    {"role": "Independent Reviewing Officer", "email": child.iro_email},
                ]
                if child is not None and child.social_worker_email
                else [{"role": "SEND caseworker", "email": child.caseworker_email if child else ""}]
            )
            self.risks.append(
                RiskApproval(
                    award=award,
                    inspection_summary_filename="inspection-summary.pdf",
                    action_plan_filename="action-plan.pdf",
                    documents_attached_at=awarded_at - 36 * HOUR,
                    risk_approach="A quality visit before the start date; monthly monitoring.",
                    quality_visit_planned_on=(awarded_at + 14 * DAY).date(),
                    csw_manager_signed_at=awarded_at - 24 * HOUR,
                    csw_manager_signed_by=place.staff["cswmanager"],
                    commissioning_manager_signed_at=awarded_at - 12 * HOUR,
                    commissioning_manager_signed_by=place.staff["commissioningmanager"],
                    alerted_at=awarded_at,
                    alerted=alerted,
                )
            )
        for response in submitted:
            invitation = response.invitation
            invitation.outcome = (
                Outcome.AWARDED if invitation is winner.invitation else Outcome.UNSUCCESSFUL
            )
            invitation.outcome_notified_at = awarded_at

    def route_award(self, referral: Referral) -> None:
        """A direct award (to the member's setting its case names) or a spot purchase, once
        authorised; neither has a response."""
        case = self.cases[-1]
        awarded_at = referral.awarded_at
        assert awarded_at is not None and case.referral is referral
        self.awards.append(
            Award(
                referral=referral,
                provider_id=case.provider_id,
                setting_id=case.setting_id,
                state=AwardState.COMPLETE,
                reasons="Authorised by the head of service.",
                agreed_weekly_price=case.weekly_price,
                weeks_per_year=weeks_for(referral.lot),
                start_date=referral.start_date,
                end_date=referral.expected_end_date,
                proposed_at=awarded_at,
                proposed_by=referral.awarded_by,
                completed_at=awarded_at,
            )
        )

    def write(self) -> None:
        """Everything, parents first: bulk_create sets each row's id on the object, and a child
        row then takes its parent's id when it is written."""
        bulk(Child, self.children)
        bulk(Referral, self.referrals)
        through_n, through_s = Referral.needs.through, Referral.specialisms.through
        through_n.objects.bulk_create(
            [through_n(referral_id=r.pk, primaryneed_id=n.pk) for r, n in self.needs],
            batch_size=BATCH * 5,
        )
        through_s.objects.bulk_create(
            [through_s(referral_id=r.pk, specialism_id=n.specialism_id) for r, n in self.needs],
            batch_size=BATCH * 5,
        )
        bulk(Criterion, self.criteria)
        bulk(Invitation, self.invitations)
        bulk(Response, self.responses)
        bulk(RouteCase, self.cases)
        bulk(Award, self.awards)
        bulk(RiskApproval, self.risks)


def bulk(model: Any, rows: list[Any]) -> None:
    model.objects.bulk_create(rows, batch_size=BATCH)
