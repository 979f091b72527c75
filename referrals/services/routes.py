"""The two routes without a competition: a direct award and a spot purchase outside the FPS, each
with its case and the authorisation of a head of service or director (seed 001, "Direct
Award"; seed 002, "Spot Purchasing").

A direct award records its grounds, a written justification, the setting (on the FPS, on the
lot) and a review date at which the order may be opened to competition; beat reminds once on that
date (`direct_award_reviews_remind`). A purchasing system of the DPS kind refuses direct award.
A spot purchase records the provider (on the portal or outside it), why the usual procedures do
not apply, and the same authorisation. An authorised case is what the awards part completes the
referral's award from; a refused one sends the referral back to draft with the reason.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from fps_portal.accounts.models import Organisation, OrganisationKind, Role, SeniorPosition, User
from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record, snapshot
from fps_portal.errors import InvalidInput, NotAllowed, WrongState
from fps_portal.notifications.services import notify
from fps_portal.scoping import dangerously_unscoped, scoped
from fps_portal.transitions import lock, transition
from providers.models import Setting
from referrals.models import (
    AUTHORISATION_TRANSITIONS,
    AUTHORISED_ROUTES,
    REFERRAL_TRANSITIONS,
    AuthorisationState,
    DirectAwardGround,
    DirectAwardReview,
    Referral,
    ReferralState,
    Route,
    RouteCase,
)
from referrals.permissions import AUTHORISING_POSITIONS, holds_authorising_post
from referrals.scope_rules import places_children
from referrals.services.awards import award_direct
from referrals.services.referral_rules import settings_eligible

CASE_FIELDS = [
    "ground",
    "justification",
    "provider",
    "setting",
    "outside_provider_name",
    "outside_setting_name",
    "weekly_price",
    "review_on",
    "state",
]
POSITIONS = ", ".join(str(SeniorPosition(p).label).lower() for p in sorted(AUTHORISING_POSITIONS))
NOT_AN_AUTHORISER = (
    "Only a head of service or a director can authorise a direct award or a spot purchase "
    f"({POSITIONS}). Your account is {{who}}: ask one of them to authorise it."
)
OWN_CASE = (
    "You submitted this case, so another head of service or director must authorise it: "
    "nobody authorises their own."
)
GROUND_MISSING = "Choose the grounds for a direct award."
JUSTIFICATION_MISSING = "Write the justification: why this placement cannot wait for a competition."
SPOT_JUSTIFICATION_MISSING = "Write why the usual procedures (the FPS) do not apply."
SETTING_MISSING = "Choose the setting on the FPS the place is awarded to."
SETTING_NOT_ON_LOT = (
    "That setting is not on this lot of the FPS (an active member with an approved price): "
    "choose another, or record a spot purchase."
)
SPOT_PROVIDER_MISSING = "Choose the provider on the portal, or enter the provider's name."
PRICE_MISSING = "Enter the weekly price, above £0."
REVIEW_MISSING = "Enter the review date, when the order may be opened to competition."
REVIEW_PAST = "The review date must be in the future."
REFUSE_NOTE_MISSING = "Enter why the case is refused, so it can be put right."
DPS_REFUSES = (
    "This purchasing system is a dynamic purchasing system: every order needs a competition, "
    "so it cannot be directly awarded."
)


def can_authorise_route_case(actor: Actor) -> bool:
    return holds_authorising_post(actor)


def authorisation_refusal(actor: Actor) -> str | None:
    """Why this actor may not authorise (None: they may), naming their post."""
    if can_authorise_route_case(actor):
        return None
    membership = actor.membership
    if membership is None or membership.role != Role.SENIOR_MANAGER:
        who = f"a {Role(actor.role).label.lower()}" if actor.role else "acting for no one"
    elif membership.senior_position:
        who = f"a {SeniorPosition(membership.senior_position).label.lower()}"
    else:
        who = "a senior manager without a senior post recorded"
    return NOT_AN_AUTHORISER.format(who=who)


@dataclass(frozen=True)
class RouteCaseInput:
    justification: str
    weekly_price: Decimal | None
    ground: str = ""
    setting_id: int | None = None
    provider_id: int | None = None
    outside_provider_name: str = ""
    outside_setting_name: str = ""
    review_on: datetime.date | None = None


def _direct_award_errors(
    referral: Referral, data: RouteCaseInput
) -> tuple[dict[str, list[str]], Setting | None]:
    errors: dict[str, list[str]] = {}
    setting = None
    if data.ground not in DirectAwardGround.values:
        errors["ground"] = [GROUND_MISSING]
    if data.setting_id is None:
        errors["setting"] = [SETTING_MISSING]
    else:
        setting = settings_eligible(referral).filter(pk=data.setting_id).first()
        if setting is None:
            errors["setting"] = [SETTING_NOT_ON_LOT]
    if data.review_on is None:
        errors["review_on"] = [REVIEW_MISSING]
    elif data.review_on <= timezone.localdate():
        errors["review_on"] = [REVIEW_PAST]
    if not data.justification.strip():
        errors["justification"] = [JUSTIFICATION_MISSING]
    return errors, setting


def _spot_errors(
    actor: Actor, data: RouteCaseInput
) -> tuple[dict[str, list[str]], Organisation | None, Setting | None]:
    errors: dict[str, list[str]] = {}
    provider = setting = None
    if data.setting_id is not None:
        setting = (
            scoped(Setting, actor).select_related("provider").filter(pk=data.setting_id).first()
        )
        if setting is None:
            errors["setting"] = ["Choose a setting from the list, or leave it empty."]
        else:
            provider = setting.provider
    if provider is None and data.provider_id is not None:
        provider = (
            dangerously_unscoped(Organisation)
            .filter(pk=data.provider_id, kind=OrganisationKind.PROVIDER)
            .first()
        )
        if provider is None:
            errors["provider"] = ["Choose a provider from the list, or enter the name."]
    if provider is None and not data.outside_provider_name.strip() and "provider" not in errors:
        errors["outside_provider_name"] = [SPOT_PROVIDER_MISSING]
    if not data.justification.strip():
        errors["justification"] = [SPOT_JUSTIFICATION_MISSING]
    return errors, provider, setting


def _senior_authorisers(authority_id: int) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            memberships__organisation_id=authority_id,
            memberships__role=Role.SENIOR_MANAGER,
            memberships__senior_position__in=AUTHORISING_POSITIONS,
            memberships__is_active=True,
        ).distinct()
    )


@transaction.atomic
def route_case_submit(*, actor: Actor, referral: Referral, data: RouteCaseInput) -> RouteCase:
    """Records (or, after a refusal, records again) the case for a direct award or a spot
    purchase and puts it before a head of service or director: the referral awaits
    authorisation. A DPS refuses direct award."""
    if not places_children(actor):
        raise NotAllowed(
            "Only the placing authority's commissioners and senior managers can do this."
        )
    locked = lock(referral)
    if locked.route not in AUTHORISED_ROUTES:
        raise WrongState(
            "This referral is a mini-competition: it is published to providers, not authorised."
        )
    if locked.state != ReferralState.DRAFT:
        raise WrongState(
            f"This referral is {locked.get_state_display().lower()}, so its case cannot be "
            "submitted now."
        )
    if locked.route == Route.DIRECT_AWARD and not locked.purchasing_system.direct_award_allowed:
        raise WrongState(DPS_REFUSES)
    errors: dict[str, list[str]] = {}
    if data.weekly_price is None or data.weekly_price <= 0:
        errors["weekly_price"] = [PRICE_MISSING]
    provider: Organisation | None
    if locked.route == Route.DIRECT_AWARD:
        found, setting = _direct_award_errors(locked, data)
        provider = setting.provider if setting is not None else None
    else:
        found, provider, setting = _spot_errors(actor, data)
    errors.update(found)
    if len(data.justification.strip()) > 10000:
        errors["justification"] = ["The justification must be 10,000 characters or fewer."]
    if errors:
        raise InvalidInput.on_fields(errors)
    assert data.weekly_price is not None
    now = timezone.now()
    values = {
        "ground": data.ground if locked.route == Route.DIRECT_AWARD else "",
        "justification": data.justification.strip(),
        "provider": provider,
        "setting": setting,
        "outside_provider_name": "" if provider else data.outside_provider_name.strip(),
        "outside_setting_name": "" if provider else data.outside_setting_name.strip(),
        "weekly_price": data.weekly_price,
        "review_on": data.review_on if locked.route == Route.DIRECT_AWARD else None,
        "submitted_at": now,
        "submitted_by": actor.user if actor.user.pk else None,
        "decision_note": "",
    }
    case = dangerously_unscoped(RouteCase).select_for_update().filter(referral=locked).first()
    before: dict[str, object] = {}
    if case is None:
        case = RouteCase.objects.create(referral=locked, **values)
    else:
        before = snapshot(case, CASE_FIELDS)
        if case.state != AuthorisationState.AWAITING:
            transition(case, to=AuthorisationState.AWAITING, table=AUTHORISATION_TRANSITIONS)
        for name, value in values.items():
            setattr(case, name, value)
        case.save()
    referral_change = transition(
        locked,
        to=ReferralState.AWAITING_AUTHORISATION,
        table=REFERRAL_TRANSITIONS,
        what="referral",
    )
    audit_record(
        actor=actor,
        verb=AuditVerb.CREATED if not before else AuditVerb.UPDATED,
        obj=case,
        before=before,
        after=snapshot(case, CASE_FIELDS),
    )
    audit_record(
        actor=actor,
        verb=AuditVerb.STATE_CHANGED,
        obj=locked,
        before=referral_change.before,
        after=referral_change.after,
    )
    notify(
        recipients=_senior_authorisers(locked.authority_id),
        event_key=f"route-case-submitted:{case.pk}:{now.isoformat()}",
        template="notifications/referrals_authorisation_needed",
        context={"referral": locked, "case": case},
        url=reverse("referrals:authorisation-decide", args=[locked.pk]),
    )
    return case


def _decidable(actor: Actor, case: RouteCase) -> None:
    refusal = authorisation_refusal(actor)
    if refusal is not None:
        raise NotAllowed(refusal)
    if case.submitted_by_id is not None and case.submitted_by_id == actor.user.pk:
        raise NotAllowed(OWN_CASE)
    if case.state != AuthorisationState.AWAITING:
        raise WrongState(
            f"This case is {case.get_state_display().lower()} already: a decision stands."
        )


def _tell_submitter(case: RouteCase, referral: Referral, decision: str) -> None:
    if case.submitted_by is None:
        return
    notify(
        recipients=[case.submitted_by],
        event_key=f"route-case-{decision}:{case.pk}:{case.submitted_at.isoformat()}",
        # Named in full, so the template test finds each template's caller.
        template=(
            "notifications/referrals_case_authorised"
            if decision == "authorised"
            else "notifications/referrals_case_refused"
        ),
        context={"referral": referral, "case": case},
        url=reverse("referrals:referral-detail", args=[referral.pk]),
    )


@transaction.atomic
def route_case_authorise(*, actor: Actor, referral: Referral, note: str = "") -> RouteCase:
    """A head of service or director authorises the case in writing (their note is kept). The
    award is made from it at once (`award_direct`)."""
    locked = lock(referral)
    case = dangerously_unscoped(RouteCase).select_for_update().filter(referral=locked).first()
    if case is None or locked.state != ReferralState.AWAITING_AUTHORISATION:
        raise WrongState("This referral has no case awaiting authorisation.")
    _decidable(actor, case)
    change = transition(
        case,
        to=AuthorisationState.AUTHORISED,
        table=AUTHORISATION_TRANSITIONS,
        event="authorised",
        by=actor.user,
        also={"decision_note": note.strip()},
        what="case",
    )
    audit_record(
        actor=actor,
        verb=AuditVerb.DECIDED,
        obj=case,
        before=change.before,
        after=change.after,
        reason=note.strip() or "Authorised.",
    )
    _tell_submitter(case, locked, "authorised")
    # Authorised, the case is the award (seed 001: the route is the direct award itself): made in
    # the same transaction, so an authorised case never waits for someone to remember it. To a
    # concern or fail setting the award then waits for the risk sign-offs like any other.
    award_direct(actor=actor, route_case=case)
    return case


@transaction.atomic
def route_case_refuse(*, actor: Actor, referral: Referral, note: str) -> RouteCase:
    """Refuses the case with a reason; the referral goes back to draft to be put right (or its
    route changed to a competition)."""
    note = note.strip()
    locked = lock(referral)
    case = dangerously_unscoped(RouteCase).select_for_update().filter(referral=locked).first()
    if case is None or locked.state != ReferralState.AWAITING_AUTHORISATION:
        raise WrongState("This referral has no case awaiting authorisation.")
    _decidable(actor, case)
    if not note:
        raise InvalidInput.on_fields({"note": [REFUSE_NOTE_MISSING]})
    change = transition(
        case,
        to=AuthorisationState.REFUSED,
        table=AUTHORISATION_TRANSITIONS,
        event="refused",
        by=actor.user,
        also={"decision_note": note},
        what="case",
    )
    back = transition(locked, to=ReferralState.DRAFT, table=REFERRAL_TRANSITIONS)
    audit_record(
        actor=actor,
        verb=AuditVerb.DECIDED,
        obj=case,
        before=change.before,
        after=change.after,
        reason=note,
    )
    audit_record(
        actor=actor,
        verb=AuditVerb.STATE_CHANGED,
        obj=locked,
        before=back.before,
        after=back.after,
        reason=note,
    )
    _tell_submitter(case, locked, "refused")
    return case


# -- the review date ---------------------------------------------------------------------------


def direct_award_reviews_due(*, on: datetime.date | None = None) -> list[int]:
    """Authorised direct awards whose review date has come and that were not yet reminded."""
    return list(
        dangerously_unscoped(RouteCase)
        .filter(
            referral__route=Route.DIRECT_AWARD,
            state=AuthorisationState.AUTHORISED,
            review_on__lte=on or timezone.localdate(),
            review_reminded_at__isnull=True,
            review_outcome="",
        )
        .values_list("pk", flat=True)
    )


@transaction.atomic
def direct_award_review_remind(*, case_id: int) -> bool:
    """Reminds the case's submitter and authoriser, once, that the direct award is due for review
    (it may be opened to competition). False when it was reminded already (beat run twice)."""
    case = (
        dangerously_unscoped(RouteCase)
        # Only the case's row: PostgreSQL locks no row on the nullable side of a join.
        .select_for_update(of=("self",))
        .select_related("referral", "submitted_by", "authorised_by")
        .get(pk=case_id)
    )
    if case.review_reminded_at is not None or case.review_outcome:
        return False
    case.review_reminded_at = timezone.now()
    case.save(update_fields=["review_reminded_at"])
    audit_record(
        actor=None,
        verb=AuditVerb.UPDATED,
        obj=case,
        before={"review_reminded_at": None},
        after={"review_reminded_at": case.review_reminded_at.isoformat()},
        reason="The direct award's review date has come.",
    )
    people = [u for u in (case.submitted_by, case.authorised_by) if u is not None]
    notify(
        recipients=people,
        event_key=f"direct-award-review:{case.pk}",
        template="notifications/referrals_review_due",
        context={"referral": case.referral, "case": case},
        url=reverse("referrals:referral-detail", args=[case.referral_id]),
    )
    return True


def direct_award_reviews_remind() -> int:
    """Beat's job: remind each due review once; the number reminded now."""
    return sum(direct_award_review_remind(case_id=pk) for pk in direct_award_reviews_due())


@transaction.atomic
def direct_award_review_record(
    *, actor: Actor, referral: Referral, outcome: str, note: str = ""
) -> RouteCase:
    """Records the review: kept with the provider, or opened to competition (the awards part
    re-runs the referral on a competition route)."""
    if not places_children(actor):
        raise NotAllowed(
            "Only the placing authority's commissioners and senior managers can do this."
        )
    if outcome not in DirectAwardReview.values:
        raise InvalidInput.on_fields({"outcome": ["Choose the outcome of the review."]})
    locked = lock(referral)
    case = dangerously_unscoped(RouteCase).select_for_update().filter(referral=locked).first()
    if (
        case is None
        or locked.route != Route.DIRECT_AWARD
        or case.state != AuthorisationState.AUTHORISED
    ):
        raise WrongState("Only an authorised direct award has a review.")
    if case.review_outcome:
        raise WrongState("The review is recorded already.")
    before = snapshot(case, ["review_outcome"])
    case.review_outcome = outcome
    case.save(update_fields=["review_outcome"])
    audit_record(
        actor=actor,
        verb=AuditVerb.DECIDED,
        obj=case,
        before=before,
        after=snapshot(case, ["review_outcome"]),
        reason=note.strip(),
    )
    return case
