"""A placing authority's referral: its draft, criteria and scale, the check before publishing,
publishing (snapshot, deadline, invitations, notices), return to the referrer, withdrawal and
closing early.

Every write is keyword-only, atomic, audited in its transaction and, where a state changes,
made on the referral's locked row through `fps_portal.transitions`. What providers are shown is
snapshotted at publishing (`shown_age_years`, `shown_gender`, `shown_postcode_district`) and no
notice to a provider names the child: their notices carry the reference, lot, deadline and
the snapshot only.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from fps_portal.accounts.models import User
from fps_portal.accounts.recipients import provider_users
from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record, snapshot
from fps_portal.errors import InvalidInput, NotAllowed, WrongState
from fps_portal.notifications.services import email_outside, notify
from fps_portal.once import already_made, create_once
from fps_portal.scoping import dangerously_unscoped, scoped
from fps_portal.transitions import lock, transition
from providers.models import Lot, PrimaryNeed
from providers.postcodes import PostcodeError, parse_district
from referrals.models import (
    COMPETITION_ROUTES,
    INVITATION_TRANSITIONS,
    REFERRAL_TRANSITIONS,
    Child,
    ChildDocument,
    Criterion,
    CriterionCategory,
    CriterionKind,
    Invitation,
    InvitationState,
    PriceScoring,
    Referral,
    ReferralKind,
    ReferralState,
    Route,
    ScaleDescriptor,
    ShortlistEntry,
)
from referrals.scope_rules import places_children
from referrals.services.referral_rules import (
    next_reference,
    offers_on_the_lot,
    placement_rules,
    placement_rules_locked,
    response_deadline,
)

EDITABLE_STATES = frozenset({ReferralState.DRAFT, ReferralState.RETURNED})
DETAIL_FIELDS = [
    "kind",
    "child",
    "places",
    "price_per_place",
    "route",
    "lot",
    "purchasing_system",
    "is_emergency",
    "start_date",
    "expected_end_date",
    "primary_need",
    "outcomes_sought",
    "provider_summary",
    "referrer_name",
    "referrer_email",
]
MAX_CRITERIA = 20

NOT_PLACING = "Only the placing authority's commissioners and senior managers can do this."
CHILD_MISSING = "Choose the child this referral is for."
CHILD_UNKNOWN = "Choose a child from your authority's records."
LOT_MISSING = "Choose the lot the place is bought under."
ROUTE_MISSING = "Choose how the place will be bought."
START_MISSING = "Enter the date the placement should start."
END_BEFORE_START = "The expected end must be after the start date."
DPS_NO_DIRECT_AWARD = (
    "This purchasing system is a dynamic purchasing system: every order needs a competition, "
    "so it cannot be directly awarded. Choose an open or preselected mini-competition."
)
NOT_EDITABLE = (
    "This referral is {state}, so it can no longer be changed. Withdraw it and start a new one "
    "if what is needed has changed."
)
WEIGHTS_TOTAL = "The weights of the scored criteria must total 100 (they total {total})."
TITLE_MISSING = "Enter the criterion's title."
RETURN_REASON_MISSING = "Enter what the referrer needs to add or change."
WITHDRAW_REASON_MISSING = "Enter why the referral is withdrawn: invited providers are told."
CLOSE_REASON_MISSING = "Enter why the competition closes before its deadline."


def can_place(actor: Actor) -> bool:
    return places_children(actor)


def _require_placing(actor: Actor) -> None:
    if not can_place(actor):
        raise NotAllowed(NOT_PLACING)


def _user(actor: Actor) -> User | None:
    return actor.user if actor.user.pk else None


# -- the draft --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReferralInput:
    """What a commissioner writes in a referral (a page's form or the API's body)."""

    kind: str = ReferralKind.INDIVIDUAL
    child_id: int | None = None
    places: int = 1
    price_per_place: Decimal | None = None
    route: str = ""
    lot_id: int | None = None
    is_emergency: bool = False
    start_date: datetime.date | None = None
    expected_end_date: datetime.date | None = None
    primary_need_code: str = ""
    need_codes: tuple[str, ...] = ()
    outcomes_sought: str = ""
    provider_summary: str = ""
    shared_document_ids: tuple[int, ...] = ()
    referrer_name: str = ""
    referrer_email: str = ""


@dataclass(frozen=True)
class _Resolved:
    child: Child | None
    lot: Lot
    primary_need: PrimaryNeed | None
    needs: list[PrimaryNeed]
    documents: list[ChildDocument]


def _resolve(actor: Actor, data: ReferralInput) -> _Resolved:
    """The input's references, looked up within what the actor may see; every problem at once."""
    errors: dict[str, list[str]] = {}
    child = None
    if data.kind not in ReferralKind.values:
        errors["kind"] = ["Choose whether the referral is for one child or a block purchase."]
    if data.child_id is not None:
        child = scoped(Child, actor).filter(pk=data.child_id).first()
        if child is None:
            errors["child"] = [CHILD_UNKNOWN]
    elif data.kind == ReferralKind.INDIVIDUAL:
        errors["child"] = [CHILD_MISSING]
    if data.places < 1 or data.places > 500:
        errors["places"] = ["Enter the number of places, from 1 to 500."]
    elif data.kind == ReferralKind.INDIVIDUAL and data.places != 1:
        errors["places"] = ["A referral for one child is for one place."]
    if data.price_per_place is not None and data.price_per_place <= 0:
        errors["price_per_place"] = ["Enter a price per place above £0, or leave it empty."]
    if data.route not in Route.values:
        errors["route"] = [ROUTE_MISSING]
    lot = scoped(Lot, actor).select_related("purchasing_system").filter(pk=data.lot_id or 0).first()
    if lot is None:
        errors["lot"] = [LOT_MISSING]
    elif data.route == Route.DIRECT_AWARD and not lot.purchasing_system.direct_award_allowed:
        errors["route"] = [DPS_NO_DIRECT_AWARD]
    if data.start_date is None:
        errors["start_date"] = [START_MISSING]
    elif data.expected_end_date is not None and data.expected_end_date <= data.start_date:
        errors["expected_end_date"] = [END_BEFORE_START]
    primary_need = None
    if data.primary_need_code:
        primary_need = PrimaryNeed.objects.filter(code=data.primary_need_code).first()
        if primary_need is None:
            errors["primary_need"] = ["Choose a primary need from the list."]
    needs = list(PrimaryNeed.objects.filter(code__in=set(data.need_codes)))
    if len(needs) != len(set(data.need_codes)):
        errors["needs"] = ["Choose needs from the list."]
    documents: list[ChildDocument] = []
    if data.shared_document_ids:
        if child is None:
            errors["shared_documents"] = ["Only a child's documents can be shared."]
        else:
            documents = list(
                scoped(ChildDocument, actor).filter(
                    child=child, pk__in=set(data.shared_document_ids)
                )
            )
            if len(documents) != len(set(data.shared_document_ids)):
                errors["shared_documents"] = ["Choose documents from this child's record."]
    if errors:
        raise InvalidInput.on_fields(errors)
    assert lot is not None
    return _Resolved(
        child=child, lot=lot, primary_need=primary_need, needs=needs, documents=documents
    )


