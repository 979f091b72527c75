"""Reads of concerns, through the scope rules (the raising authority's practitioners see its
own; the provider its own from stage 2; everyone else nothing), and the risk signal the visit
programme ranks settings by."""

from __future__ import annotations

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from contracts.models import Agreement, AgreementState
from fps_portal.accounts.models import Organisation, OrganisationKind
from fps_portal.actors import Actor
from fps_portal.scoping import get_scoped_or_404, scoped
from providers.models import Setting
from quality.models import (
    Concern,
    ConcernEntry,
    ConcernLetter,
    ConcernStage,
    ConcernState,
)

STATE_FILTERS = ("open", "overdue", "safety", "closed")


def _current_stage(field: str) -> Subquery:
    return Subquery(
        ConcernStage.objects.filter(concern_id=OuterRef("pk"), number=OuterRef("stage")).values(
            field
        )[:1]
    )


def concerns_for(actor: Actor, *, state: str = "", stage: int | None = None) -> QuerySet[Concern]:
    """The actor's concerns (`state`: one of STATE_FILTERS, or every one), newest first, each
    with its current stage's due date (`due_on`)."""
    qs = (
        scoped(Concern, actor)
        .select_related("provider", "setting", "agreement")
        .annotate(due_on=_current_stage("due_on"))
    )
    today = timezone.localdate()
    if state == "open":
        qs = qs.filter(state=ConcernState.OPEN)
    elif state == "overdue":
        qs = qs.filter(state=ConcernState.OPEN, due_on__lt=today)
    elif state == "safety":
        qs = qs.filter(state=ConcernState.OPEN, immediate_safety=True)
    elif state == "closed":
        qs = qs.filter(state=ConcernState.CLOSED)
    if stage is not None:
        qs = qs.filter(stage=stage)
    return qs.order_by("-raised_at", "-id")


def concern_detail(actor: Actor, pk: int) -> Concern:
    return get_scoped_or_404(
        Concern,
        actor,
        select_related=(
            "authority",
            "provider",
            "setting",
            "agreement",
            "raised_by",
            "recorded_by",
            "closed_by",
        ),
        pk=pk,
    )


def concern_stages(actor: Actor, concern: Concern) -> list[ConcernStage]:
    """The concern's stages, oldest first, each with its record (what the actor may see of it)
    and its letter."""
    return list(
        scoped(ConcernStage, actor)
        .filter(concern=concern)
        .select_related("opened_by", "letter")
        .prefetch_related(
            Prefetch(
                "entries",
                queryset=scoped(ConcernEntry, actor).select_related("by").order_by("at", "id"),
            )
        )
        .order_by("number")
    )


def concern_placement(actor: Actor, concern: Concern) -> Agreement | None:
    """The placement with its child, for those who may read the child's record: the authority's
    commissioners and senior managers, and the provider whose placement it is (the agreements'
    own scope). A QA officer, who reads no child's record, gets None."""
    if concern.agreement_id is None:
        return None
    return scoped(Agreement, actor).filter(pk=concern.agreement_id).select_related("child").first()


def letter_for_download(actor: Actor, pk: int) -> ConcernLetter:
    return get_scoped_or_404(ConcernLetter, actor, select_related=("stage__concern",), pk=pk)


def concern_counts(actor: Actor) -> tuple[int, int, int]:
    """(open concerns, those past their stage's due date, immediate safety ones open): one
    query, for the dashboard's panel."""
    today = timezone.localdate()
    counts = (
        scoped(Concern, actor)
        .filter(state=ConcernState.OPEN)
        .annotate(due_on=_current_stage("due_on"))
        .aggregate(
            open=Count("pk"),
            overdue=Count("pk", filter=Q(due_on__lt=today)),
            safety=Count("pk", filter=Q(immediate_safety=True)),
        )
    )
    return counts["open"], counts["overdue"], counts["safety"]


# -- what the raise form offers -------------------------------------------------------------------


def placements_to_choose(actor: Actor) -> list[Agreement]:
    """The authority's placements a concern can be about (signed, active or ended), for the
    roles that read children's records; none for a QA officer."""
    return list(
        scoped(Agreement, actor)
        .filter(state__in=[AgreementState.SIGNED, AgreementState.ACTIVE, AgreementState.ENDED])
        .select_related("setting")
        .order_by("reference")
    )


def settings_to_choose(actor: Actor) -> list[Setting]:
    return list(scoped(Setting, actor).select_related("provider").order_by("name", "pk"))


def providers_to_choose(actor: Actor) -> list[Organisation]:
    return list(
        scoped(Organisation, actor).filter(kind=OrganisationKind.PROVIDER).order_by("name", "pk")
    )
