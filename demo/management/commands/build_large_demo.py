"""manage.py build_large_demo: the regional-scale data set (600 providers, 2,000 settings), ten
years of referrals on it (50,000 referrals, about 200,000 invitations and 60,000 responses), and
the Orders and Individual Placement Agreements of the newest 20,000 awards."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from demo.guard import DemoDataNotAllowed, require_demo_data_allowed
from demo.large import build_large_demo, large_demo_exists
from demo.large_contracts import build_large_contracts, large_contracts_exist
from demo.large_referrals import build_large_referrals, large_referrals_exist
from demo.people import load_people


class Command(BaseCommand):
    help = (
        "Build 600 providers and 2,000 North West settings with prices and inspection "
        "histories, then ten years of referrals, invitations and responses across 24 authorities, "
        "then 20,000 placement agreements with their versions."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--providers", type=int, default=600)
        parser.add_argument("--setting-count", type=int, default=2000)
        parser.add_argument("--referrals", type=int, default=50_000, help="0: none")
        parser.add_argument("--years", type=int, default=10)
        parser.add_argument("--agreements", type=int, default=20_000, help="0: none")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            require_demo_data_allowed()
        except DemoDataNotAllowed as refused:
            raise CommandError(str(refused)) from refused
        if large_demo_exists():
            self.stdout.write("The large demo data set is already there.")
        else:
            started = time.monotonic()
            load_people()
            made = build_large_demo(
                providers=options["providers"],
                settings=options["setting_count"],
                seed=options["seed"],
            )
            self.stdout.write(f"Built {made} in {time.monotonic() - started:.1f}s.")
        if options["referrals"] <= 0:
            return
        if large_referrals_exist():
            self.stdout.write("The large set's referrals are already there.")
        else:
            started = time.monotonic()
            made = build_large_referrals(
                referrals=options["referrals"], years=options["years"], seed=options["seed"]
            )
            self.stdout.write(f"Built {made} in {time.monotonic() - started:.1f}s.")
        if options["agreements"] <= 0:
            return
        if large_contracts_exist():
            self.stdout.write("The large set's agreements are already there.")
            return
        started = time.monotonic()
        made = build_large_contracts(agreements=options["agreements"], seed=options["seed"])
        self.stdout.write(f"Built {made} in {time.monotonic() - started:.1f}s.")
