"""Reads of QA visits through the scope rules (quality.visit_scope_rules): the programme (the
settings where the actor's authority has children placed, risk-ordered by
`quality.visits.risk`), the visits, one visit with its findings, the report PDFs and the shared
summaries. What a provider reads of a visit never includes the children's views: `for_provider`
says so to the pages, the API and the PDF."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from fps_portal.actors import Actor
from fps_portal.scoping import dangerously_unscoped, get_scoped_or_404, scoped
from providers.models import Setting
from quality.models import (
    OPEN_VISIT_STATES,
    QaVisit,
    QaVisitFinding,
    QaVisitReport,
    QaVisitSummary,
    RatingAlert,
    ReportAudience,
    VisitState,
)
from quality.visits.access import reads_visits
from quality.visits.risk import RISK_SIGNALS, RiskSignal, placed_counts, rank

STATE_FILTERS = tuple(VisitState.values)


@dataclass(frozen=True)
class ProgrammeRow:
    position: int
    setting: Setting
    reasons: tuple[str, ...]
    placed: int
    next_visit: QaVisit | None


def programme_for(
    actor: Actor, *, signals: Sequence[RiskSignal] = RISK_SIGNALS
) -> list[ProgrammeRow]:
    """The settings where the actor's authority has children placed now, worst first, with the
    reasons for each position and its next open visit. A flat number of queries: one for the
    placements, one per signal, one for the settings, one for the open visits."""
    if not reads_visits(actor) or actor.organisation is None:
        return []
    authority = actor.organisation
    counts = placed_counts(authority)
    ids = sorted(counts)
    if not ids:
        return []
    ranked = rank(authority, ids, signals)
    settings = {
        s.pk: s for s in scoped(Setting, actor).filter(pk__in=ids).select_related("provider")
    }
    upcoming: dict[int, QaVisit] = {}
    for visit in (
        scoped(QaVisit, actor)
        .filter(setting_id__in=ids, state__in=OPEN_VISIT_STATES)
        .order_by("planned_month", "visit_date", "id")
    ):
        upcoming.setdefault(visit.setting_id, visit)
    rows = []
    for position, r in enumerate(ranked, start=1):
        if r.setting_id not in settings:
            continue
        rows.append(
            ProgrammeRow(
                position=position,
                setting=settings[r.setting_id],
                reasons=r.reasons,
                placed=counts[r.setting_id],
                next_visit=upcoming.get(r.setting_id),
            )
        )
    return rows


def programme_setting_ids(actor: Actor) -> set[int]:
    """The settings the actor's authority may plan a visit to: where it has children placed."""
    if not reads_visits(actor) or actor.organisation is None:
        return set()
    return set(placed_counts(actor.organisation))


def visits_for(actor: Actor, *, state: str = "") -> QuerySet[QaVisit]:
    qs = scoped(QaVisit, actor).select_related("setting__provider", "authority")
    if state in STATE_FILTERS:
        qs = qs.filter(state=state)
    return qs.order_by("-planned_month", "-visit_date", "-id")


def visit_detail(actor: Actor, pk: int) -> QaVisit:
    return get_scoped_or_404(
        QaVisit,
        actor,
        select_related=(
            "setting__provider",
            "authority",
            "trigger_alert",
            "completed_by",
            "provider_responded_by",
        ),
        pk=pk,
    )


def visit_findings(actor: Actor, visit: QaVisit) -> list[QaVisitFinding]:
    return list(scoped(QaVisitFinding, actor).filter(visit=visit).order_by("id"))


def for_provider(actor: Actor) -> bool:
    """The actor reads a visit as the provider: without the children's views."""
    return actor.is_provider


def report_for(actor: Actor, visit: QaVisit) -> QaVisitReport | None:
    """The report PDF the actor may download: the provider's copy for the provider, the full
    report for the authority; None until it is rendered."""
    audience = ReportAudience.PROVIDER if for_provider(actor) else ReportAudience.AUTHORITY
    return scoped(QaVisitReport, actor).filter(visit=visit, audience=audience).first()


def summaries_for(actor: Actor, *, setting: int | None = None) -> QuerySet[QaVisitSummary]:
    qs = scoped(QaVisitSummary, actor).select_related("setting__provider", "authority")
    if setting is not None:
        qs = qs.filter(setting_id=setting)
    return qs.order_by("-visited_on", "-id")


def summary_detail(actor: Actor, pk: int) -> QaVisitSummary:
    return get_scoped_or_404(
        QaVisitSummary, actor, select_related=("setting__provider", "authority"), pk=pk
    )


def visit_queue_counts(actor: Actor) -> dict[str, int]:
    """For the QA officer's dashboard, one query: visits planned for this month or earlier with
    no date yet, and scheduled visits whose day has come (to record)."""
    today = timezone.localdate()
    return scoped(QaVisit, actor).aggregate(
        to_schedule=Count(
            "id", filter=Q(state=VisitState.PLANNED, planned_month__lte=today.replace(day=1))
        ),
        to_record=Count("id", filter=Q(state=VisitState.SCHEDULED, visit_date__lte=today)),
    )


def alerts_told(actor: Actor, setting_ids: Sequence[int]) -> list[tuple[int, str]]:
    """(alert id, label) of the rating alerts told to the actor's authority about these settings,
    newest first: what a responsive visit may answer. Read for the actor's own authority only
    (a QA officer is not an alert recipient, so the alerts' scope rule does not show them)."""
    if not reads_visits(actor) or not setting_ids:
        return []
    rows = (
        dangerously_unscoped(RatingAlert)
        .filter(setting_id__in=setting_ids, recipients__authority_id=actor.organisation_id)
        .select_related("setting")
        .distinct()
        .order_by("-created_at", "-id")[:50]
    )
    return [(a.pk, f"{a.setting.name}: {a.new_summary} ({a.created_at:%-d %B %Y})") for a in rows]
