"""Who sees which rating alerts: those told to the actor's own authority, for the roles that
receive them (`quality.permissions.reads_alerts`). Another authority's alert of the same setting
is a different set of recipient rows, so nothing of it (its placements, who acknowledged) shows.
Providers, forums, commissioners and the public see none."""

from __future__ import annotations

from django.db.models import QuerySet

from fps_portal.actors import Actor
from fps_portal.scoping import register_scope
from quality.models import AlertRecipient, RatingAlert
from quality.permissions import reads_alerts


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
