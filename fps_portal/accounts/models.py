"""People, the organisations they act for, and the role each membership gives them."""

from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        if not email:
            raise ValueError("A user needs an e-mail address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with an e-mail address. What they may do comes from a Membership."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        default=False, help_text="Platform administrator: may use the back office."
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["full_name"]

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.full_name or self.email


class OrganisationKind(models.TextChoices):
    AUTHORITY = "authority", "Local authority"
    PROVIDER = "provider", "Provider"
    FORUM = "forum", "Parent-carer forum"


class Organisation(models.Model):
    """Any body a user acts for: a local authority, a provider organisation or a parent-carer forum.

    One table for all three keeps a single scoping rule ("the actor's organisation") for every
    page, endpoint and selector. Authority-only columns are blank for the other kinds.
    """

    kind = models.CharField(max_length=16, choices=OrganisationKind.choices)
    name = models.CharField(max_length=200)
    legal_name = models.CharField(max_length=200, blank=True)
    # Authorities
    ons_code = models.CharField("ONS code", max_length=9, blank=True)
    dfe_code = models.CharField("DfE (GIAS) code", max_length=3, blank=True)
    is_lead = models.BooleanField("lead authority", default=False)
    # Providers
    companies_house_number = models.CharField(max_length=8, blank=True)
    charity_number = models.CharField(max_length=8, blank=True)
    # Forums belong to one authority, or to none for the regional forum.
    forum_authority = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="forums",
        limit_choices_to={"kind": OrganisationKind.AUTHORITY},
    )
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=30, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["ons_code"], condition=Q(kind="authority"), name="unique_authority_ons_code"
            ),
            models.UniqueConstraint(
                fields=["is_lead"], condition=Q(is_lead=True), name="one_lead_authority"
            ),
            models.CheckConstraint(
                condition=Q(is_lead=False) | Q(kind="authority"), name="only_authorities_lead"
            ),
        ]
        indexes = [models.Index(fields=["kind", "name"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_authority(self) -> bool:
        return self.kind == OrganisationKind.AUTHORITY

    @property
    def is_provider(self) -> bool:
        return self.kind == OrganisationKind.PROVIDER

    @property
    def is_forum(self) -> bool:
        return self.kind == OrganisationKind.FORUM


class AuthorityManager(models.Manager["Authority"]):
    def get_queryset(self) -> models.QuerySet[Authority]:
        return super().get_queryset().filter(kind=OrganisationKind.AUTHORITY)


class Authority(Organisation):
    """A local authority: the lead authority runs the FPS, every authority places children."""

    objects = AuthorityManager()  # type: ignore[misc]

    class Meta:
        proxy = True
        verbose_name_plural = "authorities"


class Role(models.TextChoices):
    LEAD_EVALUATOR = "lead_evaluator", "Lead evaluator / FPS administrator"
    COMMISSIONER = "commissioner", "Commissioner / placements officer"
    QA_OFFICER = "qa_officer", "QA officer"
    SENIOR_MANAGER = "senior_manager", "Senior manager"
    PROVIDER_USER = "provider_user", "Provider user"
    FORUM_MEMBER = "forum_member", "Parent-carer forum member"
    AUTHORITY_ADMIN = "authority_admin", "Authority administrator"


ROLE_ORGANISATION_KIND: dict[str, str] = {
    Role.LEAD_EVALUATOR: OrganisationKind.AUTHORITY,
    Role.COMMISSIONER: OrganisationKind.AUTHORITY,
    Role.QA_OFFICER: OrganisationKind.AUTHORITY,
    Role.SENIOR_MANAGER: OrganisationKind.AUTHORITY,
    Role.PROVIDER_USER: OrganisationKind.PROVIDER,
    Role.FORUM_MEMBER: OrganisationKind.FORUM,
    Role.AUTHORITY_ADMIN: OrganisationKind.AUTHORITY,
}

#: The roles an authority administrator may give a colleague in their own authority.
AUTHORITY_STAFF_ROLES = (
    Role.LEAD_EVALUATOR,
    Role.COMMISSIONER,
    Role.QA_OFFICER,
    Role.SENIOR_MANAGER,
    Role.AUTHORITY_ADMIN,
)
#: The roles an API client may act in: a system does a member of staff's casework, never a
#: person's sign-off (senior managers) and never manages people or other clients.
API_CLIENT_ROLES = (Role.LEAD_EVALUATOR, Role.COMMISSIONER, Role.QA_OFFICER)


class SeniorPosition(models.TextChoices):
    """Which senior post a senior manager holds: rating alerts and sign-offs go to named posts."""

    DCS = "dcs", "Director of Children's Services"
    HEAD_OF_SERVICE_COMMISSIONING = (
        "head_of_service_commissioning",
        "Head of service, commissioning",
    )
    HEAD_OF_CHILDRENS_SERVICES = "head_of_childrens_services", "Head of children's services"
    COMMISSIONING_SERVICE_MANAGER = "commissioning_service_manager", "Commissioning service manager"
    CSW_SERVICE_MANAGER = "csw_service_manager", "CSW service manager"
    #: The authority's named safeguarding contact (seed 002, l.317: "an immediate concern
    #: regarding the safety of a child ... should be reported to ??????"; l.319: the
    #: safeguarding lead is consulted throughout an escalation): told of every concern at once.
    SAFEGUARDING_LEAD = "safeguarding_lead", "Safeguarding lead (named safeguarding contact)"


class Membership(models.Model):
    """Gives one user one role in one organisation. A user may hold several, one at a time."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(max_length=32, choices=Role.choices)
    senior_position = models.CharField(max_length=40, choices=SeniorPosition.choices, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(
        null=True, blank=True, help_text="When the role was removed or the person left."
    )

    class Meta:
        ordering = ["organisation__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="unique_membership"
            ),
            models.CheckConstraint(
                condition=Q(senior_position="") | Q(role="senior_manager"),
                name="senior_position_only_for_senior_managers",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}, {self.organisation}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.organisation_id is not None and (
            problems := membership_problems(
                organisation=self.organisation, role=self.role, senior_position=self.senior_position
            )
        ):
            raise ValidationError(problems)


def membership_problems(
    *, organisation: Organisation, role: str, senior_position: str = ""
) -> dict[str, str]:
    """Why this role cannot be held in this organisation, by field; empty when it can."""
    problems: dict[str, str] = {}
    expected_kind = ROLE_ORGANISATION_KIND.get(role)
    if expected_kind is None:
        problems["role"] = "Select a role."
    elif organisation.kind != expected_kind:
        role_label = Role(role).label.lower()
        kind_label = OrganisationKind(expected_kind).label.lower()
        problems["role"] = f"A {role_label} must belong to a {kind_label}."
    elif role == Role.LEAD_EVALUATOR and not organisation.is_lead:
        problems["role"] = "Lead evaluators belong to the lead authority."
    if senior_position and role != Role.SENIOR_MANAGER:
        problems["senior_position"] = "Only senior managers hold a senior position."
    if role == Role.SENIOR_MANAGER and not senior_position:
        problems["senior_position"] = "Select the senior manager's position."
    return problems


class PendingRegistration(models.Model):
    """A self-registration waiting for its owner to confirm the e-mail address.

    Nothing else is created until the link sent to the address is followed and the password
    chosen at registration is entered again: so the registration page answers the same whether
    or not an address has an account, and no one can register someone else's address with a
    password of their own. Only a hash of the link's token is kept.
    """

    email = models.EmailField(db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    password_hash = models.CharField(max_length=128)
    details = models.JSONField(help_text="What was entered, apart from the password.")
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Registration waiting for {self.email}"


class ApiClient(models.Model):
    """Another council's system, registered by an authority administrator.

    It acts through `membership` (its own user, one role in the authority), so scoping, the
    rules of each role and the audit log treat it as a member of staff. The credential is shown
    once; only `key_prefix` (to find the row) and the SHA-256 of the whole credential are kept.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="api_clients"
    )
    name = models.CharField(max_length=100)
    user = models.OneToOneField(User, on_delete=models.PROTECT, related_name="api_client")
    membership = models.OneToOneField(
        Membership, on_delete=models.PROTECT, related_name="api_client"
    )
    key_prefix = models.CharField(max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)
    lifetime_days = models.PositiveSmallIntegerField()
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    rotated_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    submission_key = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = "API client"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "submission_key"],
                condition=Q(submission_key__isnull=False),
                name="api_client_once_per_submission",
            ),
        ]

    def __str__(self) -> str:
        return f"API client {self.name} ({self.organisation})"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def status(self) -> str:
        if self.is_revoked:
            return "Revoked"
        return "Expired" if self.is_expired else "Active"
