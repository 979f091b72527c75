"""Who hears of something, by role: the recipients notifications are sent to.

Reads of accounts only, so every capability (and a leaf such as `providers.inspections`, which
must not import the rest of its app's services) can name its recipients the same way.
"""

from __future__ import annotations

from django.db.models import QuerySet

from fps_portal.accounts.models import Organisation, Role, User


def provider_users(provider: Organisation | int) -> QuerySet[User]:
    provider_id = provider if isinstance(provider, int) else provider.pk
    return User.objects.filter(
        is_active=True,
        memberships__organisation_id=provider_id,
        memberships__role=Role.PROVIDER_USER,
        memberships__is_active=True,
    ).distinct()


def lead_evaluators() -> QuerySet[User]:
    return User.objects.filter(
        is_active=True,
        memberships__role=Role.LEAD_EVALUATOR,
        memberships__is_active=True,
        memberships__organisation__is_lead=True,
    ).distinct()


def registered_provider_users() -> QuerySet[User]:
    """Everyone acting for any provider organisation: who hears that a window opens."""
    return User.objects.filter(
        is_active=True, memberships__role=Role.PROVIDER_USER, memberships__is_active=True
    ).distinct()
