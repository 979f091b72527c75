"""Navigation entries of the referrals app (imported from the app's ready()): "Children" and
"Referrals" for the placing authority's commissioners and senior managers, "Placement rules"
for its administrator. An entry whose page is not built yet is left out (its name does not
resolve: `fps_portal.context_processors.portal`)."""

from __future__ import annotations

from fps_portal.actors import Actor
from fps_portal.context_processors import register_nav
from referrals.permissions import sets_placement_rules
from referrals.scope_rules import places_children


def _placing(actor: Actor | None) -> bool:
    return actor is not None and places_children(actor)


register_nav("Children", "referrals:child-list", _placing)
register_nav("Referrals", "referrals:referral-list", _placing)
register_nav(
    "Placement rules",
    "referrals:placement-rules",
    lambda actor: actor is not None and sets_placement_rules(actor),
)