def _apply(referral: Referral, data: ReferralInput, resolved: _Resolved) -> None:
    referral.kind = data.kind
    referral.child = resolved.child
    referral.places = data.places
    referral.price_per_place = data.price_per_place
    referral.route = data.route
    referral.lot = resolved.lot
    referral.purchasing_system = resolved.lot.purchasing_system
    referral.is_emergency = data.is_emergency
    assert data.start_date is not None
    referral.start_date = data.start_date
    referral.expected_end_date = data.expected_end_date
    referral.primary_need = resolved.primary_need
    referral.outcomes_sought = data.outcomes_sought.strip()
    referral.provider_summary = data.provider_summary.strip()
    referral.referrer_name = data.referrer_name.strip()
    referral.referrer_email = data.referrer_email.strip()


def _relations(referral: Referral, resolved: _Resolved) -> None:
    referral.needs.set(resolved.needs)
    referral.shared_documents.set(resolved.documents)


@transaction.atomic
def referral_create(
    *, actor: Actor, data: ReferralInput, submission_key: uuid.UUID | None = None
) -> Referral:
    """A draft referral with the authority's next reference number (taken under the lock of its
    placement rules, so two at once never share one). The same form sent twice makes one."""
    _require_placing(actor)
    authority = actor.organisation
    assert authority is not None
    earlier = dangerously_unscoped(Referral).filter(authority=authority)
    made = already_made(earlier, submission_key)
    if made is not None:
        return made
    resolved = _resolve(actor, data)
    rules = placement_rules_locked(authority)
    now = timezone.now()

    def create() -> Referral:
        referral = Referral(
            authority=authority,
            reference=next_reference(rules, on=timezone.localdate(now)),
            created_by=_user(actor),
            created_at=now,
            updated_at=now,
            submission_key=submission_key,
        )
        _apply(referral, data, resolved)
        referral.save()
        return referral

    referral, created = create_once(earlier=earlier, submission_key=submission_key, create=create)
    if created:
        _relations(referral, resolved)
        audit_record(
            actor=actor,
            verb=AuditVerb.CREATED,
            obj=referral,
            after=snapshot(referral, [*DETAIL_FIELDS, "reference", "state"]),
        )
    return referral


