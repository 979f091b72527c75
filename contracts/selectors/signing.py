"""Reads for signing an IPA, given the actor: who may be named to sign for the authority, the
versions waiting for this actor (the dashboard's counts and the queue page)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from contracts.models import Agreement, AgreementVersion, VersionState
from fps_portal.accounts.models import Role, User
from fps_portal.actors import Actor
from fps_portal.scoping import scoped

SIGNATORY_ROLES = (Role.COMMISSIONER, Role.SENIOR_MANAGER)


def signatory_candidates(agreement: Agreement) -> QuerySet[User]:
    """The placing authority's active commissioners and senior managers: who may sign for it."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__organisation_id=agreement.authority_id,
            memberships__role__in=SIGNATORY_ROLES,
            memberships__is_active=True,
        )
        .distinct()
        .order_by("full_name", "pk")
    )


def _waiting(actor: Actor) -> Q:
    """The versions whose next step is this actor's: a provider signs what is issued to it; the
    authority completes its drafts, and its named signatory countersigns."""
    if actor.is_provider:
        return Q(state=VersionState.ISSUED)
    return Q(state=VersionState.DRAFT) | Q(
        state=VersionState.PROVIDER_SIGNED, agreement__authority_signatory_id=actor.user.pk
    )


def versions_waiting(actor: Actor) -> list[AgreementVersion]:
    return list(
        scoped(AgreementVersion, actor)
        .filter(_waiting(actor))
        .select_related("agreement", "agreement__order", "agreement__authority")
        .order_by("created_at", "pk")
    )


@dataclass(frozen=True)
class SigningCounts:
    to_complete: int
    to_countersign: int
    to_sign: int


def signing_counts(actor: Actor) -> SigningCounts:
    """The dashboard's numbers, in one query."""
    counts = scoped(AgreementVersion, actor).aggregate(
        draft=Count("pk", filter=Q(state=VersionState.DRAFT)),
        countersign=Count(
            "pk",
            filter=Q(
                state=VersionState.PROVIDER_SIGNED,
                agreement__authority_signatory_id=actor.user.pk,
            ),
        ),
        sign=Count("pk", filter=Q(state=VersionState.ISSUED)),
    )
    if actor.is_provider:
        return SigningCounts(0, 0, counts["sign"])
    return SigningCounts(counts["draft"], counts["countersign"], 0)
