"""Who signs an IPA's version next: the one rule the signing page and `version_sign` share.

The provider signs a version awaiting its signature (ISSUED); the authority's named signatory
countersigns one the provider has signed (PROVIDER_SIGNED); anyone else may not sign. The page
offers the form only when `signing_turn` allows it, and the service refuses the same cases.
"""

from __future__ import annotations

from dataclasses import dataclass

from contracts.models import Agreement, AgreementVersion, Party, VersionState
from fps_portal.actors import Actor
from fps_portal.errors import NotAllowed
from fps_portal.scoping import dangerously_unscoped
from referrals.scope_rules import places_children

OPEN_STATES = frozenset({VersionState.DRAFT, VersionState.ISSUED, VersionState.PROVIDER_SIGNED})


def is_authority_party(actor: Actor, agreement: Agreement) -> bool:
    return places_children(actor) and actor.organisation_id == agreement.authority_id


def is_provider_party(actor: Actor, agreement: Agreement) -> bool:
    return actor.is_provider and actor.organisation_id == agreement.provider_id


def require_authority(actor: Actor, agreement: Agreement, what: str) -> None:
    """Drafting, issuing and withdrawing are the placing authority's alone."""
    if not is_authority_party(actor, agreement):
        raise NotAllowed(f"Only the placing authority's commissioners and senior managers {what}.")


def open_version(agreement: Agreement) -> AgreementVersion | None:
    """The version being drafted or signed, if any (at most one: a constraint holds it)."""
    return (
        dangerously_unscoped(AgreementVersion)
        .filter(agreement_id=agreement.pk, state__in=OPEN_STATES)
        .first()
    )


@dataclass(frozen=True)
class SigningTurn:
    """The party the actor signs for and the version state it signs, or why it may not sign."""

    party: str = ""
    awaits: str = ""  # the version state this party signs
    becomes: str = ""  # the version state after its signature
    refusal: str = ""


def signing_turn(actor: Actor, agreement: Agreement) -> SigningTurn:
    if is_provider_party(actor, agreement):
        return SigningTurn(Party.PROVIDER, VersionState.ISSUED, VersionState.PROVIDER_SIGNED)
    if is_authority_party(actor, agreement):
        if agreement.authority_signatory_id != actor.user.pk:
            return SigningTurn(
                refusal="Only the authority's named signatory can countersign this agreement."
            )
        return SigningTurn(Party.AUTHORITY, VersionState.PROVIDER_SIGNED, VersionState.SIGNED)
    return SigningTurn(refusal="Only the two parties to the agreement can sign it.")
