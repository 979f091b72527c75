"""The actor: who is acting, for which organisation, in which role.

Every read is scoped by an actor and every write records one. Pages get it from
`ActorMiddleware`, the API from the authenticated user (token or session).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from fps_portal.accounts.models import ApiClient, Membership, Organisation, OrganisationKind, Role

if TYPE_CHECKING:
    from fps_portal.accounts.models import User

SESSION_MEMBERSHIP_KEY = "membership_id"
AUTHORITY_ROLES = frozenset(
    {Role.LEAD_EVALUATOR, Role.COMMISSIONER, Role.QA_OFFICER, Role.SENIOR_MANAGER}
)


@dataclass(frozen=True)
class Actor:
    user: User
    membership: Membership | None
    #: Set when another council's system acts (its own user and membership, above).
    api_client: ApiClient | None = None

    @property
    def label(self) -> str:
        """Who acted, as the audit log names them: the person's e-mail, or the API client."""
        if self.api_client is not None:
            return f"API client: {self.api_client.name} ({self.api_client.key_prefix})"
        return self.user.email

    @property
    def is_authority_admin(self) -> bool:
        org = self.organisation
        return self.role == Role.AUTHORITY_ADMIN and org is not None and org.is_authority

    @property
    def organisation(self) -> Organisation | None:
        return self.membership.organisation if self.membership else None

    @property
    def organisation_id(self) -> int | None:
        return self.membership.organisation_id if self.membership else None

    @property
    def role(self) -> str | None:
        return self.membership.role if self.membership else None

    @property
    def is_platform_admin(self) -> bool:
        """May use the back office (Django admin, under its model permissions). It grants no
        power in portal pages, the API, services or scope rules: there, only the membership
        acted under counts, and without one the actor can do nothing (issue 9, defect 3)."""
        return bool(self.user.is_staff and self.user.is_active)

    @property
    def is_authority(self) -> bool:
        return self.role in AUTHORITY_ROLES

    @property
    def is_lead_evaluator(self) -> bool:
        org = self.organisation
        return self.role == Role.LEAD_EVALUATOR and org is not None and org.is_lead

    @property
    def is_provider(self) -> bool:
        return self.role == Role.PROVIDER_USER

    @property
    def is_forum(self) -> bool:
        return self.role == Role.FORUM_MEMBER


def active_memberships(user: User) -> list[Membership]:
    return list(
        Membership.objects.filter(user=user, is_active=True)
        .select_related("organisation")
        .order_by("created_at", "id")
    )


def actor_for_user(user: User, membership_id: int | None = None) -> Actor | None:
    """The actor for a signed-in user: the chosen membership, else their first active one.

    Platform administrators without a membership still get an actor so the back office and
    health pages can record who did what; they see no organisation's data through the portal.
    """
    if not user.is_authenticated or not user.is_active:
        return None
    memberships = [
        m for m in active_memberships(user) if m.organisation.kind in OrganisationKind.values
    ]
    chosen = next((m for m in memberships if m.pk == membership_id), None)
    if chosen is None and memberships:
        chosen = memberships[0]
    if chosen is None and not user.is_staff:
        return None
    return Actor(user=user, membership=chosen)


_UNSET = object()


def actor_of(request: object) -> Actor | None:
    """The actor behind a request (a Django or DRF request), worked out once per request.

    It reads `request.user` at call time, so it sees token-authenticated API users as well as
    session users.
    """
    cached = getattr(request, "_fps_actor", _UNSET)
    if cached is not _UNSET:
        return cached  # type: ignore[return-value]
    user = getattr(request, "user", None)
    actor = None
    if user is not None and user.is_authenticated:
        auth = getattr(request, "auth", None)
        if isinstance(auth, ApiClient):
            # The authentication class checked the client is live; it acts only as its role.
            actor = Actor(user=user, membership=auth.membership, api_client=auth)
        else:
            session = getattr(request, "session", None)
            membership_id = session.get(SESSION_MEMBERSHIP_KEY) if session is not None else None
            actor = actor_for_user(user, membership_id)
    request._fps_actor = actor  # type: ignore[attr-defined]
    return actor
