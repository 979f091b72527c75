"""Who may use the referrals app's routes (`fps_portal.access` rules, ADR 0014).

`PLACING` is the placing authority's commissioners and senior managers: the roles that read a
child's record and place children (`referrals.scope_rules.places_children`, the same predicate
the scope rules use, so the rule and the scoping cannot disagree). Everyone else, a provider, a
forum, the lead authority's evaluators, QA officers and the authority's administrator, is refused
before any object is looked up; another authority's child is then 404 through scoping.

`PLACEMENT_RULES_ADMINS` is the authority's administrator, who sets its placement rules (the
defaults of its referrals) and reads no child.
"""

from __future__ import annotations

from fps_portal.access import Access
from fps_portal.actors import Actor
from referrals.scope_rules import places_children

PLACING = Access(
    places_children,
    "Only the placing authority's commissioners and senior managers can use children's records "
    "and referrals.",
)


def sets_placement_rules(actor: Actor) -> bool:
    """The authority's administrator, signed in as a person (not an API client)."""
    return actor.is_authority_admin and actor.api_client is None


PLACEMENT_RULES_ADMINS = Access(
    sets_placement_rules, "Only the authority's administrator can change its placement rules."
)