def _editable(referral: Referral) -> None:
    if referral.state not in EDITABLE_STATES:
        raise WrongState(NOT_EDITABLE.format(state=referral.get_state_display().lower()))


@transaction.atomic
def referral_update(*, actor: Actor, referral: Referral, data: ReferralInput) -> Referral:
    """Changes a draft (or a returned referral, which the change makes a draft again)."""
    _require_placing(actor)
    locked = lock(referral)
    _editable(locked)
    resolved = _resolve(actor, data)
    before = snapshot(locked, [*DETAIL_FIELDS, "state"])
    if locked.route != data.route and locked.route == Route.PRESELECTED_COMPETITION:
        # A shortlist belongs to a preselected competition only.
        dangerously_unscoped(ShortlistEntry).filter(referral=locked).delete()
    _apply(locked, data, resolved)
    locked.updated_at = timezone.now()
    locked.save()
    _relations(locked, resolved)
    if locked.state == ReferralState.RETURNED:
        transition(locked, to=ReferralState.DRAFT, table=REFERRAL_TRANSITIONS)
    audit_record(
        actor=actor,
        verb=AuditVerb.UPDATED,
        obj=locked,
        before=before,
        after=snapshot(locked, [*DETAIL_FIELDS, "state"]),
    )
    return locked


# -- criteria and the scale -------------------------------------------------------------------


@dataclass(frozen=True)
class CriterionInput:
    kind: str
    category: str
    title: str
    guidance: str = ""
    weight: int = 0


def _criterion_errors(item: CriterionInput, prefix: str = "") -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if item.kind not in CriterionKind.values:
        errors[f"{prefix}kind"] = ["Choose whether the criterion is pass or fail, or scored."]
    if item.category not in CriterionCategory.values:
        errors[f"{prefix}category"] = ["Choose what the criterion is about."]
    if not item.title.strip():
        errors[f"{prefix}title"] = [TITLE_MISSING]
    elif len(item.title.strip()) > 200:
        errors[f"{prefix}title"] = ["Title must be 200 characters or fewer."]
    if item.kind == CriterionKind.SCORED and not 1 <= item.weight <= 100:
        errors[f"{prefix}weight"] = ["Enter a weight from 1 to 100."]
    if item.kind == CriterionKind.PASS_FAIL and item.weight:
        errors[f"{prefix}weight"] = ["A pass or fail criterion has no weight: leave it at 0."]
    return errors


def _criteria_snapshot(referral: Referral) -> list[dict[str, Any]]:
    return [
        {"kind": c.kind, "category": c.category, "title": c.title, "weight": c.weight}
        for c in dangerously_unscoped(Criterion).filter(referral=referral)
    ]


