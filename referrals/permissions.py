"""Who may use the referrals app's routes (`fps_portal.access` rules, ADR 0014), and the senior
posts its decisions need. One module for every part (children, referrals, invitations, awards).

`PLACING` is the placing authority's commissioners and senior managers: the roles that read a
child's record and place children (`referrals.scope_rules.places_children`, the same predicate
the scope rules use, so the rule and the scoping cannot disagree). Everyone else, a provider, a
forum, the lead authority's evaluators, QA officers and the authority's administrator, is refused
before any object is looked up; another authority's child or referral is then 404 through
scoping.

`SENIOR_MANAGERS` opens the senior managers' queues (`/senior/`): every senior manager sees them,
and the services decide by post who may do what (`holds_authorising_post`, `can_sign_off_as`),
saying why not.

`PLACEMENT_RULES_ADMINS` is the authority's administrator, who sets its placement rules (the
defaults of its referrals) and reads no child.
"""

from __future__ import annotations

from fps_portal.access import Access
from fps_portal.accounts.models import Role, SeniorPosition
from fps_portal.actors import Actor
from referrals.scope_rules import places_children

PLACING = Access(
    places_children,
    "Only the placing authority's commissioners and senior managers can use children's records "
    "and referrals.",
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
#: The senior posts that sign off an award to a Requires Improvement or Inadequate setting (C6-C7).
SIGN_OFF_POSITIONS = (
    SeniorPosition.CSW_SERVICE_MANAGER,
    SeniorPosition.COMMISSIONING_SERVICE_MANAGER,
)


def is_senior_manager(actor: Actor) -> bool:
    return actor.role == Role.SENIOR_MANAGER and actor.is_authority


def senior_position(actor: Actor) -> str:
    return actor.membership.senior_position if actor.membership is not None else ""


def holds_authorising_post(actor: Actor) -> bool:
    return is_senior_manager(actor) and senior_position(actor) in AUTHORISING_POSITIONS


def can_sign_off_as(actor: Actor) -> str:
    """The sign-off this senior manager may give (a SeniorPosition), or "" for none."""
    position = senior_position(actor)
    return position if is_senior_manager(actor) and position in SIGN_OFF_POSITIONS else ""


SENIOR_MANAGERS = Access(
    is_senior_manager,
    "Only the authority's senior managers authorise direct awards, approve awards and sign off "
    "risks.",
)


def sets_placement_rules(actor: Actor) -> bool:
    """The authority's administrator, signed in as a person (not an API client)."""
    return actor.is_authority_admin and actor.api_client is None


PLACEMENT_RULES_ADMINS = Access(
    sets_placement_rules, "Only the authority's administrator can change its placement rules."
)
