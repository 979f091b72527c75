"""`{% agreement_changes actor view as changes %}`: the agreement's variations and end, with the
actions this actor may take, for the partial `contracts/includes/agreement_changes.html`. Reads
through scoping; the predicates are the services' own, so the page offers only what the service
allows. Two queries: the variations with their versions, and the end."""

from __future__ import annotations

from dataclasses import dataclass

from django import template

from contracts.models import PlacementEnd, Variation
from contracts.selectors.agreements import AgreementView
from contracts.services.endings import end_blocker
from contracts.services.signing_rules import OPEN_STATES
from contracts.services.variation_rules import can_refuse, can_withdraw, party_of, variation_blocker
from fps_portal.actors import Actor
from fps_portal.scoping import scoped

register = template.Library()


@dataclass(frozen=True)
class VariationRow:
    variation: Variation
    may_refuse: bool
    may_withdraw: bool


@dataclass(frozen=True)
class Changes:
    variations: list[VariationRow]
    end: PlacementEnd | None
    may_propose: bool
    propose_blocker: str
    may_end: bool
    party: str | None


@register.simple_tag
def agreement_changes(actor: Actor | None, view: AgreementView) -> Changes | None:
    if actor is None:
        return None
    agreement = view.agreement
    variations = list(
        scoped(Variation, actor)
        .filter(agreement_id=agreement.pk)
        .select_related("version", "regional_uplift")
        .order_by("-proposed_at", "-id")
    )
    for variation in variations:
        variation.agreement = agreement  # the page's own, so no query per row
    end = (
        scoped(PlacementEnd, actor)
        .filter(agreement_id=agreement.pk)
        .select_related("move_to_setting")
        .first()
    )
    has_open = any(version.state in OPEN_STATES for version in view.versions)
    blocker = variation_blocker(actor, agreement, has_open=has_open)
    return Changes(
        variations=[
            VariationRow(v, can_refuse(actor, v), can_withdraw(actor, v)) for v in variations
        ],
        end=end,
        may_propose=not blocker,
        propose_blocker=blocker,
        may_end=not end_blocker(actor, agreement, recorded=end is not None),
        party=party_of(actor, agreement),
    )