@transaction.atomic
def criterion_add(*, actor: Actor, referral: Referral, item: CriterionInput) -> Criterion:
    """Adds one criterion to a draft (the weights' total is checked before publishing)."""
    _require_placing(actor)
    locked = lock(referral)
    _editable(locked)
    errors = _criterion_errors(item)
    existing = dangerously_unscoped(Criterion).filter(referral=locked)
    if existing.count() >= MAX_CRITERIA:
        errors["title"] = [f"A referral has at most {MAX_CRITERIA} criteria."]
    if errors:
        raise InvalidInput.on_fields(errors)
    before = _criteria_snapshot(locked)
    last = existing.order_by("-position").values_list("position", flat=True).first()
    criterion = Criterion.objects.create(
        referral=locked,
        kind=item.kind,
        category=item.category,
        title=item.title.strip(),
        guidance=item.guidance.strip(),
        weight=item.weight if item.kind == CriterionKind.SCORED else 0,
        position=(last or 0) + 1,
    )
    audit_record(
        actor=actor,
        verb=AuditVerb.UPDATED,
        obj=locked,
        before={"criteria": before},
        after={"criteria": _criteria_snapshot(locked)},
    )
    return criterion


@transaction.atomic
def criterion_remove(*, actor: Actor, referral: Referral, criterion_id: int) -> None:
    _require_placing(actor)
    locked = lock(referral)
    _editable(locked)
    before = _criteria_snapshot(locked)
    deleted, _ = dangerously_unscoped(Criterion).filter(referral=locked, pk=criterion_id).delete()
    if not deleted:
        raise InvalidInput.on_fields({"criterion": ["That criterion is not on this referral."]})
    audit_record(
        actor=actor,
        verb=AuditVerb.UPDATED,
        obj=locked,
        before={"criteria": before},
        after={"criteria": _criteria_snapshot(locked)},
    )


@transaction.atomic
def criteria_weights_set(
    *, actor: Actor, referral: Referral, weights: Mapping[int, int]
) -> Referral:
    """Sets every scored criterion's weight at once; they must total 100."""
    _require_placing(actor)
    locked = lock(referral)
    _editable(locked)
    scored = list(
        dangerously_unscoped(Criterion).filter(referral=locked, kind=CriterionKind.SCORED)
    )
    errors: dict[str, list[str]] = {}
    for criterion in scored:
        weight = weights.get(criterion.pk)
        if weight is None or not 1 <= weight <= 100:
            errors[f"weight_{criterion.pk}"] = [f"Enter a weight from 1 to 100 for {criterion}."]
    if not errors:
        total = sum(weights[c.pk] for c in scored)
        if total != 100:
            errors["weights"] = [WEIGHTS_TOTAL.format(total=total)]
    if errors:
        raise InvalidInput.on_fields(errors)
    before = _criteria_snapshot(locked)
    for criterion in scored:
        criterion.weight = weights[criterion.pk]
        criterion.save(update_fields=["weight"])
    audit_record(
        actor=actor,
        verb=AuditVerb.UPDATED,
        obj=locked,
        before={"criteria": before},
        after={"criteria": _criteria_snapshot(locked)},
    )
    return locked


@transaction.atomic
def criteria_replace(
    *, actor: Actor, referral: Referral, criteria: Sequence[CriterionInput]
) -> Referral:
    """Replaces every criterion at once (the API): at least one, scored weights totalling 100."""
    _require_placing(actor)
    locked = lock(referral)
    _editable(locked)
    errors: dict[str, list[str]] = {}
    if not criteria:
        errors["criteria"] = ["Give at least one criterion."]
    if len(criteria) > MAX_CRITERIA:
        errors["criteria"] = [f"A referral has at most {MAX_CRITERIA} criteria."]
    for index, item in enumerate(criteria):
        errors.update(_criterion_errors(item, prefix=f"criteria.{index}."))
    if not errors:
        total = sum(item.weight for item in criteria if item.kind == CriterionKind.SCORED)
        if any(item.kind == CriterionKind.SCORED for item in criteria) and total != 100:
            errors["criteria"] = [WEIGHTS_TOTAL.format(total=total)]
    if errors:
        raise InvalidInput.on_fields(errors)
    before = _criteria_snapshot(locked)
    dangerously_unscoped(Criterion).filter(referral=locked).delete()
    Criterion.objects.bulk_create(
        Criterion(
            referral=locked,
            kind=item.kind,
            category=item.category,
            title=item.title.strip(),
            guidance=item.guidance.strip(),
            weight=item.weight if item.kind == CriterionKind.SCORED else 0,
            position=position,
        )
        for position, item in enumerate(criteria, start=1)
    )
    audit_record(
        actor=actor,
        verb=AuditVerb.UPDATED,
        obj=locked,
        before={"criteria": before},
        after={"criteria": _criteria_snapshot(locked)},
    )
    return locked


