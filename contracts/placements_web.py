"""The navigation entry of the placements list (imported from the app's ready()): for the placing
authority's commissioners and senior managers and for providers' users, the two parties who see
placements. A provider's older list of awarded referrals and outcome letters
(`referrals:awarded-placement-list`) is linked from the placements page."""

from __future__ import annotations

from fps_portal.actors import Actor
from fps_portal.context_processors import register_nav
from referrals.scope_rules import places_children


def _placement_parties(actor: Actor | None) -> bool:
    return actor is not None and (places_children(actor) or actor.is_provider)


register_nav("Placements", "contracts:placements", _placement_parties)
