"""Who may use the improvement plans' routes (`fps_portal.access` rules, ADR 0014).

A placing authority's QA officers agree and manage its plans; its commissioners and senior
managers read them; the provider's users read the plans about their own settings and answer the
actions. Which plans each sees is the scoping (`quality.plan_scope_rules`).
"""

from __future__ import annotations

from django.db.models import QuerySet

from fps_portal.access import PROVIDERS, Access, either
from fps_portal.accounts.models import Organisation, Role, User
from fps_portal.actors import Actor

#: The authority roles that read their authority's plans (QA officers also manage them).
PLAN_READING_ROLES = frozenset({Role.QA_OFFICER, Role.COMMISSIONER, Role.SENIOR_MANAGER})


def is_qa_officer(actor: Actor) -> bool:
    return actor.is_authority and actor.role == Role.QA_OFFICER


def reads_plans_for_authority(actor: Actor) -> bool:
    return actor.is_authority and actor.role in PLAN_READING_ROLES


QA_OFFICERS = Access(is_qa_officer, "Only the placing authority's QA officers can do this.")
AUTHORITY_PLAN_READERS = Access(
    reads_plans_for_authority,
    "Only the placing authority's QA officers, commissioners and senior managers read its plans.",
)
PLAN_READERS = either(
    AUTHORITY_PLAN_READERS,
    PROVIDERS,
    message="Only the placing authority's QA staff and the provider read improvement plans.",
)


def qa_officers_of(authority: Organisation | int) -> QuerySet[User]:
    """Who hears of an authority-owned action's reminders and the provider's updates."""
    authority_id = authority if isinstance(authority, int) else authority.pk
    return User.objects.filter(
        is_active=True,
        memberships__organisation_id=authority_id,
        memberships__role=Role.QA_OFFICER,
        memberships__is_active=True,
    ).distinct()