@transaction.atomic
def scale_set(
    *,
    actor: Actor,
    referral: Referral,
    scale_max: int,
    price_scoring: str,
    descriptors: Mapping[int, str],
) -> Referral:
    """The scoring scale (0 to `scale_max`), what each score means, and how price is scored.
    Every score needs its descriptor, so evaluators and providers read the same scale."""
    _require_placing(actor)
    locked = lock(referral)
    _editable(locked)
    errors: dict[str, list[str]] = {}
    if not 1 <= scale_max <= 10:
        errors["scale_max"] = ["Enter the top of the scale, from 1 to 10."]
    if price_scoring not in PriceScoring.values:
        errors["price_scoring"] = ["Choose how price is scored."]
    if not errors:
        for score in range(scale_max + 1):
            text = (descriptors.get(score) or "").strip()
            if not text:
                errors[f"descriptor_{score}"] = [f"Enter what a score of {score} means."]
            elif len(text) > 300:
                errors[f"descriptor_{score}"] = [
                    f"What a score of {score} means must be 300 characters or fewer."
                ]
    if errors:
        raise InvalidInput.on_fields(errors)
    before = {
        "scale_max": locked.scale_max,
        "price_scoring": locked.price_scoring,
        "descriptors": dict(
            dangerously_unscoped(ScaleDescriptor)
            .filter(referral=locked)
            .values_list("score", "descriptor")
        ),
    }
    locked.scale_max = scale_max
    locked.price_scoring = price_scoring
    locked.updated_at = timezone.now()
    locked.save(update_fields=["scale_max", "price_scoring", "updated_at"])
    dangerously_unscoped(ScaleDescriptor).filter(referral=locked).delete()
    ScaleDescriptor.objects.bulk_create(
        ScaleDescriptor(referral=locked, score=score, descriptor=descriptors[score].strip())
        for score in range(scale_max + 1)
    )
    audit_record(
        actor=actor,
        verb=AuditVerb.UPDATED,
        obj=locked,
        before=before,
        after={
            "scale_max": scale_max,
            "price_scoring": price_scoring,
            "descriptors": {s: descriptors[s].strip() for s in range(scale_max + 1)},
        },
    )
    return locked


