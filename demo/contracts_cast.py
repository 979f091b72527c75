"""Who the demo's Individual Placement Agreements name, and the one placement made for them.

The placing authorities' legal names and addresses (the Organisation rows carry neither), who
signs for each party, the provider's key contact; and BLA-2026-0007, a placement made over a
year before the demo is loaded, so that one agreement can be seen to have run and then broken
down. Everything else in the agreements comes from the demo's awards (demo/placements).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from demo.placements.build import Placing
from demo.placements.children import BLACKPOOL, BLACKPOOL_CASEWORKER
from demo.placements.rows import ChildSpec, award_complete, offer_of
from demo.placements.world import World
from referrals.models import (
    AuthorisationState,
    ChildGender,
    DirectAwardGround,
    DirectAwardReview,
    LegalStatus,
    Referral,
    ReferralState,
    Route,
    RouteCase,
)

DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Council:
    """What the IPA states of a placing authority: its legal name, address, invoicing, and who
    signs for it (a head of service, one of the authority's senior managers)."""

    legal_name: str
    address: str
    postcode: str
    invoicing: str
    signatory_email: str
    signatory_position: str


COUNCILS = {
    "Sefton": Council(
        legal_name="Sefton Metropolitan Borough Council",
        address="Bootle Town Hall, Oriel Road, Bootle",
        postcode="L20 7AE",
        invoicing="Invoices by e-mail to send.finance@sefton.example, quoting the Order number "
        "and the weeks invoiced.",
        signatory_email="headofservice@sefton.example",
        signatory_position="Head of Service, SEND Commissioning",
    ),
    "Blackpool": Council(
        legal_name="Blackpool Borough Council",
        address="Municipal Buildings, Corporation Street, Blackpool",
        postcode="FY1 1NA",
        invoicing="Invoices by e-mail to childrens.payments@blackpool.example, quoting the Order "
        "number and the weeks invoiced.",
        signatory_email="headofservice@blackpool.example",
        signatory_position="Head of Service, Commissioning",
    ),
}


@dataclass(frozen=True)
class ProviderSide:
    """The provider's signatory (a demo sign-in, who signs in the portal) and its key contact."""

    signatory_email: str
    signatory_name: str
    signatory_position: str
    contact_name: str
    contact_email: str
    contact_phone: str


PROVIDERS = {
    "Mersey Vale Schools": ProviderSide(
        "business@merseyvale.example",
        "Nadia Brooks",
        "Business Manager",
        "Nadia Brooks",
        "business@merseyvale.example",
        "0151 496 0123",
    ),
    "Fylde Coast Trust": ProviderSide(
        "business@fyldecoast.example",
        "Gareth Lloyd",
        "Business Manager",
        "Gareth Lloyd",
        "business@fyldecoast.example",
        "01253 496 456",
    ),
    "Oakfield Learning Trust": ProviderSide(
        "bids@oakfield.example",
        "Alex Morgan",
        "Bids and Contracts Manager",
        "Rachel Iqbal",
        "office@oakfield.example",
        "01270 496 789",
    ),
}

#: The young woman whose placement at Ribble College broke down (made up, as every demo child).
ENDED_CHILD_KEY = "ended"
ENDED_CHILD = ChildSpec(
    "Mia",
    "Madeupson",
    datetime.date(2009, 3, 11),
    "DEMO-BLA-2006",
    ChildGender.FEMALE,
    LegalStatus.EHCP_ONLY,
    "SLD",
    ["SLCN"],
    "FY2 9ZQ",
    [
        "To travel to college with a familiar adult and then with a travel buddy.",
        "To choose her own lunch using her communication device.",
    ],
    ("Karen Madeupson", "mother", "A college near home with people she knows."),
    "I like cooking and the sensory room.",
    current_setting_name="A special school in Blackpool (to 16)",
    caseworker=BLACKPOOL_CASEWORKER,
)


def ended_placement_referral(world: World) -> Referral:
    """BLA-2026-0007: a direct award in her best interests to Ribble College (Fylde Coast
    Trust), authorised by Blackpool's head of service and awarded 405 days before the demo, kept
    at its review; its agreement is signed and activated, then ends by breakdown."""
    blackpool = Placing(
        world=world,
        authority=world.blackpool,
        commissioner=world.blackpool_commissioner,
        prefix="BLA",
        referrer=("Martin Ashby", "martin.ashby@blackpool.example"),
        children={**BLACKPOOL, ENDED_CHILD_KEY: ENDED_CHILD},
    )
    now, by = world.now, world.blackpool_commissioner
    head = world.user(COUNCILS["Blackpool"].signatory_email)
    ribble = offer_of("Ribble College", world.lots["B1"])
    child = blackpool.child(ENDED_CHILD_KEY, 430)
    referral = blackpool.referral(
        7,
        child,
        lot="B1",
        route=Route.DIRECT_AWARD,
        state=ReferralState.AWAITING_AUTHORISATION,
        created_days_ago=425,
        start_in_days=-400,
        summary="A young woman of {age} with severe learning difficulties who uses a "
        "communication device and needs a specialist college place after her special school.",
        outcomes="Travel to college with a familiar adult; choosing her own lunch.",
    )
    RouteCase.objects.create(
        referral=referral,
        ground=DirectAwardGround.BEST_INTERESTS,
        justification="Ribble College is the only member with a specialist day offer for young "
        "people with severe learning difficulties within travelling distance; her transition "
        "plan was built around it and her family support it.",
        provider=ribble.setting.provider,
        setting=ribble.setting,
        weekly_price=ribble.weekly_price,
        review_on=(now - 220 * DAY).date(),
        review_reminded_at=now - 227 * DAY,
        review_outcome=DirectAwardReview.KEPT,
        state=AuthorisationState.AUTHORISED,
        submitted_at=now - 423 * DAY,
        submitted_by=by,
        authorised_at=now - 421 * DAY,
        authorised_by=head,
        decision_note="Authorised in her best interests; review at six months.",
    )
    award_complete(
        referral,
        None,
        by=by,
        at=now - 405 * DAY,
        provider=ribble.setting.provider,
        setting=ribble.setting,
        reasons="Direct award in her best interests, authorised by the head of service: the only "
        "specialist college place for her needs within reach of home.",
        agreed_weekly_price=ribble.weekly_price or Decimal("2650.00"),
    )
    referral.refresh_from_db()
    return referral
