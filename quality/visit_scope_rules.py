"""Who sees which QA visit rows (issue 14), fail closed:
- a visit, its findings: the visiting authority's QA officers, senior managers and commissioners;
  the provider, only a completed visit to its own setting (its findings too). The children's views
  are a field of the visit: the provider's pages, API and PDF never show it (see the selectors);
- a report PDF: the authority's own copy to its readers; the provider's copy to the provider;
- a summary: every authority's staff (the region shares what it knows, C60-C61) and the provider
  of the setting; never a forum or the public.
"""

from __future__ import annotations

from django.db.models import QuerySet

from fps_portal.actors import Actor
from fps_portal.scoping import register_scope
from quality.models import (
    QaVisit,
    QaVisitFinding,
    QaVisitReport,
    QaVisitSummary,
    ReportAudience,
    VisitState,
)
from quality.visits.access import reads_visits


@register_scope(QaVisit)
def _visits(qs: QuerySet[QaVisit], actor: Actor) -> QuerySet[QaVisit]:
    if reads_visits(actor):
        return qs.filter(authority_id=actor.organisation_id)
    if actor.is_provider:
        return qs.filter(setting__provider_id=actor.organisation_id, state=VisitState.COMPLETED)
    return qs.none()


@register_scope(QaVisitFinding)
def _findings(qs: QuerySet[QaVisitFinding], actor: Actor) -> QuerySet[QaVisitFinding]:
    if reads_visits(actor):
        return qs.filter(visit__authority_id=actor.organisation_id)
    if actor.is_provider:
        return qs.filter(
            visit__setting__provider_id=actor.organisation_id, visit__state=VisitState.COMPLETED
        )
    return qs.none()


@register_scope(QaVisitReport)
def _reports(qs: QuerySet[QaVisitReport], actor: Actor) -> QuerySet[QaVisitReport]:
    if reads_visits(actor):
        return qs.filter(visit__authority_id=actor.organisation_id)
    if actor.is_provider:
        return qs.filter(
            visit__setting__provider_id=actor.organisation_id, audience=ReportAudience.PROVIDER
        )
    return qs.none()


@register_scope(QaVisitSummary)
def _summaries(qs: QuerySet[QaVisitSummary], actor: Actor) -> QuerySet[QaVisitSummary]:
    if actor.is_authority:
        return qs
    if actor.is_provider:
        return qs.filter(setting__provider_id=actor.organisation_id)
    return qs.none()
