"""Helpers shared by the onboarding services: state checks and who to tell."""

from __future__ import annotations

from collections.abc import Mapping

from fps_portal.accounts.recipients import (  # noqa: F401  (re-exported to the services)
    lead_evaluators,
    provider_users,
    registered_provider_users,
)
from fps_portal.actors import Actor
from fps_portal.errors import NotAllowed, WrongState


def check_transition(
    *, current: str, target: str, transitions: Mapping[str, frozenset[str]], what: str, label: str
) -> None:
    """Raise WrongState unless `current -> target` is in the transition table."""
    if target not in transitions.get(current, frozenset()):
        raise WrongState(f"This {what} is {label.lower()}, so it cannot be changed that way.")


def require_lead_evaluator(actor: Actor) -> None:
    # Being staff grants nothing here: platform administrators act in the back office, under
    # Django's model permissions, never as the lead authority (issue 9, defect 3).
    if not actor.is_lead_evaluator:
        raise NotAllowed("Only the lead authority's evaluators can do this.")


def require_provider(actor: Actor, provider_id: int) -> None:
    if not (actor.is_provider and actor.organisation_id == provider_id):
        raise NotAllowed("Only the provider's own users can do this.")
