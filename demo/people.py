"""Demo organisations and one user per role (see fps_portal.demo_accounts)."""

from __future__ import annotations

from django_otp.plugins.otp_totp.models import TOTPDevice

from demo.guard import require_demo_data_allowed
from fps_portal.accounts.mfa import second_factor_required
from fps_portal.accounts.models import Membership, Organisation, OrganisationKind, User
from fps_portal.demo_accounts import DEMO_ACCOUNTS, DEMO_PASSWORD, demo_totp_key_hex

DEMO_APP_NAME = "Demo authenticator (shared demo key)"

DEMO_PROVIDERS = {
    "Oakfield Learning Trust": {
        "legal_name": "Oakfield Learning Trust Limited",
        "companies_house_number": "08123456",
        "charity_number": "1154321",
        "address": "1 Oak Lane, Crewe",
        "postcode": "CW1 2AB",
        "contact_email": "office@oakfield.example",
    },
    # Two members of the directory (demo/directory.py) whose business managers sign in to sign
    # their placements' agreements, so they are made here, with the accounts.
    "Mersey Vale Schools": {
        "legal_name": "Mersey Vale Schools Limited",
        "companies_house_number": "07654321",
        "charity_number": "1160987",
        "address": "Mersey Vale School, Vale Road, Bootle",
        "postcode": "L20 6DJ",
        "contact_email": "office@merseyvale.example",
        "contact_phone": "0151 496 0123",
    },
    "Fylde Coast Trust": {
        "legal_name": "Fylde Coast Trust",
        "companies_house_number": "06543210",
        "charity_number": "1149876",
        "address": "Fylde Coast School, Common Edge Road, Blackpool",
        "postcode": "FY4 3AS",
        "contact_email": "office@fyldecoast.example",
        "contact_phone": "01253 496 456",
    },
    "Northshore Care and Education": {
        "legal_name": "Northshore Care and Education Ltd",
        "companies_house_number": "09876543",
        "address": "22 Marine Parade, Southport",
        "postcode": "PR8 1RY",
        "contact_email": "hello@northshore.example",
    },
}


def load_people() -> dict[str, Organisation]:
    require_demo_data_allowed()
    organisations = {
        o.name: o for o in Organisation.objects.filter(kind=OrganisationKind.AUTHORITY)
    }
    for name, fields in DEMO_PROVIDERS.items():
        organisations[name], _ = Organisation.objects.get_or_create(
            kind=OrganisationKind.PROVIDER, name=name, defaults=fields
        )
    organisations["Sefton Parent Carer Forum"], _ = Organisation.objects.get_or_create(
        kind=OrganisationKind.FORUM,
        name="Sefton Parent Carer Forum",
        defaults={"forum_authority": organisations["Sefton"]},
    )
    for account in DEMO_ACCOUNTS:
        user = User.objects.filter(email=account.email).first()
        if user is None:
            user = User.objects.create_user(
                account.email,
                DEMO_PASSWORD,
                full_name=account.full_name,
                is_staff=not account.role,
                is_superuser=not account.role,
            )
        if account.role:
            Membership.objects.get_or_create(
                user=user,
                organisation=organisations[account.organisation],
                role=account.role,
                defaults={"senior_position": account.senior_position},
            )
        enrol_demo_app(user)
    return organisations


def enrol_demo_app(user: User) -> TOTPDevice | None:
    """Sets up the demo key as the authenticator app of a demo account that must use one (and
    has none), so the demo can be signed in to with `manage.py demo_otp EMAIL`'s code."""
    if not second_factor_required(user):
        return None
    existing = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if existing is not None:
        return existing
    return TOTPDevice.objects.create(
        user=user, name=DEMO_APP_NAME, key=demo_totp_key_hex(), confirmed=True
    )
