"""The large referrals' cast: each authority's staff, districts and reference counters, and the
approved offers on each lot that decide whom a competition invites."""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from fps_portal.accounts.models import (
    Membership,
    Organisation,
    OrganisationKind,
    Role,
    SeniorPosition,
    User,
)
from providers.models import (
    AuthorityLocation,
    FpsMembership,
    MembershipState,
    PostcodeDistrict,
    SettingLot,
)
from referrals.models import (
    AuthorityPlacementRules,
    Referral,
)

LARGE_CASE_PREFIX = "LARGE-"
BATCH = 2000
DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)
#: The 2025 lots replaced the 2020 ones for new referrals from this day.
LOTS_2025_FROM = datetime.date(2025, 9, 1)
STAFF = [
    ("placements", Role.COMMISSIONER, ""),
    ("headofservice", Role.SENIOR_MANAGER, SeniorPosition.HEAD_OF_SERVICE_COMMISSIONING),
    ("cswmanager", Role.SENIOR_MANAGER, SeniorPosition.CSW_SERVICE_MANAGER),
    ("commissioningmanager", Role.SENIOR_MANAGER, SeniorPosition.COMMISSIONING_SERVICE_MANAGER),
]


def reference_prefix(name: str) -> str:
    """The default prefix: the authority's first three letters, upper-case."""
    return "".join(c for c in name if c.isalpha())[:3].upper()


@dataclass
class Offer:
    """An approved price of a member's setting on a lot, with what a response pre-fills."""

    provider_id: int
    setting_id: int
    price: Decimal
    band: str
    summary: str
    as_at: datetime.date | None


@dataclass
class Place:
    """One placing authority: its staff, its districts and its reference counters."""

    authority: Organisation
    prefix: str
    staff: dict[str, User]
    districts: list[str]
    taken: set[str]
    counters: dict[int, int]

    def reference(self, year: int) -> str:
        while True:
            self.counters[year] = self.counters.get(year, 0) + 1
            candidate = f"{self.prefix}-{year}-{self.counters[year]:04d}"
            if candidate not in self.taken:
                return candidate


def authority_places() -> list[Place]:
    authorities = list(
        Organisation.objects.filter(kind=OrganisationKind.AUTHORITY).order_by("name")
    )
    locations = {a.authority_id: a for a in AuthorityLocation.objects.all()}
    districts = list(PostcodeDistrict.objects.all())
    existing: dict[int, set[str]] = defaultdict(set)
    for authority_id, reference in Referral.objects.values_list("authority_id", "reference"):
        existing[authority_id].add(reference)
    known = {u.email: u for u in User.objects.filter(email__startswith="large.")}
    users, memberships, places = [], [], []
    for authority in authorities:
        AuthorityPlacementRules.objects.get_or_create(
            authority=authority, defaults={"reference_prefix": reference_prefix(authority.name)}
        )
        slug = "".join(c for c in authority.name.lower() if c.isalpha())
        staff = {}
        for local, role, position in STAFF:
            email = f"large.{local}@{slug}.example"
            user = known.get(email)
            if user is None:  # made once; a sign-in with no usable password
                user = User(email=email, full_name=f"Large {local.title()} {authority.name}")
                user.set_unusable_password()
                users.append(user)
            staff[local] = user
            memberships.append((user, authority, role, position))
        location = locations.get(authority.pk)
        near = sorted(districts, key=_distance_from(location))[:6] if location else districts[:6]
        places.append(
            Place(
                authority=authority,
                prefix=authority.placement_rules.reference_prefix,
                staff=staff,
                districts=[d.district for d in near],
                taken=existing[authority.pk],
                counters={},
            )
        )
    User.objects.bulk_create(users, batch_size=BATCH)
    Membership.objects.bulk_create(
        [
            Membership(user=u, organisation=a, role=role, senior_position=position)
            for u, a, role, position in memberships
        ],
        batch_size=BATCH,
        ignore_conflicts=True,
    )
    return places


def _distance_from(place: AuthorityLocation) -> Callable[[PostcodeDistrict], float]:
    """Squared distance (in degrees, longitude scaled) from the authority's fixed point."""
    scale = math.cos(math.radians(place.latitude))

    def distance(d: PostcodeDistrict) -> float:
        return (d.latitude - place.latitude) ** 2 + ((d.longitude - place.longitude) * scale) ** 2

    return distance


def lot_offers(system_id: int) -> dict[int, dict[int, list[Offer]]]:
    """lot id -> provider id -> the approved offers of its settings on that lot, best first."""
    active = FpsMembership.objects.filter(
        purchasing_system_id=system_id, state=MembershipState.ACTIVE
    ).values("provider_id")
    by_lot: dict[int, dict[int, list[Offer]]] = defaultdict(lambda: defaultdict(list))
    rows = SettingLot.objects.filter(
        approved_at__isnull=False,
        setting__provider_id__in=active,
        setting__withdrawn_at__isnull=True,
    ).values_list(
        "lot_id",
        "setting__provider_id",
        "setting_id",
        "weekly_price",
        "setting__current_band",
        "setting__current_band_summary",
        "setting__current_band_as_at",
    )
    for lot_id, provider_id, setting_id, price, band, summary, as_at in rows.order_by("id"):
        by_lot[lot_id][provider_id].append(
            Offer(provider_id, setting_id, price, band or "", summary, as_at)
        )
    for providers in by_lot.values():
        for offers in providers.values():
            offers.sort(key=lambda o: o.band != "pass")  # a provider bids its best setting first
    return by_lot
