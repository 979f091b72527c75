"""Who at each party hears of a change to an agreement: the placing authority's commissioners
(and the named signatory, who countersigns), and the provider's users."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from contracts.models import Agreement, Party
from fps_portal.accounts.models import Role, User
from fps_portal.accounts.recipients import provider_users


def authority_commissioners(agreement: Agreement) -> QuerySet[User]:
    named = Q(pk=agreement.authority_signatory_id) if agreement.authority_signatory_id else Q()
    commissioners = Q(
        memberships__organisation_id=agreement.authority_id,
        memberships__role=Role.COMMISSIONER,
        memberships__is_active=True,
    )
    return (
        User.objects.filter(commissioners | named if named else commissioners)
        .filter(is_active=True)
        .distinct()
    )


def party_users(agreement: Agreement, party: str) -> QuerySet[User]:
    if party == Party.AUTHORITY:
        return authority_commissioners(agreement)
    if agreement.provider_id is None:
        return User.objects.none()
    return provider_users(agreement.provider_id)


def other_party_users(agreement: Agreement, party: str) -> QuerySet[User]:
    other = Party.PROVIDER if party == Party.AUTHORITY else Party.AUTHORITY
    return party_users(agreement, other)
