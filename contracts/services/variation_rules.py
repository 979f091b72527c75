"""The rules of variations that pages, the API and the services share: who is a party, whether
the actor may propose, refuse or withdraw now, and the terms and fee in force. Reads only."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from contracts.models import (
    Agreement,
    AgreementState,
    FeePeriod,
    Party,
    Variation,
    VariationState,
    VersionState,
)
from contracts.services.signing_rules import is_authority_party, is_provider_party, open_version
from contracts.terms import PENCE, Terms
from fps_portal.actors import Actor
from fps_portal.scoping import dangerously_unscoped

VARIABLE_STATES = frozenset({AgreementState.SIGNED, AgreementState.ACTIVE})
MAX_PERCENT = Decimal("50")

NOT_A_PARTY = "Only the two parties to the agreement can propose a variation."
NOT_SIGNED = (
    "Only a signed or active agreement can be varied: this one is {state}. Change a draft, or "
    "withdraw the version being signed, instead."
)
ALREADY_OPEN = (
    "Another version of this agreement is being signed: it must be agreed, refused or withdrawn "
    "before another variation is proposed."
)


def party_of(actor: Actor, agreement: Agreement) -> str | None:
    if is_authority_party(actor, agreement):
        return Party.AUTHORITY
    if is_provider_party(actor, agreement):
        return Party.PROVIDER
    return None


def variation_blocker(actor: Actor, agreement: Agreement, *, has_open: bool | None = None) -> str:
    """Why the actor cannot propose a variation of the agreement now ("" when they can): the one
    rule the pages (which offer the links) and the services share. `has_open` says whether a
    version is being signed, when the caller has the versions already."""
    if party_of(actor, agreement) is None:
        return NOT_A_PARTY
    if agreement.state not in VARIABLE_STATES:
        return NOT_SIGNED.format(state=agreement.get_state_display().lower())
    if has_open is None:
        has_open = open_version(agreement) is not None
    if has_open:
        return ALREADY_OPEN
    return ""


def can_refuse(actor: Actor, variation: Variation) -> bool:
    """The other party, while the variation awaits its signature (a party that has signed has
    agreed; the authority may refuse until it countersigns)."""
    party = party_of(actor, variation.agreement)
    if variation.state != VariationState.PROPOSED or party is None:
        return False
    if party == variation.proposed_by_party:
        return False
    version_state = variation.version.state
    if party == Party.PROVIDER:
        return bool(version_state == VersionState.ISSUED)
    return version_state in {VersionState.ISSUED, VersionState.PROVIDER_SIGNED}


def can_withdraw(actor: Actor, variation: Variation) -> bool:
    """Anyone of the proposing party, until both parties have signed."""
    return (
        variation.state == VariationState.PROPOSED
        and party_of(actor, variation.agreement) == variation.proposed_by_party
    )


def fee_in_force(agreement: Agreement) -> FeePeriod | None:
    return (
        dangerously_unscoped(FeePeriod)
        .filter(agreement_id=agreement.pk, until__isnull=True)
        .order_by("-starts")
        .first()
    )


def terms_in_force(agreement: Agreement) -> Terms:
    version = agreement.current_version
    assert version is not None and version.state == VersionState.SIGNED
    return Terms.from_json(version.terms)


def uplifted_fee(fee: Decimal, percent: Decimal) -> Decimal:
    """The fee raised by `percent`, to the penny (half a penny rounds up)."""
    return (fee * (Decimal("100") + percent) / Decimal("100")).quantize(PENCE, ROUND_HALF_UP)
