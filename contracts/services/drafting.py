"""Completing a draft IPA beyond its terms: who signs for each party (issue 12).

The authority's signatory is a person (`Agreement.authority_signatory`, the only one who may
countersign), chosen from the authority's active commissioners and senior managers; the terms
hold their name and position, and the provider's signatory's, as the document states them."""

from __future__ import annotations

from django.db import transaction

from contracts.models import AgreementVersion
from contracts.selectors.signing import signatory_candidates
from contracts.services.signing_rules import require_authority
from contracts.services.versions import draft_update
from contracts.terms import Signatory, Terms
from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record
from fps_portal.errors import InvalidInput, WrongState
from fps_portal.transitions import lock


@transaction.atomic
def draft_signatories(
    *,
    actor: Actor,
    version: AgreementVersion,
    authority_signatory_id: int | None,
    authority_position: str,
    provider_name: str,
    provider_position: str,
) -> AgreementVersion:
    """Name the authority's signatory (a user) and both parties' signatories on the draft."""
    agreement = lock(version.agreement)
    require_authority(actor, agreement, "complete the agreement")
    if lock(version).state != "draft":
        raise WrongState("Only a draft can be changed: make a new version instead.")
    errors: dict[str, str] = {}
    signatory = (
        signatory_candidates(agreement).filter(pk=authority_signatory_id).first()
        if authority_signatory_id
        else None
    )
    if signatory is None:
        errors["authority_signatory"] = (
            "Choose who signs for the authority from its commissioners and senior managers."
        )
    if not authority_position.strip():
        errors["authority_position"] = "Enter the position the authority's signatory signs in."
    if not provider_name.strip():
        errors["provider_name"] = "Enter the name of the provider's signatory."
    if not provider_position.strip():
        errors["provider_position"] = "Enter the position the provider's signatory signs in."
    if errors:
        raise InvalidInput.on_fields(errors)
    assert signatory is not None
    before = agreement.authority_signatory_id
    agreement.authority_signatory = signatory
    agreement.save(update_fields=["authority_signatory"])
    audit_record(
        actor=actor,
        verb=AuditVerb.UPDATED,
        obj=agreement,
        before={"authority_signatory": before},
        after={"authority_signatory": signatory.pk},
        reason=f"The authority's signatory for {agreement.reference}.",
    )
    terms = Terms.from_json(version.terms)
    return draft_update(
        actor=actor,
        version=version,
        terms=terms.with_changes(
            signatories=(
                Signatory("authority", signatory.full_name, authority_position.strip()),
                Signatory("provider", provider_name.strip(), provider_position.strip()),
            )
        ),
    )
