"""Who may use the referral pages and endpoints (ADR 0014), for the refs part of issue 11.

`PLACING` is the placing authority's commissioners and senior managers (the roles the scope rules
let read children and referrals). `AUTHORISERS` is the senior managers' queue: every senior
manager may open it, but only a head of service or a director may authorise (the service's
predicate `can_authorise_route_case` decides, and says why not). The children part owns
`referrals/permissions.py`; the lead may move `PLACING` there at merge.
"""

from __future__ import annotations

from fps_portal.access import Access
from fps_portal.accounts.models import Role, SeniorPosition
from fps_portal.actors import Actor
from referrals.scope_rules import places_children

PLACING = Access(
    places_children,
    "Only the placing authority's commissioners and senior managers can use referrals.",
)

#: The senior posts that may authorise a direct award or a spot purchase (seed 002, "Spot
#: Purchasing": "a Head of Service or Director").
AUTHORISING_POSITIONS = frozenset(
    {
        SeniorPosition.DCS,
        SeniorPosition.HEAD_OF_SERVICE_COMMISSIONING,
        SeniorPosition.HEAD_OF_CHILDRENS_SERVICES,
    }
)


def is_senior_manager(actor: Actor) -> bool:
    return actor.is_authority and actor.role == Role.SENIOR_MANAGER


def holds_authorising_post(actor: Actor) -> bool:
    membership = actor.membership
    return (
        is_senior_manager(actor)
        and membership is not None
        and membership.senior_position in AUTHORISING_POSITIONS
    )


SENIOR_MANAGERS = Access(
    is_senior_manager, "Only the authority's senior managers have an authorisations queue."
)
