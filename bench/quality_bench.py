"""The QA visit programme at regional scale: p50/p95 server time and query counts on PostgreSQL,
with the large data set's 20,000 Individual Placement Agreements (`make bench` runs it after the
placements; the same database, built on first use by `contracts_bench.ensure_large_data`).

The case: the risk-ordered visit programme (`quality:visit-programme`) for a QA officer of the
authority with the most active placements, measured against the bare view in the same run (the
"x bare" column). The programme is not paginated (every setting where the authority has
children placed now, riskiest first), so "flat" is checked across authorities: the busiest
authority's page makes as many queries as the authority with the fewest active placements. The
target is the other lists': p95 < 50 ms.

While the route does not resolve, the case is reported as skipped and counts as no failure.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fps_portal.settings.test")

from bench.contracts_bench import ensure_large_data
from bench.lists import BARE, finish, getter, page_url, queries, table
from bench.referrals_bench import past_the_second_factor
from bench.search_bench import BenchError, bare, ensure_database, measure

if TYPE_CHECKING:
    from fps_portal.accounts.models import Organisation, User

PAGE = "quality:visit-programme"

urlpatterns: list[object] = []


def _urlpatterns() -> list[object]:
    from django.urls import include, path

    return [path("bench/bare/", bare), path("", include("fps_portal.urls"))]


def authorities_by_active_placements() -> list[Organisation]:
    """The authorities with active placements, the most first (ties by id)."""
    from django.db.models import Count

    from contracts.models import Agreement, AgreementState
    from fps_portal.accounts.models import Organisation

    rows = (
        Agreement.objects.filter(state=AgreementState.ACTIVE, setting__isnull=False)
        .values("authority_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "authority_id")
    )
    ids = [row["authority_id"] for row in rows]
    if not ids:
        raise BenchError("There are no active placements to programme visits for")
    found = Organisation.objects.in_bulk(ids)
    return [found[pk] for pk in ids]


def qa_officer(authority: Organisation) -> User:
    from fps_portal.accounts.models import Membership, Role, User

    user, _ = User.objects.get_or_create(
        email=f"bench.qa.{authority.pk}@qa.example", defaults={"full_name": "Bench QA Officer"}
    )
    Membership.objects.get_or_create(user=user, organisation=authority, role=Role.QA_OFFICER)
    return user


def main() -> int:
    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings

    global urlpatterns
    urlpatterns = _urlpatterns()

    call_command("migrate", verbosity=0, interactive=False)
    ensure_large_data()
    from quality.selectors.visits import programme_setting_ids

    failures: list[str] = []
    url = page_url(PAGE)
    if url is None:
        print(f"\nSKIPPED: {PAGE} does not resolve yet (no route by that name)")
        return 0
    ranked = authorities_by_active_placements()
    busiest, quietest = ranked[0], ranked[-1]
    with override_settings(ROOT_URLCONF=__name__, ALLOWED_HOSTS=["*"], DEBUG=False):
        clients = {}
        for authority in (busiest, quietest):
            user = qa_officer(authority)
            client = Client()
            client.force_login(user)
            past_the_second_factor(client, user)
            clients[authority.pk] = client

        from fps_portal.actors import actor_for_user

        settings_count = len(programme_setting_ids(actor_for_user(qa_officer(busiest))))  # type: ignore[arg-type]
        label = f"page: visit programme, {busiest} ({settings_count} settings)"
        print(f"QA officer at {busiest}; database: {connection.vendor}")
        cases = [
            (BARE, getter(clients[busiest.pk])("/bench/bare/")),
            (label, getter(clients[busiest.pk])(url)),
        ]
        counts = {name: queries(call) for name, call in cases}
        timings = measure(cases)
        table(timings, counts, failures)
        few = queries(getter(clients[quietest.pk])(url))
        many = counts[label]
        print(f"\nQuery count: {many} for {busiest}, {few} for {quietest} (fewest placements)")
        if few != many:
            failures.append("the programme's query count grows with the settings")
    return finish(failures)


if __name__ == "__main__":
    sys.exit(main())