# -- the check before publishing --------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing a provider would miss to cost a proposal: the task it belongs to, the field,
    what to do, and the page that fixes it."""

    task: str
    field: str
    message: str
    url: str


#: The publish check's tasks, in the order the task list shows them, with the page of each.
TASKS = (
    ("details", "The child, the place and what providers are shown", "referrals:referral-edit"),
    ("criteria", "Criteria and their weights", "referrals:referral-criteria"),
    ("scale", "The scoring scale", "referrals:referral-scale"),
    ("shortlist", "The shortlist of settings", "referrals:referral-shortlist"),
    ("providers", "Providers to invite", "referrals:referral-edit"),
)


@dataclass(frozen=True)
class Task:
    key: str
    title: str
    url: str
    problems: list[Problem]


def _url(name: str, referral: Referral, anchor: str = "") -> str:
    try:
        path = reverse(name, args=[referral.pk])
    except NoReverseMatch:  # a page of another part not yet merged
        path = reverse("referrals:referral-detail", args=[referral.pk])
    return f"{path}#{anchor}" if anchor else path


def _names_the_child(text: str, child: Child | None) -> bool:
    if child is None or not text:
        return False
    lowered = text.lower()
    words = {w.strip(".,;:!?()'\"") for w in lowered.split()}
    return (
        child.given_name.lower() in words
        or child.family_name.lower() in words
        or (bool(child.case_number) and child.case_number.lower() in lowered)
    )


def publish_problems(referral: Referral) -> list[Problem]:
    """What is missing before the referral can go to providers (empty: it can be published).

    Read by the detail page (the task list), the publish page and `referral_publish`, so the page
    never offers what the service would refuse.
    """
    edit = "referrals:referral-edit"
    problems: list[Problem] = []

    def add(task: str, field: str, message: str, page: str, anchor: str = "") -> None:
        problems.append(Problem(task, field, message, _url(page, referral, anchor or field)))

    if referral.route not in COMPETITION_ROUTES:
        add(
            "details",
            "route",
            "A direct award or spot purchase is not published to providers: record its case "
            "for a head of service or director to authorise.",
            "referrals:referral-route-case",
            "ground",
        )
        return problems
    child = referral.child
    if referral.kind == ReferralKind.INDIVIDUAL and child is None:
        add("details", "child", CHILD_MISSING, edit)
    if child is not None:
        try:
            parse_district(child.home_postcode, allow_outward_only=False)
        except PostcodeError:
            add(
                "details",
                "child",
                "The child's home postcode is not a real postcode, so providers cannot be "
                "told the district: correct it on the child's record.",
                edit,
            )
    today = timezone.localdate()
    if referral.start_date < today:
        add("details", "start_date", "The start date has passed: enter a new one.", edit)
    if referral.lot.ends_on is not None and referral.lot.ends_on < today:
        add("details", "lot", f"Lot {referral.lot.code} has ended: choose a current lot.", edit)
    if referral.primary_need_id is None and not referral.needs.exists():
        add("details", "primary_need", "Choose the primary need, and any other needs.", edit)
    if not referral.outcomes_sought.strip():
        add("details", "outcomes_sought", "Enter the outcomes the placement should achieve.", edit)
    if not referral.provider_summary.strip():
        add(
            "details",
            "provider_summary",
            "Write the summary providers read: the needs, what has worked, what to avoid.",
            edit,
        )
    elif _names_the_child(referral.provider_summary, child):
        add(
            "details",
            "provider_summary",
            "The summary for providers names the child or gives the case number: take it out "
            "(providers learn who the child is only if they win the award).",
            edit,
        )
    if referral.kind == ReferralKind.BLOCK and referral.places < 2 and child is None:
        add("details", "places", "Enter how many places the block purchase is for.", edit)
    criteria = list(referral.criteria.all())
    crit_page = "referrals:referral-criteria"
    if not criteria:
        add("criteria", "criteria", "Add at least one criterion.", crit_page, "add")
    scored = [c for c in criteria if c.kind == CriterionKind.SCORED]
    total = sum(c.weight for c in scored)
    if scored and total != 100:
        add("criteria", "weights", WEIGHTS_TOTAL.format(total=total), crit_page, "weights")
    described = set(referral.descriptors.values_list("score", flat=True))
    missing = [s for s in range(referral.scale_max + 1) if s not in described]
    if scored and missing:
        scores = ", ".join(str(s) for s in missing)
        add(
            "scale",
            "descriptors",
            f"Describe what each score means (missing: {scores}).",
            "referrals:referral-scale",
            f"descriptor_{missing[0]}",
        )
    if referral.route == Route.PRESELECTED_COMPETITION:
        entries = list(referral.shortlist.all())
        page = "referrals:referral-shortlist"
        if not entries:
            add("shortlist", "shortlist", "Choose the settings to invite.", page, "results")
        elif any(not e.grounds for e in entries):
            add("shortlist", "grounds", "Give the grounds for every setting chosen.", page)
        eligible = set(offers_on_the_lot(referral).values_list("setting_id", flat=True))
        gone = [e for e in entries if e.setting_id not in eligible]
        if gone:
            add(
                "shortlist",
                "shortlist",
                f"{len(gone)} setting(s) on the shortlist are no longer on lot "
                f"{referral.lot.code} of the FPS: take them off.",
                page,
            )
    elif not offers_on_the_lot(referral).exists():
        add(
            "providers",
            "lot",
            f"No provider with an active membership has an approved setting on lot "
            f"{referral.lot.code}: choose another lot, or another route.",
            edit,
        )
    return problems


def problems_by_task(referral: Referral, problems: Iterable[Problem]) -> list[Task]:
    """The task list: each task that applies to the referral's route, with its problems."""
    grouped: dict[str, list[Problem]] = {key: [] for key, _, _ in TASKS}
    for problem in problems:
        grouped[problem.task].append(problem)
    skip = "providers" if referral.route == Route.PRESELECTED_COMPETITION else "shortlist"
    return [
        Task(key, title, _url(page, referral), grouped[key])
        for key, title, page in TASKS
        if key != skip
    ]


