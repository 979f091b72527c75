"""Who sees which people, organisations, notifications and audit events."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from fps_portal.accounts.models import ApiClient, Membership, Organisation, OrganisationKind, User
from fps_portal.actors import Actor
from fps_portal.audit.models import AuditEvent
from fps_portal.notifications.models import ExternalEmail, Notification
from fps_portal.scoping import register_public_scope, register_scope


@register_scope(Organisation)
def _organisations(qs: QuerySet[Organisation], actor: Actor) -> QuerySet[Organisation]:
    # Authorities are public reference data; a provider's or forum's record is seen by its own
    # members and by authority staff (who buy from providers); forums see only themselves. A
    # platform administrator without a membership sees the authorities only, like anyone.
    if actor.is_authority:
        return qs
    return qs.filter(Q(kind=OrganisationKind.AUTHORITY) | Q(pk=actor.organisation_id))


@register_public_scope(Organisation)
def _public_organisations(qs: QuerySet[Organisation]) -> QuerySet[Organisation]:
    # Local authorities are public bodies (the forum's figures count settings per area); the
    # public sees no provider's or forum's record.
    return qs.filter(kind=OrganisationKind.AUTHORITY)


@register_scope(Membership)
def _memberships(qs: QuerySet[Membership], actor: Actor) -> QuerySet[Membership]:
    if actor.organisation_id is None:
        return qs.none()
    return qs.filter(organisation_id=actor.organisation_id)


@register_scope(User)
def _users(qs: QuerySet[User], actor: Actor) -> QuerySet[User]:
    if actor.organisation_id is None:
        return qs.none()
    return qs.filter(memberships__organisation_id=actor.organisation_id).distinct()


@register_scope(ApiClient)
def _api_clients(qs: QuerySet[ApiClient], actor: Actor) -> QuerySet[ApiClient]:
    # Only the authority's administrators manage its clients; a client never sees clients.
    if not actor.is_authority_admin or actor.api_client is not None:
        return qs.none()
    return qs.filter(organisation=actor.organisation)


@register_scope(Notification)
def _notifications(qs: QuerySet[Notification], actor: Actor) -> QuerySet[Notification]:
    return qs.filter(recipient=actor.user)


@register_scope(ExternalEmail)
def _external_emails(qs: QuerySet[ExternalEmail], actor: Actor) -> QuerySet[ExternalEmail]:
    # The outbox to outside addresses is the workers' alone; no page or endpoint reads it.
    return qs.none()


@register_scope(AuditEvent)
def _audit_events(qs: QuerySet[AuditEvent], actor: Actor) -> QuerySet[AuditEvent]:
    # An organisation's own trail; the lead authority's evaluators do not see other authorities'.
    if actor.organisation_id is None:
        return qs.none()
    return qs.filter(organisation_id=actor.organisation_id)
