"""Versions of an IPA and their signatures: draft, issue, the provider's signature, the authority's
countersignature, withdrawal (issue 12).

A signature records the person, the role they sign in, the time and the SHA-256 of the exact
version signed; signing anything but the version awaiting that party's signature, or with a hash
that is not that version's, is refused (409). A signed version never changes: a change after
issue or signature is `version_new`, which both parties sign again. When a version is signed by
both it comes into force: the agreement's current version, its terms in force, the fee history,
and for a variation the variation agreed.

Every function locks the agreement first, so two signatures at once, or a signature racing a
withdrawal, leave one consistent result: the second sees the first's state and is refused.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from contracts.models import (
    AGREEMENT_TRANSITIONS,
    VARIATION_TRANSITIONS,
    VERSION_TRANSITIONS,
    Agreement,
    AgreementState,
    AgreementVersion,
    FeePeriod,
    Party,
    Signature,
    Variation,
    VariationState,
    VersionState,
)
from contracts.services.rendering import pdf_requested
from contracts.services.signing_notices import (
    tell_countersigned,
    tell_issued,
    tell_provider_signed,
)
from contracts.services.signing_rules import (
    open_version,
    require_authority,
    signing_turn,
)
from contracts.services.weekly_costs import COLUMNS as WEEKLY_COST_COLUMNS
from contracts.services.weekly_costs import weekly_cost_set
from contracts.terms import Terms, funding_problem, problems
from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record
from fps_portal.errors import InvalidInput, NotAllowed, WrongState
from fps_portal.scoping import dangerously_unscoped
from fps_portal.transitions import lock, transition

WRONG_VERSION = (
    "This is not the version awaiting your signature: version {number} is. Read it before you sign."
)
WRONG_HASH = (
    "The version has changed since you opened it. Read version {number} again before you sign."
)


@transaction.atomic
def draft_update(*, actor: Actor, version: AgreementVersion, terms: Terms) -> AgreementVersion:
    """Replace a draft's terms. Only a draft changes; the audit row names the parts changed. A
    draft may be incomplete (`problems` is checked at issue), but never wrong: dates out of
    order, funding shares that do not add up to the whole, or weeks outside a year are refused
    and nothing is written."""
    agreement = lock(version.agreement)
    require_authority(actor, agreement, "complete the agreement")
    version = lock(version)
    if version.state != VersionState.DRAFT:
        raise WrongState("Only a draft can be changed: make a new version instead.")
    bad: dict[str, str] = {}
    if terms.end_date is not None and terms.end_date < terms.start_date:
        bad["end_date"] = "The end date must be on or after the start date."
    if funding := funding_problem(terms.funding):
        bad["funding"] = funding
    if not 1 <= terms.provision.weeks_per_year <= 52:
        bad["weeks_per_year"] = "Weeks per year must be between 1 and 52."
    if bad:
        raise InvalidInput.on_fields(bad)
    before = version.terms
    after = terms.to_json()
    changed = sorted(key for key in after if before.get(key) != after.get(key))
    version.terms = after
    version.effective_from = terms.start_date if version.number == 1 else version.effective_from
    version.save(update_fields=["terms", "effective_from"])
    audit_record(
        actor=actor,
        verb=AuditVerb.UPDATED,
        obj=version,
        after={"changed": changed},
        reason=f"Draft of version {version.number} of {agreement.reference}.",
    )
    return version


@transaction.atomic
def version_issue(*, actor: Actor, version: AgreementVersion) -> AgreementVersion:
    """Freeze a draft and send it to the provider to sign. Every §3.11 item must be complete and
    the authority's signatory named."""
    agreement = lock(version.agreement)
    require_authority(actor, agreement, "issue the agreement")
    version = lock(version)
    if version.state != VersionState.DRAFT:
        raise WrongState(f"Version {version.number} has already been issued.")
    terms = Terms.from_json(version.terms)
    found = problems(terms)
    if agreement.authority_signatory_id is None:
        found.setdefault("authority_signatory", "Choose who signs for the authority.")
    if found:
        raise InvalidInput.on_fields(found)
    now = timezone.now()
    version.content_sha256 = terms.content_sha256()
    version.save(update_fields=["content_sha256"])
    transition(
        version,
        to=VersionState.ISSUED,
        table=VERSION_TRANSITIONS,
        event="issued",
        by=actor.user,
        at=now,
        actor=actor,
        reason=f"Issued to the provider with SHA-256 {version.content_sha256}.",
    )
    if agreement.state == AgreementState.DRAFT:
        transition(
            agreement,
            to=AgreementState.ISSUED,
            table=AGREEMENT_TRANSITIONS,
            event="issued",
            by=actor.user,
            at=now,
            actor=actor,
        )
    pdf_requested(version=version)
    tell_issued(agreement, version)
    return version


