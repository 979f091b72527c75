"""Who may record, correct and check inspection judgements: one predicate per decision, shared by
the services that enforce it, the selectors that list work for it and the pages that offer it."""

from __future__ import annotations

from fps_portal.actors import Actor
from providers.models import Setting


def can_record_judgement(actor: Actor | None, setting: Setting) -> bool:
    """The lead authority's evaluators, who check judgements, and the setting's own provider."""
    if actor is None:
        return False
    return actor.is_lead_evaluator or (
        actor.is_provider and actor.organisation_id == setting.provider_id
    )


def can_correct_judgement(actor: Actor | None) -> bool:
    """Who may change an inspection already recorded: the import (None) and the lead authority's
    evaluators, nobody acting for a provider, and not a platform administrator by being staff."""
    if actor is None:
        return True
    return actor.is_lead_evaluator


def confirmed_on_entry(actor: Actor | None) -> bool:
    """Whether what `actor` records counts at once: the same trusted sources that may correct a
    judgement (the import, the lead authority's evaluators). A provider's
    own report waits for the lead authority's check."""
    return can_correct_judgement(actor)


def can_check_judgement(actor: Actor | None) -> bool:
    """The lead authority's evaluators only: never a provider (checking its own report would make
    the check pointless), nor a platform administrator by being staff."""
    return actor is not None and actor.is_lead_evaluator
