"""Who sees re-checks, suspension proposals and expired evidence: the lead authority (it checks)
and the provider whose evidence it is. Commissioners see only `Setting.insurance_expired`;
other authorities, forums and the public see nothing of this."""

from __future__ import annotations

from django.db.models import QuerySet

from fps_portal.actors import Actor
from fps_portal.scoping import register_scope
from quality.models import (
    EvidenceLapse,
    ExpiryNotice,
    Recheck,
    RecheckCalendar,
    RecheckEvent,
    RecheckItem,
    SuspensionProposal,
)


def _provider_id(actor: Actor) -> int | None:
    return actor.organisation_id if actor.is_provider else None


@register_scope(Recheck)
def _rechecks(qs: QuerySet[Recheck], actor: Actor) -> QuerySet[Recheck]:
    if actor.is_lead_evaluator:
        return qs
    if (provider_id := _provider_id(actor)) is not None:
        return qs.filter(membership__provider_id=provider_id)
    return qs.none()


@register_scope(RecheckItem)
def _recheck_items(qs: QuerySet[RecheckItem], actor: Actor) -> QuerySet[RecheckItem]:
    if actor.is_lead_evaluator:
        return qs
    if (provider_id := _provider_id(actor)) is not None:
        return qs.filter(recheck__membership__provider_id=provider_id)
    return qs.none()


@register_scope(RecheckEvent)
def _recheck_events(qs: QuerySet[RecheckEvent], actor: Actor) -> QuerySet[RecheckEvent]:
    if actor.is_lead_evaluator:
        return qs
    if (provider_id := _provider_id(actor)) is not None:
        return qs.filter(recheck__membership__provider_id=provider_id)
    return qs.none()


@register_scope(RecheckCalendar)
def _recheck_calendars(qs: QuerySet[RecheckCalendar], actor: Actor) -> QuerySet[RecheckCalendar]:
    return qs if actor.is_lead_evaluator else qs.none()


@register_scope(SuspensionProposal)
def _proposals(qs: QuerySet[SuspensionProposal], actor: Actor) -> QuerySet[SuspensionProposal]:
    """The lead authority's own queue: a provider hears of a suspension only if one is made."""
    return qs if actor.is_lead_evaluator else qs.none()


@register_scope(EvidenceLapse)
def _lapses(qs: QuerySet[EvidenceLapse], actor: Actor) -> QuerySet[EvidenceLapse]:
    if actor.is_lead_evaluator:
        return qs
    if (provider_id := _provider_id(actor)) is not None:
        return qs.filter(provider_id=provider_id)
    return qs.none()


@register_scope(ExpiryNotice)
def _notices(qs: QuerySet[ExpiryNotice], actor: Actor) -> QuerySet[ExpiryNotice]:
    if actor.is_lead_evaluator:
        return qs
    if (provider_id := _provider_id(actor)) is not None:
        return qs.filter(evidence__provider_id=provider_id)
    return qs.none()
