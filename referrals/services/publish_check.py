"""The check before publishing: what a provider would miss to cost a proposal, grouped into the
task list the referral's page shows, each problem with the page that fixes it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from providers.postcodes import PostcodeError, parse_district
from referrals.models import (
    COMPETITION_ROUTES,
    Child,
    CriterionKind,
    Referral,
    ReferralKind,
    Route,
)
from referrals.services.referral_rules import (
    offers_on_the_lot,
)
from referrals.services.referrals import CHILD_MISSING, WEIGHTS_TOTAL

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
    path = reverse(name, args=[referral.pk])
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
