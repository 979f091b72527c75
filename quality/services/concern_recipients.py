"""Who hears of a concern (seed 002, l.317-319 and Stages 1-4).

- The authority's named safeguarding contact (`SeniorPosition.SAFEGUARDING_LEAD`) is told at
  once of an immediate safety concern, and consulted throughout: told of every concern raised,
  every escalation and its closing. An authority that has named none falls back to its Director
  of Children's Services, who holds the statutory safeguarding duty, and the record says so.
- The commissioning manager (`COMMISSIONING_SERVICE_MANAGER`) from stage 2, where they contact
  the provider's equivalent, and stage 3, whose letter is theirs.
- The practitioner who raised it, and everyone who recorded on it.
- The provider's users from stage 2 (never before: the provider's equivalent is engaged then).
"""

from __future__ import annotations

from django.db.models import QuerySet

from fps_portal.accounts.models import Role, SeniorPosition, User
from fps_portal.accounts.recipients import provider_users
from quality.models import PROVIDER_SEES_FROM_STAGE, Concern


def _in_post(authority_id: int, position: str) -> QuerySet[User]:
    return User.objects.filter(
        is_active=True,
        memberships__organisation_id=authority_id,
        memberships__role=Role.SENIOR_MANAGER,
        memberships__senior_position=position,
        memberships__is_active=True,
    ).distinct()


def safeguarding_contacts(authority_id: int) -> tuple[list[User], bool]:
    """The authority's named safeguarding contacts, and whether they are named ones (False: none
    is named, and these are its DCS instead)."""
    named = list(_in_post(authority_id, SeniorPosition.SAFEGUARDING_LEAD).order_by("pk"))
    if named:
        return named, True
    return list(_in_post(authority_id, SeniorPosition.DCS).order_by("pk")), False


def commissioning_managers(authority_id: int) -> list[User]:
    return list(_in_post(authority_id, SeniorPosition.COMMISSIONING_SERVICE_MANAGER).order_by("pk"))


def people_concerned(concern: Concern, *, stage: int | None = None) -> list[User]:
    """Everyone told of a step at `stage` (the concern's current stage unless said)."""
    stage = concern.stage if stage is None else stage
    people: dict[int, User] = {}
    if concern.raised_by_id is not None:
        people[concern.raised_by_id] = concern.raised_by  # type: ignore[assignment]
    recorders = User.objects.filter(
        is_active=True, pk__in=concern.entries.filter(by_provider=False).values("by_id")
    )
    for user in (
        *recorders,
        *safeguarding_contacts(concern.authority_id)[0],
        *(commissioning_managers(concern.authority_id) if stage >= 2 else []),
        *(provider_users(concern.provider_id) if stage >= PROVIDER_SEES_FROM_STAGE else []),
    ):
        people.setdefault(user.pk, user)
    return [user for user in people.values() if user.is_active]


def names_of(users: list[User]) -> str:
    return ", ".join(user.full_name or user.email for user in users) or "nobody"