def _check_signable(version: AgreementVersion, expected: str, content_sha256: str) -> None:
    if version.state == VersionState.DRAFT:
        raise WrongState(
            f"Version {version.number} is still a draft: it is signed once the authority issues it."
        )
    if version.state != expected:
        current = open_version(version.agreement)
        number = current.number if current is not None else version.number
        raise WrongState(WRONG_VERSION.format(number=number))
    if content_sha256 != version.content_sha256:
        raise WrongState(WRONG_HASH.format(number=version.number))


@transaction.atomic
def version_sign(
    *,
    actor: Actor,
    version: AgreementVersion,
    content_sha256: str,
    name: str,
    position: str,
) -> Signature:
    """The provider's signature (first), or the authority's named signatory's countersignature
    (second), on the exact version given by its hash."""
    agreement = lock(version.agreement)
    version = lock(version)
    errors = {}
    if not name.strip():
        errors["name"] = "Enter your full name as you sign."
    if not position.strip():
        errors["position"] = "Enter the role you sign in, for example Headteacher."
    turn = signing_turn(actor, agreement)
    if turn.refusal:
        raise NotAllowed(turn.refusal)
    party, expected, to = turn.party, turn.awaits, turn.becomes
    if party == Party.AUTHORITY and version.state == VersionState.ISSUED:
        raise WrongState("The provider signs first; the authority then countersigns.")
    _check_signable(version, expected, content_sha256)
    if errors:
        raise InvalidInput.on_fields(errors)
    now = timezone.now()
    organisation = agreement.authority if party == Party.AUTHORITY else agreement.provider
    signature = Signature.objects.create(
        version=version,
        party=party,
        user=actor.user,
        name=name.strip(),
        position=position.strip(),
        organisation_name=organisation.name if organisation else "",
        content_sha256=version.content_sha256,
        signed_at=now,
    )
    event = "provider_signed" if party == Party.PROVIDER else "signed"
    change = transition(version, to=to, table=VERSION_TRANSITIONS, event=event, at=now)
    audit_record(
        actor=actor,
        verb=AuditVerb.SIGNED,
        obj=version,
        before=change.before,
        after={
            **change.after,
            "party": party,
            "name": signature.name,
            "position": signature.position,
            "content_sha256": signature.content_sha256,
        },
        reason=f"Version {version.number} of {agreement.reference} signed for the {party}.",
    )
    if party == Party.PROVIDER and agreement.state == AgreementState.ISSUED:
        transition(
            agreement,
            to=AgreementState.PROVIDER_SIGNED,
            table=AGREEMENT_TRANSITIONS,
            event="provider_signed",
            at=now,
            actor=actor,
        )
    if party == Party.AUTHORITY:
        _comes_into_force(actor=actor, agreement=agreement, version=version, now=now)
        tell_countersigned(agreement, version)
    else:
        tell_provider_signed(agreement, version)
    return signature


def _comes_into_force(
    *, actor: Actor, agreement: Agreement, version: AgreementVersion, now: datetime.datetime
) -> None:
    terms = Terms.from_json(version.terms)
    previous = (
        dangerously_unscoped(FeePeriod)
        .filter(agreement_id=agreement.pk, until__isnull=True)
        .first()
    )
    if previous is not None:
        previous.until = max(previous.starts, version.effective_from - datetime.timedelta(days=1))
        previous.save(update_fields=["until"])
    FeePeriod.objects.create(
        agreement=agreement,
        version=version,
        weekly_fee=terms.core_weekly_fee,
        weekly_services=terms.weekly_services,
        starts=version.effective_from,
    )
    pdf_requested(version=version, signed=True)
    agreement.current_version = version
    agreement.weekly_fee = terms.core_weekly_fee
    agreement.weekly_services = terms.weekly_services
    agreement.weeks_per_year = terms.provision.weeks_per_year
    agreement.start_date = terms.start_date
    agreement.end_date = terms.end_date
    weekly_cost_set(agreement)  # the new period may be today's fee (or from a later day)
    agreement.save(
        update_fields=[
            "current_version",
            "weekly_fee",
            "weekly_services",
            "weeks_per_year",
            "start_date",
            "end_date",
            *WEEKLY_COST_COLUMNS,
        ]
    )
    if agreement.state == AgreementState.PROVIDER_SIGNED:
        transition(
            agreement,
            to=AgreementState.SIGNED,
            table=AGREEMENT_TRANSITIONS,
            event="signed",
            at=now,
            actor=actor,
            reason=f"Countersigned: version {version.number} is in force.",
        )
    variation = dangerously_unscoped(Variation).filter(version_id=version.pk).first()
    if variation is not None:
        transition(
            lock(variation),
            to=VariationState.AGREED,
            table=VARIATION_TRANSITIONS,
            event="agreed",
            at=now,
            actor=actor,
            reason=f"Both parties signed version {version.number}.",
        )


