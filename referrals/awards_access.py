"""Who may evaluate, award, approve and sign off (the awards part of issue 11).

The predicates a page's rule and a service's check share (ADR 0014): a page takes the `Access`
rule, the service calls the predicate again on the object itself. The children part owns
`referrals/permissions.py` and its `PLACING` rule; until the lead unifies the two, this module
defines the same rule from `scope_rules.places_children`, so both agree by construction.
"""

from __future__ import annotations

from fps_portal.access import Access
from fps_portal.accounts.models import Role, SeniorPosition
from fps_portal.actors import Actor
from referrals.scope_rules import places_children

#: The senior posts that sign off an award to a Requires Improvement or Inadequate setting (C6-C7).
SIGN_OFF_POSITIONS = (
    SeniorPosition.CSW_SERVICE_MANAGER,
    SeniorPosition.COMMISSIONING_SERVICE_MANAGER,
)

PLACING = Access(
    places_children,
    "Only the placing authority's commissioners and senior managers can do this.",
)


def is_senior_manager(actor: Actor) -> bool:
    return actor.role == Role.SENIOR_MANAGER and actor.is_authority


SENIOR_MANAGERS = Access(
    is_senior_manager, "Only the authority's senior managers approve and sign off awards."
)


def senior_position(actor: Actor) -> str:
    return actor.membership.senior_position if actor.membership is not None else ""


def can_sign_off_as(actor: Actor) -> str:
    """The sign-off this senior manager may give (a SeniorPosition), or "" for none."""
    position = senior_position(actor)
    return position if is_senior_manager(actor) and position in SIGN_OFF_POSITIONS else ""