# -- publishing -------------------------------------------------------------------------------


def age_in_years(born: datetime.date, on: datetime.date) -> int:
    before_birthday = (on.month, on.day) < (born.month, born.day)
    return on.year - born.year - (1 if before_birthday else 0)


def _invited_providers(referral: Referral) -> list[int]:
    offers = offers_on_the_lot(referral)
    if referral.route == Route.PRESELECTED_COMPETITION:
        offers = offers.filter(setting_id__in=referral.shortlist.values("setting_id"))
    return sorted(set(offers.values_list("setting__provider_id", flat=True)))


def invitation_url(invitation: Invitation) -> str:
    """The provider's page for the invitation (the responses part's), or their list."""
    try:
        return reverse("referrals:invitation-detail", args=[invitation.pk])
    except NoReverseMatch:
        return "/invitations/"


@transaction.atomic
def referral_publish(*, actor: Actor, referral: Referral) -> Referral:
    """Publishes a draft competition: snapshots what providers are shown, sets the deadline from
    the authority's rules, invites every provider with an active membership and an approved
    setting on the lot (open) or the shortlist's (preselected), and tells each invitee.

    Raises WrongState when it is not a draft (published already: two at once publish once,
    because both wait on the referral's row lock), InvalidInput listing what is missing.
    """
    _require_placing(actor)
    locked = lock(referral)
    if locked.state != ReferralState.DRAFT:
        raise WrongState(
            f"This referral is {locked.get_state_display().lower()}, so it cannot be published."
        )
    problems = publish_problems(locked)
    if problems:
        raise InvalidInput.on_fields(
            {p.field: [p.message] for p in problems},
            message="The referral is not ready for providers: " + problems[0].message,
        )
    now = timezone.now()
    rules = placement_rules(locked.authority)
    child = locked.child
    shown: dict[str, Any] = {
        "shown_age_years": None,
        "shown_gender": "",
        "shown_postcode_district": "",
        "response_deadline": response_deadline(
            rules, emergency=locked.is_emergency, published_at=now
        ),
    }
    if child is not None:
        shown["shown_age_years"] = age_in_years(child.date_of_birth, timezone.localdate(now))
        shown["shown_gender"] = child.gender
        shown["shown_postcode_district"] = parse_district(
            child.home_postcode, allow_outward_only=False
        )
    change = transition(
        locked,
        to=ReferralState.OPEN,
        table=REFERRAL_TRANSITIONS,
        event="published",
        by=_user(actor),
        at=now,
        also=shown,
    )
    providers = _invited_providers(locked)
    Invitation.objects.bulk_create(
        [Invitation(referral=locked, provider_id=pk, invited_at=now) for pk in providers]
    )
    audit_record(
        actor=actor,
        verb=AuditVerb.STATE_CHANGED,
        obj=locked,
        before=change.before,
        after={**change.after, "invited_providers": providers},
    )
    invitations = dangerously_unscoped(Invitation).filter(referral=locked)
    for invitation in invitations:
        notify(
            recipients=provider_users(invitation.provider_id),
            event_key=f"referral-invited:{invitation.pk}",
            template="notifications/referrals_invited",
            context={"referral": locked},
            url=invitation_url(invitation),
        )
    return locked


# -- return, withdraw, close early ------------------------------------------------------------


def _send_to_referrer(
    referral: Referral, template: str, context: Mapping[str, Any], *, event_key: str
) -> None:
    """An e-mail to the referrer (who may have no account), through the outbox for outside
    addresses: sent by a worker once the change commits, retried by the sweep if lost, and
    never twice for one event."""
    if referral.referrer_email:
        email_outside(
            addresses=[referral.referrer_email],
            event_key=event_key,
            template=template,
            context=context,
        )