@transaction.atomic
def version_new(
    *,
    actor: Actor | None,
    agreement: Agreement,
    terms: Terms,
    reason: str,
    effective_from: datetime.date,
    issue: bool,
) -> AgreementVersion:
    """A new version holding changed terms: a draft, or (a variation) issued at once for both
    parties to sign. Refused while another version is being drafted or signed."""
    agreement = lock(agreement)
    if agreement.state == AgreementState.ENDED:
        raise WrongState("The placement has ended: its agreement cannot change.")
    if open_version(agreement) is not None:
        raise WrongState(
            "Another version of this agreement is being drafted or signed: finish or withdraw "
            "it first."
        )
    last = (
        dangerously_unscoped(AgreementVersion).filter(agreement_id=agreement.pk).order_by("-number")
    )
    number = (last.values_list("number", flat=True).first() or 0) + 1
    now = timezone.now()
    user = actor.user if actor is not None and actor.user.pk else None
    version = AgreementVersion.objects.create(
        agreement=agreement,
        number=number,
        terms=terms.to_json(),
        reason=reason,
        effective_from=effective_from,
        created_by=user,
        state=VersionState.ISSUED if issue else VersionState.DRAFT,
        content_sha256=terms.content_sha256() if issue else "",
        issued_at=now if issue else None,
        issued_by=user if issue else None,
    )
    audit_record(
        actor=actor,
        verb=AuditVerb.CREATED,
        obj=version,
        after={"number": number, "state": version.state, "content_sha256": version.content_sha256},
        reason=reason,
    )
    pdf_requested(version=version if issue else None)
    if issue:
        tell_issued(agreement, version)
    return version


@transaction.atomic
def version_withdraw(*, actor: Actor, version: AgreementVersion, reason: str) -> AgreementVersion:
    """The authority withdraws a version before both parties have signed it (a first version
    with a mistake in it, say). A first version comes back as a new draft with the same terms,
    for the commissioner to correct."""
    agreement = lock(version.agreement)
    require_authority(actor, agreement, "withdraw a version")
    if lock(version).state not in {VersionState.ISSUED, VersionState.PROVIDER_SIGNED}:
        raise WrongState(
            f"Version {version.number} is not awaiting a signature: only an issued version "
            "is withdrawn (a draft is changed until it is issued)."
        )
    return withdraw_locked(actor=actor, agreement=agreement, version=version, reason=reason)


def withdraw_locked(
    *, actor: Actor, agreement: Agreement, version: AgreementVersion, reason: str
) -> AgreementVersion:
    """Withdraw `version` of the locked `agreement` (the caller has checked who may): the
    variation it holds is withdrawn with it; a first version is redrafted."""
    if not reason.strip():
        raise InvalidInput.on_fields({"reason": "Enter why the version is withdrawn."})
    version = lock(version)
    transition(
        version,
        to=VersionState.WITHDRAWN,
        table=VERSION_TRANSITIONS,
        event="withdrawn",
        by=actor.user,
        also={"withdrawal_reason": reason.strip()},
        actor=actor,
        reason=reason.strip(),
    )
    variation = dangerously_unscoped(Variation).filter(version_id=version.pk).first()
    if variation is not None and variation.state == VariationState.PROPOSED:
        transition(
            lock(variation),
            to=VariationState.WITHDRAWN,
            table=VARIATION_TRANSITIONS,
            event="withdrawn",
            by=actor.user,
            actor=actor,
            reason=reason.strip(),
        )
    if agreement.state in {AgreementState.ISSUED, AgreementState.PROVIDER_SIGNED}:
        transition(
            agreement,
            to=AgreementState.DRAFT,
            table=AGREEMENT_TRANSITIONS,
            actor=actor,
            reason=reason.strip(),
        )
        redraft = version_new(
            actor=actor,
            agreement=agreement,
            terms=Terms.from_json(version.terms),
            reason=f"Redrafted after version {version.number} was withdrawn: {reason.strip()}",
            effective_from=version.effective_from,
            issue=False,
        )
        agreement.current_version = redraft
        agreement.save(update_fields=["current_version"])
    return version
