"""An authority's placement rules: its saved row, or the defaults when it has saved none."""

from __future__ import annotations

from fps_portal.accounts.models import Organisation
from fps_portal.actors import Actor
from fps_portal.scoping import scoped
from referrals.models import AuthorityPlacementRules


def default_reference_prefix(authority: Organisation) -> str:
    """The authority's first three letters, upper-case ("SEF" for Sefton)."""
    letters = "".join(ch for ch in authority.name if ch.isalpha())
    return (letters[:3] or "REF").upper()


def placement_rules_of(actor: Actor) -> AuthorityPlacementRules:
    """The actor's authority's rules; an unsaved row with the defaults when it has none yet."""
    found = scoped(AuthorityPlacementRules, actor).first()
    if found is not None:
        return found
    authority = actor.organisation
    assert authority is not None
    return AuthorityPlacementRules(
        authority=authority, reference_prefix=default_reference_prefix(authority)
    )
