"""The demo's sign-ins: one per role, shared by the demo loader and the `make run` banner."""

from dataclasses import dataclass

# Demo only: `load_demo_data` refuses to run with production settings.
DEMO_PASSWORD = "placements-demo-2026"
# Every demo account that must use a second factor (the authorities' and the platform
# administrator's) has an authenticator app set up with this one key, so a person can add it to
# their own app once, or ask `manage.py demo_otp EMAIL` for the current code. Demo only.
DEMO_TOTP_SECRET = "NWSENDDEMOCODESTWOFACTORAPPKEYXY"  # base32, 20 bytes


def demo_totp_key_hex() -> str:
    """The demo key as django-otp stores it (hex)."""
    import base64

    return base64.b32decode(DEMO_TOTP_SECRET).hex()


@dataclass(frozen=True)
class DemoAccount:
    email: str
    full_name: str
    description: str
    organisation: str  # an authority's name, or a provider's / forum's demo name
    role: str  # "" for the platform administrator
    senior_position: str = ""


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount(
        "admin@nwsend.example", "Pat Admin", "platform administrator (back office)", "", ""
    ),
    DemoAccount(
        "lead@cheshireeast.example",
        "Lee Evans",
        "lead evaluator, Cheshire East (lead authority)",
        "Cheshire East",
        "lead_evaluator",
    ),
    DemoAccount(
        "evaluator@cheshireeast.example",
        "Sam Okafor",
        "second evaluator, Cheshire East",
        "Cheshire East",
        "lead_evaluator",
    ),
    DemoAccount(
        "placements@sefton.example",
        "Chris Doyle",
        "commissioner / placements officer, Sefton",
        "Sefton",
        "commissioner",
    ),
    DemoAccount(
        "placements@blackpool.example",
        "Jo Bennett",
        "commissioner, Blackpool",
        "Blackpool",
        "commissioner",
    ),
    DemoAccount("qa@sefton.example", "Ravi Shah", "QA officer, Sefton", "Sefton", "qa_officer"),
    DemoAccount(
        "dcs@sefton.example",
        "Morgan Hale",
        "senior manager (DCS), Sefton",
        "Sefton",
        "senior_manager",
        "dcs",
    ),
    # The senior managers who authorise direct awards and spot purchases (a head of service) and
    # sign off an award to a Requires Improvement or Inadequate setting (the CSW service manager
    # and the commissioning service manager), at both placing authorities of the referrals demo.
    DemoAccount(
        "headofservice@sefton.example",
        "Priya Nair",
        "senior manager (head of service, commissioning), Sefton",
        "Sefton",
        "senior_manager",
        "head_of_service_commissioning",
    ),
    DemoAccount(
        "cswmanager@sefton.example",
        "Owen Hughes",
        "senior manager (CSW service manager), Sefton",
        "Sefton",
        "senior_manager",
        "csw_service_manager",
    ),
    DemoAccount(
        "commissioningmanager@sefton.example",
        "Grace Lam",
        "senior manager (commissioning service manager), Sefton",
        "Sefton",
        "senior_manager",
        "commissioning_service_manager",
    ),
    # Sefton's named safeguarding contact: told at once of an immediate safety concern and
    # consulted on every concern (seed 002, l.317-319; docs/concerns.md).
    DemoAccount(
        "safeguarding@sefton.example",
        "Hannah Price",
        "senior manager (safeguarding lead), Sefton",
        "Sefton",
        "senior_manager",
        "safeguarding_lead",
    ),
    DemoAccount(
        "headofservice@blackpool.example",
        "Declan Ward",
        "senior manager (head of service, commissioning), Blackpool",
        "Blackpool",
        "senior_manager",
        "head_of_service_commissioning",
    ),
    DemoAccount(
        "cswmanager@blackpool.example",
        "Fatima Khan",
        "senior manager (CSW service manager), Blackpool",
        "Blackpool",
        "senior_manager",
        "csw_service_manager",
    ),
    DemoAccount(
        "commissioningmanager@blackpool.example",
        "Ian Booth",
        "senior manager (commissioning service manager), Blackpool",
        "Blackpool",
        "senior_manager",
        "commissioning_service_manager",
    ),
    # One authority administrator per authority with demo sign-ins: runs its people and API
    # clients (ADR 0015).
    DemoAccount(
        "accounts@cheshireeast.example",
        "Jordan Reid",
        "authority administrator, Cheshire East",
        "Cheshire East",
        "authority_admin",
    ),
    DemoAccount(
        "accounts@sefton.example",
        "Taylor Quinn",
        "authority administrator, Sefton",
        "Sefton",
        "authority_admin",
    ),
    DemoAccount(
        "accounts@blackpool.example",
        "Robin Walsh",
        "authority administrator, Blackpool",
        "Blackpool",
        "authority_admin",
    ),
    DemoAccount(
        "bids@oakfield.example",
        "Alex Morgan",
        "provider bid writer, Oakfield Learning Trust",
        "Oakfield Learning Trust",
        "provider_user",
    ),
    # The business managers who sign the demo's Individual Placement Agreements for their
    # providers (demo/contracts.py): the provider's side of an active, an uplifted and an ended
    # placement.
    DemoAccount(
        "business@merseyvale.example",
        "Nadia Brooks",
        "provider business manager, Mersey Vale Schools",
        "Mersey Vale Schools",
        "provider_user",
    ),
    DemoAccount(
        "business@fyldecoast.example",
        "Gareth Lloyd",
        "provider business manager, Fylde Coast Trust",
        "Fylde Coast Trust",
        "provider_user",
    ),
    DemoAccount(
        "bids@northshore.example",
        "Kim Tran",
        "provider user, Northshore Care and Education (applying)",
        "Northshore Care and Education",
        "provider_user",
    ),
    DemoAccount(
        "forum@seftonparentcarers.example",
        "Dana Price",
        "parent-carer forum member, Sefton",
        "Sefton Parent Carer Forum",
        "forum_member",
    ),
)
