"""The placements list at regional scale: p50/p95 server time and query counts on PostgreSQL, with
the large data set's 20,000 Individual Placement Agreements (`make bench` runs it after the
referral lists; the same database, built on first use).

The cases, each measured against the bare view in the same run (the "x bare" column): the
commissioner's placements page (`contracts:placements`) for the authority with the most
placements, its first page, its last page and a filter (active placements); and the API's
`placements/` list (`placement-list`) for the same commissioner, first page, last page and the
same filter. The targets are the other lists': every p95 < 50 ms, the same query count at 1 row
and at 50, a deep page no slower than 1.5 times the first.

Each list is measured only once its route exists (the page by its URL name, the API list by its
name): while one does not resolve, its cases are reported as skipped, with the reason, and count
as no failure.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fps_portal.settings.test")

from bench.lists import ListCases, getter, page_url, report
from bench.search_bench import (
    BenchError,
    bare,
    ensure_database,
    past_the_second_factor,
)

if TYPE_CHECKING:
    from fps_portal.accounts.models import Organisation

PAGE = "contracts:placements"
API = "placement-list"
#: The filter both the page's form and the API's filterset take (plist, issue 12: "filters
#: (state, setting, ending within N days, variation pending)").
FILTER = {"state": "active"}

urlpatterns: list[object] = []


def _urlpatterns() -> list[object]:
    from django.urls import include, path

    return [path("bench/bare/", bare), path("", include("fps_portal.urls"))]


def ensure_large_data() -> None:
    """The large data set, its referrals and its agreements, each built if missing."""
    from demo.large import build_large_demo, large_demo_exists
    from demo.large_contracts import build_large_contracts, large_contracts_exist
    from demo.large_referrals import build_large_referrals, large_referrals_exist
    from demo.people import load_people

    def directory() -> dict[str, int]:
        load_people()
        return build_large_demo()

    steps: list[tuple[str, Callable[[], bool], Callable[[], dict[str, int]]]] = [
        ("the large data set", large_demo_exists, directory),
        ("ten years of referrals", large_referrals_exist, build_large_referrals),
        ("20,000 agreements", large_contracts_exist, build_large_contracts),
    ]
    for what, exists, build in steps:
        if not exists():
            started = time.monotonic()
            made = build()
            print(f"Built {what} {made} in {time.monotonic() - started:.1f}s")


def busiest_authority() -> Organisation:
    """The authority with the most agreements: its placements list has the deepest pages."""
    from django.db.models import Count

    from contracts.models import Agreement
    from fps_portal.accounts.models import Organisation

    top = (
        Agreement.objects.values("authority_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "authority_id")
        .first()
    )
    if top is None:
        raise BenchError("There are no agreements to list")
    return Organisation.objects.get(pk=top["authority_id"])


def main() -> int:
    ensure_database()
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings

    global urlpatterns
    urlpatterns = _urlpatterns()

    call_command("migrate", verbosity=0, interactive=False)
    ensure_large_data()
    from contracts.models import Agreement, AgreementState, AgreementVersion
    from fps_portal.accounts.models import Membership, Role, User

    authority = busiest_authority()
    commissioner, _ = User.objects.get_or_create(
        email="bench.contracts@commissioner.example", defaults={"full_name": "Bench Commissioner"}
    )
    Membership.objects.get_or_create(
        user=commissioner, organisation=authority, role=Role.COMMISSIONER
    )
    mine = Agreement.objects.filter(authority=authority)
    print(
        f"Agreements: {Agreement.objects.count()}; versions: {AgreementVersion.objects.count()}; "
        f"commissioner at {authority} ({mine.count()} agreements, "
        f"{mine.filter(state=AgreementState.ACTIVE).count()} active); "
        f"database: {connection.vendor} {connection.settings_dict['NAME']}"
    )

    with override_settings(ROOT_URLCONF=__name__, ALLOWED_HOSTS=["*"], DEBUG=False):
        settings.CELERY_TASK_ALWAYS_EAGER = True
        client = Client()
        client.force_login(commissioner)
        past_the_second_factor(client, commissioner)
        get = getter(client)
        lists = ListCases(bare=get("/bench/bare/"))
        for label, name, api in (("page: placements", PAGE, False), ("api: placements", API, True)):
            url = page_url(name)  # the API list's name reverses as the page's does
            if url is None:
                lists.not_yet(label, name)
                continue
            lists.add_list(label, get, url, client, api)
            lists.cases.append(
                (f"{label}, filter state=active", get(url, {**FILTER, "page_size": "50"}))
            )
            lists.count(f"{label}, state", get, url, **FILTER)
            if not api:
                form = client.get(url).content.decode()
                missing = [n for n in FILTER if f'name="{n}"' not in form]
                if missing:
                    lists.failures.append(f"{label}: the filter form has no field {missing}")
            else:
                rows = client.get(url, {**FILTER, "page_size": "50"}).json()["results"]
                wrong = [r.get("id") for r in rows if r.get("state", "active") != FILTER["state"]]
                if not rows or wrong:
                    lists.failures.append(
                        f"{label}: filter {FILTER} gave {len(rows)} rows, {wrong[:5]}"
                    )
        return report(lists, nothing="No placements list resolves yet; nothing to measure.")


if __name__ == "__main__":
    sys.exit(main())
