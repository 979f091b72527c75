"""The quarterly monitoring list at regional scale: p50/p95 server time and query counts on
PostgreSQL, with the large data set's 20,000 Individual Placement Agreements asked for their
monitoring returns over four quarters (`make bench` runs it after the placements list; the same
database, built on first use; the returns are asked for through beat's own service).

The cases, each measured against the bare view in the same run (the "x bare" column): the QA
officer's monitoring list (`quality:monitoring-return-list`) for the authority with the most
placements, its first page, its last page and a filter (returns still with the provider); and
the API's `monitoring-returns/` list (`monitoring-return-list`) for the same officer, first page,
last page and the same filter. The targets are the other lists': every p95 < 50 ms, the same
query count at 1 row and at 50, a deep page no slower than 1.5 times the first.

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
from bench.referrals_bench import past_the_second_factor
from bench.search_bench import (
    BenchError,
    bare,
    ensure_database,
)

if TYPE_CHECKING:
    from fps_portal.accounts.models import Organisation

PAGE = "quality:monitoring-return-list"
API = "monitoring-return-list"
#: The filter both the page's links and the API's filterset take: returns still with the provider
#: (the page's "with_provider" is the API's "open" plus "returned"; the API's is one state).
FILTER = {"state": "open"}
PAGE_FILTER = {"state": "with_provider"}
#: The quarters asked for: the last four, so each provider has several returns to list.
QUARTERS = 4

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
    ensure_returns()


def ensure_returns() -> None:
    """The last QUARTERS quarters' returns, asked for by beat's service (idempotent: a second
    run asks for nothing). The agreements' start dates are moved nowhere: a quarter before an
    agreement started simply does not ask about it."""
    import datetime

    from django.utils import timezone

    from quality.services.monitoring_rounds import monitoring_requests_send, quarter_containing

    day = timezone.localdate()
    started = time.monotonic()
    asked = 0
    for _ in range(QUARTERS):
        asked += monitoring_requests_send(today=day)
        start, _end = quarter_containing(day)
        day = start - datetime.timedelta(days=1)
    if asked:
        print(f"Asked for {asked} monitoring returns in {time.monotonic() - started:.1f}s")


def busiest_authority() -> Organisation:
    """The authority with the most agreements: its monitoring list has the deepest pages."""
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
    from quality.models import MonitoringReturn, PlacementReturn

    officer, _ = User.objects.get_or_create(
        email="bench.monitoring@qa.example", defaults={"full_name": "Bench QA Officer"}
    )
    Membership.objects.get_or_create(user=officer, organisation=authority, role=Role.QA_OFFICER)
    mine = Agreement.objects.filter(authority=authority)
    theirs = MonitoringReturn.objects.filter(placements__authority=authority).distinct()
    print(
        f"Agreements: {Agreement.objects.count()}; versions: {AgreementVersion.objects.count()}; "
        f"returns: {MonitoringReturn.objects.count()} "
        f"({PlacementReturn.objects.count()} placement rows); "
        f"QA officer at {authority} ({mine.filter(state=AgreementState.ACTIVE).count()} active "
        f"agreements, {theirs.count()} returns); "
        f"database: {connection.vendor} {connection.settings_dict['NAME']}"
    )

    with override_settings(ROOT_URLCONF=__name__, ALLOWED_HOSTS=["*"], DEBUG=False):
        settings.CELERY_TASK_ALWAYS_EAGER = True
        client = Client()
        client.force_login(officer)
        past_the_second_factor(client, officer)
        get = getter(client)
        lists = ListCases(bare=get("/bench/bare/"))
        for label, name, api in (("page: monitoring", PAGE, False), ("api: monitoring", API, True)):
            chosen = FILTER if api else PAGE_FILTER
            url = page_url(name)  # the API list's name reverses as the page's does
            if url is None:
                lists.not_yet(label, name)
                continue
            lists.add_list(label, get, url, client, api)
            lists.cases.append(
                (f"{label}, filter {chosen}", get(url, {**chosen, "page_size": "50"}))
            )
            lists.count(f"{label}, state", get, url, **chosen)
            if api:
                rows = client.get(url, {**FILTER, "page_size": "50"}).json()["results"]
                wrong = [r.get("id") for r in rows if r.get("state", "active") != FILTER["state"]]
                if not rows or wrong:
                    lists.failures.append(
                        f"{label}: filter {FILTER} gave {len(rows)} rows, {wrong[:5]}"
                    )
        return report(lists, nothing="No monitoring list resolves yet; nothing to measure.")


if __name__ == "__main__":
    sys.exit(main())
