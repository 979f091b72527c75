"""The North West FPS with the lots of the 2020 report and, added later, the 2025 lots."""

from __future__ import annotations

import datetime

from fps_portal.accounts.models import Organisation
from providers.models import Lot, PurchasingSystem

LOTS_2020 = [
    ("1", "52-week placements", True),
    ("2", "38-week placements", True),
    ("3", "Day placements", False),
    ("4", "Innovation", False),
]
LOTS_2025 = [
    ("A1", "0-16 day placements", False),
    ("A2", "0-16 38-week residential", True),
    ("A3", "0-16 52-week residential", True),
    ("B1", "16+ day placements", False),
    ("B2", "16+ residential", True),
    ("C1", "Alternative provision (registered)", False),
    ("C2", "Alternative provision (unregistered)", False),
]


def load_fps() -> PurchasingSystem:
    lead = Organisation.objects.get(kind="authority", is_lead=True)
    system, _ = PurchasingSystem.objects.get_or_create(
        name="North West SEND Flexible Purchasing System",
        defaults={
            "term_start": datetime.date(2021, 4, 1),
            "term_end": datetime.date(2031, 3, 31),
            "lead_authority": lead,
        },
    )
    for order, (code, name, residential) in enumerate(LOTS_2020, start=1):
        Lot.objects.get_or_create(
            purchasing_system=system,
            code=code,
            defaults={
                "name": name,
                "starts_on": datetime.date(2021, 4, 1),
                "is_residential": residential,
                "display_order": order,
            },
        )
    for order, (code, name, residential) in enumerate(LOTS_2025, start=10):
        Lot.objects.get_or_create(
            purchasing_system=system,
            code=code,
            defaults={
                "name": name,
                "starts_on": datetime.date(2025, 9, 1),
                "is_residential": residential,
                "display_order": order,
            },
        )
    return system
