"""A provider registers its organisation and invites colleagues."""

from __future__ import annotations

import datetime
import hashlib
import re
import secrets

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from fps_portal.accounts.models import (
    Membership,
    Organisation,
    OrganisationKind,
    PendingRegistration,
    Role,
    User,
)
from fps_portal.accounts.services import membership_create, user_create
from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record, snapshot
from fps_portal.errors import InvalidInput
from fps_portal.notifications.services import notify
from fps_portal.phones import normalise_phone, phone_problem
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


#: How long a registration link works, and how many wrong passwords it takes.
REGISTRATION_LINK_HOURS = 24
REGISTRATION_CONFIRM_ATTEMPTS = 5


def registration_problems(
    *,
    email: str,
    full_name: str,
    password: str,
    name: str,
    legal_name: str,
    companies_house_number: str,
    charity_number: str,
    address: str,
    postcode: str,
    contact_email: str,
    contact_phone: str = "",
) -> dict[str, str]:
    """What is wrong with a registration, by field. Whether the e-mail has an account is not
    asked: the answer must not depend on it.

    The registration form asks this in its `clean` too, so one submission shows every error:
    the form's own (a blank or too long answer) and these, at once.
    """
    companies_house_number = companies_house_number.strip().upper()
    charity_number = charity_number.strip()
    fields: dict[str, str] = {}
    if not full_name.strip():
        fields["full_name"] = "Enter your full name."
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
    if problem := phone_problem(contact_phone):
        fields["contact_phone"] = problem
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
    return fields


def provider_registration_request(
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
) -> None:
    """Public sign-up, step one: e-mails the address and changes nothing else it could show.

    A new address gets a link to confirm the registration (kept as a PendingRegistration); an
    address that has an account gets an e-mail saying so. The caller shows the same "check your
    email" page either way, and both ways take about as long (a password is hashed in each).
    """
    email = email.strip().lower()
    companies_house_number = companies_house_number.strip().upper()
    charity_number = charity_number.strip()
    fields = registration_problems(
        email=email,
        full_name=full_name,
        password=password,
        name=name,
        legal_name=legal_name,
        companies_house_number=companies_house_number,
        charity_number=charity_number,
        address=address,
        postcode=postcode,
        contact_email=contact_email,
        contact_phone=contact_phone,
    )
    if fields:
        raise InvalidInput.on_fields(fields)
    password_hash = make_password(password)
    _forget_expired_registrations()
    if User.objects.filter(email__iexact=email).exists():
        _send(
            email,
            "You already have a North West SEND Placements account",
            "Someone, probably you, tried to register an organisation on North West SEND "
            "Placements with this email address. It already has an account, so nothing was "
            f"registered.\n\nSign in: {settings.SITE_URL}{reverse('login')}\n"
            "Forgotten your password? Reset it: "
            f"{settings.SITE_URL}{reverse('password_reset')}\n\n"
            "To add another organisation, ask a colleague there to invite you. If it was not "
            "you, you do not need to do anything.",
        )
        return
    token = secrets.token_urlsafe(32)
    details = {
        "full_name": full_name.strip(),
        "name": name.strip(),
        "legal_name": legal_name.strip(),
        "companies_house_number": companies_house_number,
        "charity_number": charity_number,
        "address": address.strip(),
        "postcode": postcode.strip().upper(),
        "contact_email": contact_email.strip(),
        "contact_phone": normalise_phone(contact_phone),
    }
    with transaction.atomic():
        pending = PendingRegistration.objects.create(
            email=email, token_hash=_token_hash(token), password_hash=password_hash, details=details
        )
        audit_record(
            actor=None,
            verb=AuditVerb.CREATED,
            obj=pending,
            after={"email": email, **details},
            reason="Provider registration waiting for its e-mail to be confirmed",
        )
    # Sent once the registration is saved (the page is not one transaction: this block is).
    link = settings.SITE_URL + reverse("providers:register-confirm", args=[token])
    _send(
        email,
        "Confirm your registration on North West SEND Placements",
        f"You asked to register {details['name']} on North West SEND Placements. To finish, "
        f"follow this link and enter the password you chose:\n\n{link}\n\n"
        f"The link works once and expires in {REGISTRATION_LINK_HOURS} hours. If you did not "
        "ask to register, you do not need to do anything: nothing is created without the "
        "password.",
    )


def _link_cutoff() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(hours=REGISTRATION_LINK_HOURS)


def _forget_expired_registrations() -> None:
    """Registrations whose link has expired hold a password hash for nothing: drop them."""
    PendingRegistration.objects.filter(created_at__lt=_link_cutoff()).delete()


def pending_registration(token: str) -> PendingRegistration | None:
    """The registration waiting behind this link, if the link still works."""
    return PendingRegistration.objects.filter(
        token_hash=_token_hash(token), created_at__gte=_link_cutoff()
    ).first()


