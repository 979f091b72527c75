"""Referral and invitation lists at regional scale: p50/p95 server time and query counts on
PostgreSQL, with the large data set's ten years of referrals (`make bench` runs it after the
search benchmark; the same database, built on first use).

The cases: the commissioner's referral list (no filter, each filter, filters combined, a deep
page), a provider's invitation list (first and deep page), and the API's `referrals/` and
`invitations/` lists (first and deep page). The targets are the search's: every p95 < 50 ms, the
same query count at 1 row and at 50, a deep page no slower than 1.5 times the first.

Each list is measured only once its route exists: a page by its URL name
(`referrals:referral-list`, `referrals:invitation-list`), an API list by its path. While one does
not resolve, its cases are reported as skipped, with the reason, and count as no failure.
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

#: The referral list's filters, by the query parameters both lists take: the page's filter form
#: (`referrals.views.referrals_forms.ReferralFilterForm`) and the API's filterset
#: (`referrals.api.referrals.ReferralFilterSet`) name them alike (a test holds the three
#: together). `lot` and `child` are ids, so `referral_filters` takes them from the data.
REFERRAL_FILTERS: dict[str, dict[str, str]] = {
    "state": {"state": "open"},
    "route": {"route": "direct_award"},
    "lot": {"lot": ""},
    "deadline": {"deadline": "week"},
    "child": {"child": ""},
}
#: Two filters at once (a lot chosen among the open referrals', so the pair finds some).
COMBINED = ("state", "lot")
PAGES = {"referrals": "referrals:referral-list", "invitations": "referrals:invitation-list"}
API = {"referrals": "/api/v1/referrals/", "invitations": "/api/v1/invitations/"}
#: An anchor tag, and its href: the pagination's "next" link is the one with rel="next".

if TYPE_CHECKING:
    from fps_portal.accounts.models import Organisation

urlpatterns: list[object] = []


def _urlpatterns() -> list[object]:
    from django.urls import include, path

    return [path("bench/bare/", bare), path("", include("fps_portal.urls"))]


def api_resolves(path: str) -> bool:
    from django.urls import Resolver404, resolve

    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def busiest() -> tuple[Organisation, Organisation]:
    """The authority with the most referrals and the provider with the most invitations: their
    lists have the deepest pages."""
    from django.db.models import Count

    from fps_portal.accounts.models import Organisation

    authority = (
        Organisation.objects.filter(kind="authority")
        .annotate(n=Count("referrals"))
        .order_by("-n", "name")
        .first()
    )
    provider = (
        Organisation.objects.filter(kind="provider")
        .annotate(n=Count("referral_invitations"))
        .order_by("-n", "name")
        .first()
    )
    assert authority is not None and provider is not None
    return authority, provider


def referral_filters(authority: Organisation) -> dict[str, dict[str, str]]:
    """REFERRAL_FILTERS with the authority's own ids: the lot most of its open referrals are on
    (so state and lot together find rows) and the child with the most referrals."""
    from django.db.models import Count

    from referrals.models import Referral

    mine = Referral.objects.filter(authority=authority)
    state = REFERRAL_FILTERS["state"]["state"]
    lot = (
        mine.filter(state=state)
        .values("lot_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "lot_id")
        .first()
    )
    child = (
        mine.exclude(child=None)
        .values("child_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "child_id")
        .first()
    )
    if lot is None or child is None:
        raise BenchError(f"{authority} has no {state} referral or no child referred")
    filters = {name: dict(params) for name, params in REFERRAL_FILTERS.items()}
    filters["lot"]["lot"] = str(lot["lot_id"])
    filters["child"]["child"] = str(child["child_id"])
    return filters


def combined(filters: dict[str, dict[str, str]]) -> dict[str, str]:
    return {k: v for name in COMBINED for k, v in filters[name].items()}


def _row_matches(name: str, value: str, row: dict[str, object]) -> bool:
    """Whether an API row of `referrals/` satisfies one filter."""
    import datetime

    from django.utils import timezone

    if name == "deadline":
        deadline = row.get("response_deadline")
        if not isinstance(deadline, str):
            return False
        now, at = timezone.now(), datetime.datetime.fromisoformat(deadline)
        if value == "today":
            return timezone.localtime(at).date() == timezone.localdate()
        if value == "week":
            return now <= at < now + datetime.timedelta(days=7)
        return at < now  # "passed"
    return str(row.get(name)) == value


def filter_problems(
    rows_for: Callable[[dict[str, str]], list[dict[str, object]]],
    filters: dict[str, dict[str, str]],
) -> list[str]:
    """What is wrong with the filter cases, read through the API list (`rows_for(params)` gives
    a page's rows): each must find rows, every row must satisfy it, and no two cases (nor a case
    and no filter at all) may give the same rows, or the bench measures no filtering."""
    problems: list[str] = []
    unfiltered = frozenset(row["id"] for row in rows_for({}))
    seen: dict[str, frozenset[object]] = {"no filter": unfiltered}
    cases = {**{f"filter {n}": p for n, p in filters.items()}, "combined": combined(filters)}
    for label, params in cases.items():
        rows = rows_for(params)
        if not rows:
            problems.append(f"{label} {params}: no rows")
            continue
        wrong = [
            row["id"] for row in rows for k, v in params.items() if not _row_matches(k, v, row)
        ]
        if wrong:
            problems.append(f"{label} {params}: rows {wrong[:5]} do not satisfy it")
        ids = frozenset(row["id"] for row in rows)
        same = [other for other, earlier in seen.items() if earlier == ids]
        if same:
            problems.append(f"{label} {params}: the same rows as {same[0]}")
        seen[label] = ids
    return problems


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
    from demo.large import build_large_demo, large_demo_exists
    from demo.large_referrals import build_large_referrals, large_referrals_exist
    from demo.people import load_people
    from fps_portal.accounts.models import Membership, Role, User
    from referrals.models import Invitation, Referral, Response

    if not large_demo_exists():
        started = time.monotonic()
        load_people()
        print(f"Built the large data set {build_large_demo()} in {time.monotonic() - started:.1f}s")
    if not large_referrals_exist():
        started = time.monotonic()
        made = build_large_referrals()
        print(f"Built ten years of referrals {made} in {time.monotonic() - started:.1f}s")
    authority, provider = busiest()
    filters = referral_filters(authority)
    commissioner, _ = User.objects.get_or_create(
        email="bench.referrals@commissioner.example", defaults={"full_name": "Bench Commissioner"}
    )
    Membership.objects.get_or_create(
        user=commissioner, organisation=authority, role=Role.COMMISSIONER
    )
    bidder, _ = User.objects.get_or_create(
        email="bench.referrals@provider.example", defaults={"full_name": "Bench Bid Writer"}
    )
    Membership.objects.get_or_create(user=bidder, organisation=provider, role=Role.PROVIDER_USER)
    print(
        f"Referrals: {Referral.objects.count()}; invitations: {Invitation.objects.count()}; "
        f"responses: {Response.objects.count()}; commissioner at {authority} "
        f"({Referral.objects.filter(authority=authority).count()} referrals); provider {provider} "
        f"({Invitation.objects.filter(provider=provider).count()} invitations); "
        f"database: {connection.vendor} {connection.settings_dict['NAME']}"
    )

    with override_settings(ROOT_URLCONF=__name__, ALLOWED_HOSTS=["*"], DEBUG=False):
        settings.CELERY_TASK_ALWAYS_EAGER = True
        clients = {"commissioner": Client(), "provider": Client()}
        for who, user in (("commissioner", commissioner), ("provider", bidder)):
            clients[who].force_login(user)
            past_the_second_factor(clients[who], user)

        gets = {who: getter(client) for who, client in clients.items()}
        lists = ListCases(bare=gets["commissioner"]("/bench/bare/"))
        for label, who, name, api in (
            ("page: referral list", "commissioner", PAGES["referrals"], False),
            ("page: invitation list", "provider", PAGES["invitations"], False),
            ("api: referrals", "commissioner", API["referrals"], True),
            ("api: invitations", "provider", API["invitations"], True),
        ):
            url = (name if api_resolves(name) else None) if api else page_url(name)
            if url is None:
                lists.not_yet(label, name)
                continue
            get = gets[who]
            lists.add_list(label, get, url, clients[who], api)
            if label.endswith("referral list") or label == "api: referrals":
                for filter_name, params in filters.items():
                    lists.cases.append((f"{label}, filter {filter_name}", get(url, params)))
                both = " and ".join(COMBINED)
                lists.cases.append((f"{label}, {both}", get(url, combined(filters))))
                lists.count(f"{label}, state", get, url, **filters["state"])
            if label.endswith("referral list"):
                # The page's filter form must offer each parameter the cases send.
                form = clients[who].get(url).content.decode()
                missing = [n for n in filters if f'name="{n}"' not in form]
                if missing:
                    lists.failures.append(f"{label}: the filter form has no field {missing}")
            if label == "api: referrals":

                def api_rows(params: dict[str, str], at: str = str(url)) -> list[dict[str, object]]:
                    answer = clients["commissioner"].get(at, {**params, "page_size": "50"})
                    return list(answer.json()["results"])

                lists.failures += [f"{label}, {p}" for p in filter_problems(api_rows, filters)]
        return report(
            lists, nothing="No referral or invitation list resolves yet; nothing to measure."
        )


if __name__ == "__main__":
    sys.exit(main())
