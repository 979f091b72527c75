"""Who and what the referrals demo builds on: the FPS, its lots, the two placing authorities and
the demo sign-ins that act in it, and one moment ("now") every date is measured from, so an
open referral's deadline is always ahead of whoever loads the demo."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from fps_portal.accounts.models import Organisation, OrganisationKind, User
from providers.models import Lot, PurchasingSystem

SYSTEM_NAME = "North West SEND Flexible Purchasing System"


@dataclass
class World:
    now: datetime.datetime
    system: PurchasingSystem
    lots: dict[str, Lot]
    sefton: Organisation
    blackpool: Organisation
    _users: dict[str, User] = field(default_factory=dict)

    def user(self, email: str) -> User:
        if email not in self._users:
            self._users[email] = User.objects.get(email=email)
        return self._users[email]

    @property
    def sefton_commissioner(self) -> User:
        return self.user("placements@sefton.example")

    @property
    def sefton_dcs(self) -> User:
        return self.user("dcs@sefton.example")

    @property
    def blackpool_commissioner(self) -> User:
        return self.user("placements@blackpool.example")

    @property
    def oakfield_user(self) -> User:
        return self.user("bids@oakfield.example")


def world_now() -> World:
    system = PurchasingSystem.objects.get(name=SYSTEM_NAME)
    authorities = Organisation.objects.filter(kind=OrganisationKind.AUTHORITY)
    return World(
        now=timezone.now().replace(minute=0, second=0, microsecond=0),
        system=system,
        lots={lot.code: lot for lot in Lot.objects.filter(purchasing_system=system)},
        sefton=authorities.get(name="Sefton"),
        blackpool=authorities.get(name="Blackpool"),
    )