@transaction.atomic
def referral_return(*, actor: Actor, referral: Referral, reason: str) -> Referral:
    """Sends a draft back to the referrer for more information, with what they must add."""
    _require_placing(actor)
    reason = reason.strip()
    if not reason:
        raise InvalidInput.on_fields({"reason": [RETURN_REASON_MISSING]})
    locked = lock(referral)
    change = transition(
        locked,
        to=ReferralState.RETURNED,
        table=REFERRAL_TRANSITIONS,
        event="returned",
        by=_user(actor),
        also={"return_reason": reason},
        what="referral",
    )
    audit_record(
        actor=actor,
        verb=AuditVerb.STATE_CHANGED,
        obj=locked,
        before=change.before,
        after=change.after,
        reason=reason,
    )
    _send_to_referrer(
        locked,
        "notifications/referrals_returned",
        {"referral": locked, "reason": reason, "authority": locked.authority},
        # One e-mail per return: a referral returned again later is told again.
        event_key=f"referral-returned:{locked.pk}:{change.after.get('returned_at', '')}",
    )
    return locked


def _end_invitations(referral: Referral, *, to: str, at: datetime.datetime) -> list[Invitation]:
    """Moves every invitation the table allows to `to`; the ones moved."""
    moved = []
    for invitation in (
        dangerously_unscoped(Invitation).select_for_update().filter(referral=referral)
    ):
        if to in INVITATION_TRANSITIONS.get(invitation.state, frozenset()):
            invitation.state = to
            fields = ["state"]
            if to == InvitationState.LAPSED:
                invitation.lapsed_at = at
                fields.append("lapsed_at")
            invitation.save(update_fields=fields)
            moved.append(invitation)
    return moved


@transaction.atomic
def referral_withdraw(*, actor: Actor, referral: Referral, reason: str) -> Referral:
    """The authority no longer needs it: withdrawn with a reason, every invitee told."""
    _require_placing(actor)
    reason = reason.strip()
    if not reason:
        raise InvalidInput.on_fields({"reason": [WITHDRAW_REASON_MISSING]})
    locked = lock(referral)
    now = timezone.now()
    change = transition(
        locked,
        to=ReferralState.WITHDRAWN,
        table=REFERRAL_TRANSITIONS,
        event="withdrawn",
        by=_user(actor),
        at=now,
        also={"withdrawal_reason": reason},
        what="referral",
    )
    told = _end_invitations(locked, to=InvitationState.WITHDRAWN, at=now)
    audit_record(
        actor=actor,
        verb=AuditVerb.STATE_CHANGED,
        obj=locked,
        before=change.before,
        after={**change.after, "invitations_withdrawn": len(told)},
        reason=reason,
    )
    for invitation in told:
        notify(
            recipients=provider_users(invitation.provider_id),
            event_key=f"referral-withdrawn:{invitation.pk}",
            template="notifications/referrals_withdrawn",
            context={"referral": locked, "reason": reason},
            url=invitation_url(invitation),
        )
    return locked


@transaction.atomic
def referral_close(*, actor: Actor, referral: Referral, reason: str) -> Referral:
    """Closes an open competition before its deadline (e.g. every invitee has answered):
    responses can be evaluated at once, invitations not yet answered lapse, invitees are told."""
    _require_placing(actor)
    reason = reason.strip()
    if not reason:
        raise InvalidInput.on_fields({"reason": [CLOSE_REASON_MISSING]})
    locked = lock(referral)
    now = timezone.now()
    change = transition(
        locked,
        to=ReferralState.CLOSED,
        table=REFERRAL_TRANSITIONS,
        event="closed",
        by=_user(actor),
        at=now,
        what="referral",
    )
    lapsed = _end_invitations(locked, to=InvitationState.LAPSED, at=now)
    audit_record(
        actor=actor,
        verb=AuditVerb.STATE_CHANGED,
        obj=locked,
        before=change.before,
        after={**change.after, "invitations_lapsed": len(lapsed)},
        reason=reason,
    )
    for invitation in dangerously_unscoped(Invitation).filter(referral=locked):
        notify(
            recipients=provider_users(invitation.provider_id),
            event_key=f"referral-closed-early:{invitation.pk}",
            template="notifications/referrals_closed_early",
            context={"referral": locked},
            url=invitation_url(invitation),
        )
    return locked
