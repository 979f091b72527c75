"""Who sees quarterly monitoring returns (issue 14).

- The provider sees its own returns whole: it holds every child in them (each placement is an
  awarded agreement, ADR 0016).
- A placing authority's QA officers see a return in which their authority has a placement: the
  setting-level totals (no child in them), their own placements' rows and outcomes, their own
  reviews and the history of the steps that are not another authority's. Another authority's
  placement, review or step is invisible (404), so a provider with children from Sefton and
  Wirral sends one return and neither council ever sees the other's child.
- Everyone else (commissioners, senior managers, the lead authority as such, forums, the public)
  sees nothing of this.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from fps_portal.accounts.models import Role
from fps_portal.actors import Actor
from fps_portal.scoping import register_scope
from quality.models import (
    MonitoringReturn,
    MonitoringRound,
    OutcomeProgress,
    PlacementReturn,
    ReturnEvent,
    ReturnReview,
    SettingReturn,
)


def monitors(actor: Actor) -> bool:
    """A QA officer of an authority: who reviews monitoring returns."""
    return actor.is_authority and actor.role == Role.QA_OFFICER


def _provider_id(actor: Actor) -> int | None:
    return actor.organisation_id if actor.is_provider else None


def _returns_of(actor: Actor, prefix: str) -> Q | None:
    if (provider_id := _provider_id(actor)) is not None:
        return Q(**{f"{prefix}provider_id": provider_id})
    if monitors(actor):
        return Q(
            Exists(
                PlacementReturn.objects.filter(
                    monitoring_return_id=OuterRef(f"{prefix[:-2]}_id" if prefix else "pk"),
                    authority_id=actor.organisation_id,
                )
            )
        )
    return None


@register_scope(MonitoringRound)
def _rounds(qs: QuerySet[MonitoringRound], actor: Actor) -> QuerySet[MonitoringRound]:
    return qs if actor.is_provider or monitors(actor) else qs.none()


@register_scope(MonitoringReturn)
def _returns(qs: QuerySet[MonitoringReturn], actor: Actor) -> QuerySet[MonitoringReturn]:
    condition = _returns_of(actor, "")
    return qs.none() if condition is None else qs.filter(condition)


@register_scope(SettingReturn)
def _setting_returns(qs: QuerySet[SettingReturn], actor: Actor) -> QuerySet[SettingReturn]:
    condition = _returns_of(actor, "monitoring_return__")
    return qs.none() if condition is None else qs.filter(condition)


@register_scope(PlacementReturn)
def _placement_returns(qs: QuerySet[PlacementReturn], actor: Actor) -> QuerySet[PlacementReturn]:
    if (provider_id := _provider_id(actor)) is not None:
        return qs.filter(monitoring_return__provider_id=provider_id)
    if monitors(actor):
        return qs.filter(authority_id=actor.organisation_id)
    return qs.none()


@register_scope(OutcomeProgress)
def _outcomes(qs: QuerySet[OutcomeProgress], actor: Actor) -> QuerySet[OutcomeProgress]:
    if (provider_id := _provider_id(actor)) is not None:
        return qs.filter(placement_return__monitoring_return__provider_id=provider_id)
    if monitors(actor):
        return qs.filter(placement_return__authority_id=actor.organisation_id)
    return qs.none()


@register_scope(ReturnReview)
def _reviews(qs: QuerySet[ReturnReview], actor: Actor) -> QuerySet[ReturnReview]:
    if (provider_id := _provider_id(actor)) is not None:
        return qs.filter(monitoring_return__provider_id=provider_id)
    if monitors(actor):
        return qs.filter(authority_id=actor.organisation_id)
    return qs.none()


@register_scope(ReturnEvent)
def _events(qs: QuerySet[ReturnEvent], actor: Actor) -> QuerySet[ReturnEvent]:
    if (provider_id := _provider_id(actor)) is not None:
        return qs.filter(monitoring_return__provider_id=provider_id)
    if monitors(actor):
        condition = _returns_of(actor, "monitoring_return__")
        assert condition is not None
        return qs.filter(condition).filter(
            Q(authority_id__isnull=True) | Q(authority_id=actor.organisation_id)
        )
    return qs.none()
