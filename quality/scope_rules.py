"""Who sees what of the quality app.

- Ofsted imports: the lead authority's evaluators, who import them (every import, by whoever or
  whatever sent it); nobody else, and not the public.
- Rating alerts: those told to the actor's own authority, for the roles that receive them
  (`quality.permissions.reads_alerts`). Another authority's alert of the same setting is a
  different set of recipient rows, so nothing of it (its placements, who acknowledged) shows.
  Providers, forums, commissioners and the public see none.
"""

from __future__ import annotations

from django.db.models import QuerySet

from fps_portal.actors import Actor
from fps_portal.scoping import register_scope
from quality.models import AlertRecipient, InspectionImport, RatingAlert
from quality.permissions import reads_alerts


@register_scope(InspectionImport)
def _inspection_imports(
    queryset: QuerySet[InspectionImport], actor: Actor
) -> QuerySet[InspectionImport]:
    return queryset if actor.is_lead_evaluator else queryset.none()


@register_scope(RatingAlert)
def _alerts(qs: QuerySet[RatingAlert], actor: Actor) -> QuerySet[RatingAlert]:
    if not reads_alerts(actor):
        return qs.none()
    return qs.filter(
        pk__in=AlertRecipient.objects.filter(authority_id=actor.organisation_id).values("alert_id")
    )


@register_scope(AlertRecipient)
def _recipients(qs: QuerySet[AlertRecipient], actor: Actor) -> QuerySet[AlertRecipient]:
    if not reads_alerts(actor):
        return qs.none()
    return qs.filter(authority_id=actor.organisation_id)
