"""Who sees what of Orders and Individual Placement Agreements (issue 12).

Only the two parties see one: the placing authority's commissioners and senior managers (the
roles that place children, `referrals.scope_rules.places_children`), and the provider it was
awarded to. Another authority, another provider, a forum, the lead authority's evaluators (as
such), QA officers and the authority's administrator see nothing; the public sees nothing.
Regional uplifts are the lead authority's publication to every provider and authority.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Q, QuerySet

from contracts.models import (
    Agreement,
    AgreementVersion,
    FeePeriod,
    Order,
    PlacementEnd,
    RegionalUplift,
    RenderedPdf,
    Signature,
    Variation,
)
from fps_portal.actors import Actor
from fps_portal.scoping import register_scope
from referrals.scope_rules import places_children


def party_filter(actor: Actor, prefix: str = "") -> Q | None:
    """The rows of agreements the actor is a party to, or None for none."""
    if places_children(actor):
        return Q(**{f"{prefix}authority_id": actor.organisation_id})
    if actor.is_provider:
        return Q(**{f"{prefix}provider_id": actor.organisation_id})
    return None


def _rule(prefix: str) -> Callable[[QuerySet[Any], Actor], QuerySet[Any]]:
    def rule(qs: QuerySet[Any], actor: Actor) -> QuerySet[Any]:
        condition = party_filter(actor, prefix)
        return qs.none() if condition is None else qs.filter(condition)

    return rule


register_scope(Order)(_rule(""))
register_scope(Agreement)(_rule(""))
register_scope(AgreementVersion)(_rule("agreement__"))
register_scope(Signature)(_rule("version__agreement__"))
register_scope(Variation)(_rule("agreement__"))
register_scope(FeePeriod)(_rule("agreement__"))
register_scope(PlacementEnd)(_rule("agreement__"))


@register_scope(RenderedPdf)
def _pdfs(qs: QuerySet[RenderedPdf], actor: Actor) -> QuerySet[RenderedPdf]:
    order = party_filter(actor, "order__")
    version = party_filter(actor, "version__agreement__")
    if order is None or version is None:
        return qs.none()
    return qs.filter(order | version)


@register_scope(RegionalUplift)
def _uplifts(qs: QuerySet[RegionalUplift], actor: Actor) -> QuerySet[RegionalUplift]:
    if actor.is_provider or actor.is_authority:
        return qs
    return qs.none()
