"""A provider registers its organisation and invites colleagues."""

from __future__ import annotations

import re

from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from fps_portal.accounts.models import Membership, Organisation, OrganisationKind, Role, User
from fps_portal.accounts.services import membership_create, user_create
from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record, snapshot
from fps_portal.errors import InvalidInput
from fps_portal.notifications.services import notify
from providers.services._common import require_provider

_COMPANY = re.compile(r"^(\d{8}|[A-Z]{2}\d{6})$")
_CHARITY = re.compile(r"^\d{6,8}$")
ORGANISATION_FIELDS = [
    "name",
    "legal_name",
    "companies_house_number",
    "charity_number",
    "address",
    "postcode",
    "contact_email",
    "contact_phone",
]


def provider_register(
    *,
    email: str,
    full_name: str,
    password: str,
    name: str,
    legal_name: str,
    companies_house_number: str = "",
    charity_number: str = "",
    address: str,
    postcode: str,
    contact_email: str,
    contact_phone: str = "",
) -> tuple[User, Organisation]:
    """Public sign-up: a user, their provider organisation, and their membership of it, or
    nothing."""
    companies_house_number = companies_house_number.strip().upper()
    charity_number = charity_number.strip()
    fields: dict[str, str] = {}
    if not full_name.strip():
        fields["full_name"] = "Enter your full name."
    if User.objects.filter(email__iexact=email.strip()).exists():
        fields["email"] = "An account with this email address already exists. Sign in instead."
    if not name.strip():
        fields["name"] = "Enter the organisation's name."
    if not legal_name.strip():
        fields["legal_name"] = "Enter the organisation's legal name."
    if companies_house_number and not _COMPANY.match(companies_house_number):
        fields["companies_house_number"] = (
            "Enter a Companies House number of 8 characters, like 08123456 or SC123456."
        )
    if charity_number and not _CHARITY.match(charity_number):
        fields["charity_number"] = "Enter a charity number of 6 to 8 digits, like 1154321."
    if not companies_house_number and not charity_number:
        fields["companies_house_number"] = (
            "Enter a Companies House number, a charity number, or both."
        )
    if not address.strip():
        fields["address"] = "Enter the organisation's address."
    if not postcode.strip():
        fields["postcode"] = "Enter the postcode."
    if not contact_email.strip():
        fields["contact_email"] = "Enter a contact email address for the organisation."
    try:
        validate_password(password, User(email=email, full_name=full_name))
    except ValidationError as exc:
        fields["password"] = " ".join(exc.messages)
    if Organisation.objects.filter(
        kind=OrganisationKind.PROVIDER, name__iexact=name.strip()
    ).exists():
        fields["name"] = (
            "An organisation with this name is already registered. Ask a colleague there to "
            "invite you."
        )
    if fields:
        raise InvalidInput(next(iter(fields.values())), fields=fields)
    with transaction.atomic():
        user = user_create(actor=None, email=email, full_name=full_name.strip(), password=password)
        organisation = Organisation.objects.create(
            kind=OrganisationKind.PROVIDER,
            name=name.strip(),
            legal_name=legal_name.strip(),
            companies_house_number=companies_house_number,
            charity_number=charity_number,
            address=address.strip(),
            postcode=postcode.strip().upper(),
            contact_email=contact_email.strip(),
            contact_phone=contact_phone.strip(),
        )
        membership = membership_create(
            actor=None, user=user, organisation=organisation, role=Role.PROVIDER_USER
        )
        actor = Actor(user=user, membership=membership)
        audit_record(
            actor=actor,
            verb=AuditVerb.CREATED,
            obj=organisation,
            after=snapshot(organisation, ORGANISATION_FIELDS),
            reason="Provider registered itself",
        )
    return user, organisation


def set_password_path(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("password_reset_confirm", args=[uid, default_token_generator.make_token(user)])


def colleague_invite(*, actor: Actor, email: str, full_name: str) -> Membership:
    """Adds a colleague to the actor's provider and e-mails them a link to set their password."""
    organisation = actor.organisation
    assert organisation is not None
    require_provider(actor, organisation.pk)
    email = email.strip().lower()
    fields: dict[str, str] = {}
    if not email or "@" not in email:
        fields["email"] = "Enter an email address in the correct format, like name@example.com."
    if not full_name.strip():
        fields["full_name"] = "Enter your colleague's full name."
    existing = User.objects.filter(email=email).first()
    if (
        existing is not None
        and Membership.objects.filter(
            user=existing, organisation=organisation, role=Role.PROVIDER_USER
        ).exists()
    ):
        fields["email"] = "This person is already a member of your organisation."
    if fields:
        raise InvalidInput(next(iter(fields.values())), fields=fields)
    with transaction.atomic():
        user = existing or user_create(
            actor=actor, email=email, full_name=full_name.strip(), password=None
        )
        membership = membership_create(
            actor=actor, user=user, organisation=organisation, role=Role.PROVIDER_USER
        )
        url = (
            reverse("login")
            if existing is not None and existing.has_usable_password()
            else set_password_path(user)
        )
        notify(
            recipients=[user],
            event_key=f"invited:{membership.pk}",
            subject=f"{actor.user} invited you to act for {organisation.name}",
            body=(
                "You have been added to North West SEND Placements as a user of "
                f"{organisation.name}. Use the link to set your password and sign in."
            ),
            url=url,
        )
    return membership