def provider_registration_confirm(*, token: str, password: str) -> tuple[User, Organisation]:
    """Public sign-up, step two: the link's owner enters the registration's password, and the
    user, their provider organisation and their membership of it are created, or nothing."""
    pending = pending_registration(token)
    if pending is None:
        raise InvalidInput("This link does not work. Register again to get a new one.")
    if not check_password(password, pending.password_hash):
        # Counted outside the transaction below, which a refusal rolls back.
        with transaction.atomic():
            waiting = PendingRegistration.objects.filter(pk=pending.pk)
            waiting.update(failed_attempts=F("failed_attempts") + 1)
            waiting.filter(failed_attempts__gte=REGISTRATION_CONFIRM_ATTEMPTS).delete()
        raise _WrongPassword()
    with transaction.atomic():
        pending = PendingRegistration.objects.select_for_update().filter(pk=pending.pk).first()
        if pending is None:  # confirmed or given up by another request just now
            raise InvalidInput("This link does not work. Register again to get a new one.")
        details = dict(pending.details)
        if User.objects.filter(email__iexact=pending.email).exists():
            pending.delete()
            raise InvalidInput(
                "This email address already has an account. Sign in instead.",
                fields={"password": "This email address already has an account. Sign in."},
            )
        if Organisation.objects.filter(
            kind=OrganisationKind.PROVIDER, name__iexact=details["name"]
        ).exists():
            raise InvalidInput(
                "An organisation with this name was registered since. Ask a colleague there to "
                "invite you."
            )
        user = user_create(
            actor=None, email=pending.email, full_name=details.pop("full_name"), password=password
        )
        organisation = Organisation.objects.create(kind=OrganisationKind.PROVIDER, **details)
        membership = membership_create(
            actor=None, user=user, organisation=organisation, role=Role.PROVIDER_USER
        )
        pending.delete()
        actor = Actor(user=user, membership=membership)
        audit_record(
            actor=actor,
            verb=AuditVerb.CREATED,
            obj=organisation,
            after=snapshot(organisation, ORGANISATION_FIELDS),
            reason="Provider registered itself",
        )
    return user, organisation


class _WrongPassword(InvalidInput):
    def __init__(self) -> None:
        message = "Enter the password you chose when you registered"
        super().__init__(message, fields={"password": message})


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _send(to: str, subject: str, body: str) -> None:
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to], fail_silently=False)


def set_password_path(user: User) -> str:
    """The portal's set-password page for this user, with Django's password-reset token.

    The token is tied to the user's current password hash and last sign-in, so it stops working
    once used, and it expires after PASSWORD_RESET_TIMEOUT.
    """
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("password_reset_confirm", args=[uid, default_token_generator.make_token(user)])


def _awaiting_first_sign_in(user: User) -> bool:
    return not user.has_usable_password() and user.last_login is None


def _invite_refusal(*, email: str, organisation: Organisation) -> str:
    """Why this e-mail address cannot be invited to `organisation`; empty when it can.

    An invitation only ever creates a new account (or sends a fresh link to a colleague invited
    earlier who has not set a password yet). Any other existing account is refused, whatever it
    belongs to: adding a membership to someone else's account (another provider's, an
    authority's, the platform administrator's) would let this provider's users hand it the right
    to act for them without its owner or their organisation agreeing.
    """
    existing = User.objects.filter(email__iexact=email).first()
    if existing is None:
        return ""
    own = Membership.objects.filter(
        user=existing, organisation=organisation, role=Role.PROVIDER_USER
    ).first()
    if own is not None and own.is_active:
        if existing.is_active and _awaiting_first_sign_in(existing):
            return ""
        return f"{email} is already a member of {organisation.name}."
    if own is not None:
        return (
            f"{email} used to act for {organisation.name} and their access was switched off. "
            "Ask the portal administrator to switch it back on."
        )
    if Membership.objects.filter(user=existing).exclude(organisation=organisation).exists():
        return (
            "This e-mail address already has an account with another organisation. Ask them to "
            f"use a different address for {organisation.name}."
        )
    return (
        "This e-mail address already has an account on the portal. Ask them to use a different "
        f"address for {organisation.name}."
    )


def colleague_invite(*, actor: Actor, email: str, full_name: str) -> Membership:
    """Creates an account for a colleague, adds it to the actor's provider and e-mails them a
    link to set their password; nothing is written when the address is refused (see
    `_invite_refusal`).

    Inviting a colleague who was invited before and has not set a password yet sends a fresh
    link and changes nothing else: it is the only way back in once the first link expires, since
    the forgotten-password form only writes to accounts that have a password.
    """
    organisation = actor.organisation
    assert organisation is not None
    require_provider(actor, organisation.pk)
    email = email.strip().lower()
    with transaction.atomic():
        fields: dict[str, str] = {}
        if not email or "@" not in email:
            fields["email"] = "Enter an email address in the correct format, like name@example.com."
        elif refusal := _invite_refusal(email=email, organisation=organisation):
            fields["email"] = refusal
        if not full_name.strip():
            fields["full_name"] = "Enter your colleague's full name."
        if fields:
            raise InvalidInput.on_fields(fields)
        existing = User.objects.filter(email__iexact=email).first()
        if existing is None:
            user = user_create(actor=actor, email=email, full_name=full_name.strip())
            membership = membership_create(
                actor=actor, user=user, organisation=organisation, role=Role.PROVIDER_USER
            )
            event_key = f"invited:{membership.pk}"
        else:
            # `_invite_refusal` let an existing account through only as this provider's own
            # colleague still waiting to set a password: send them a fresh link.
            user = existing
            membership = Membership.objects.get(
                user=user, organisation=organisation, role=Role.PROVIDER_USER
            )
            # A new key per resend: the notification outbox sends each key once.
            event_key = f"invited:{membership.pk}:{timezone.now():%Y%m%dT%H%M%S.%f}"
        notify(
            recipients=[user],
            event_key=event_key,
            template="notifications/colleague_invited",
            context={
                "inviter": actor.user,
                "organisation": organisation.name,
                "link_lifetime": _link_lifetime(),
            },
            url=set_password_path(user),
        )
    return membership


def _link_lifetime() -> str:
    days = settings.PASSWORD_RESET_TIMEOUT // (24 * 60 * 60)
    return f"{days} day{'s' if days != 1 else ''}" if days else "a few hours"
