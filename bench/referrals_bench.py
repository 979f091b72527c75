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
import re
import sys
import time
from collections.abc import Callable
from html import unescape
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fps_portal.settings.test")

from bench.search_bench import (
    DEEP_PAGE_RATIO,
    P95_TARGET_MS,
    BenchError,
    bare,
    ensure_database,
    measure,
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
ANCHOR = re.compile(r"<a\s[^>]*>")
HREF = re.compile(r'href="([^"]+)"')

if TYPE_CHECKING:
    from fps_portal.accounts.models import Organisation

urlpatterns: list[object] = []


def _urlpatterns() -> list[object]:
    from django.urls import include, path

    return [path("bench/bare/", bare), path("", include("fps_portal.urls"))]


def page_url(name: str) -> str | None:
    """The page's path, or None while no route has that name."""
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def api_resolves(path: str) -> bool:
    from django.urls import Resolver404, resolve

    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def next_of_page(html: str) -> str | None:
    """The href of the page's rel="next" link (GOV.UK pagination marks its Next link so)."""
    for tag in ANCHOR.findall(html):
        if 'rel="next"' in tag and (href := HREF.search(tag)):
            return unescape(href.group(1))
    return None


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
    from django.test.utils import CaptureQueriesContext, override_settings

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

    failures: list[str] = []
    skipped: list[str] = []
    with override_settings(ROOT_URLCONF=__name__, ALLOWED_HOSTS=["*"], DEBUG=False):
        settings.CELERY_TASK_ALWAYS_EAGER = True
        clients = {"commissioner": Client(), "provider": Client()}
        for who, user in (("commissioner", commissioner), ("provider", bidder)):
            clients[who].force_login(user)
            past_the_second_factor(clients[who], user)

        def get(who: str, url: str, params: dict[str, str] | None = None) -> Callable[[], object]:
            client = clients[who]

            def call() -> object:
                response = client.get(url, params or {})
                if response.status_code != 200:
                    raise BenchError(f"GET {url} {params or {}} answered {response.status_code}")
                return response

            return call

        def queries(call: Callable[[], object]) -> int:
            with CaptureQueriesContext(connection) as ctx:
                call()
            return len(ctx.captured_queries)

        def last_page(who: str, url: str, api: bool) -> tuple[str, int]:
            """The last page's URL, following each page's "next" to the end."""
            client, pages, current = clients[who], 1, f"{url}?page_size=50"
            while True:
                response = client.get(current)
                if response.status_code != 200:
                    raise BenchError(f"GET {current} answered {response.status_code}")
                following = (
                    response.json().get("next") if api else next_of_page(response.content.decode())
                )
                if not following:
                    return current, pages
                parsed = urlparse(following)
                current = f"{parsed.path or url}?{parsed.query}"
                pages += 1

        cases: list[tuple[str, Callable[[], object]]] = [
            ("bare view, one trivial query", get("commissioner", "/bench/bare/"))
        ]
        firsts: list[tuple[str, str, str]] = []  # (what, first label, deep label)
        counted: list[tuple[str, str, str, dict[str, str]]] = []
        lists = [
            ("page: referral list", "commissioner", PAGES["referrals"], False),
            ("page: invitation list", "provider", PAGES["invitations"], False),
            ("api: referrals", "commissioner", API["referrals"], True),
            ("api: invitations", "provider", API["invitations"], True),
        ]
        for label, who, name, api in lists:
            url = (name if api_resolves(name) else None) if api else page_url(name)
            if url is None:
                skipped.append(f"{label}: {name} does not resolve yet (no route by that name)")
                continue
            try:
                deep_url, pages = last_page(who, url, api)
            except BenchError as exc:
                failures.append(f"{label}: {exc}")
                continue
            first_label, deep_label = f"{label}, first page (50)", f"{label}, deep page ({pages})"
            cases += [
                (first_label, get(who, url, {"page_size": "50"})),
                (deep_label, get(who, deep_url)),
            ]
            firsts.append((label, first_label, deep_label))
            counted.append((label, who, url, {}))
            if label.endswith("referral list") or label == "api: referrals":
                for name, params in filters.items():
                    cases.append((f"{label}, filter {name}", get(who, url, params)))
                both = " and ".join(COMBINED)
                cases.append((f"{label}, {both}", get(who, url, combined(filters))))
                counted.append((f"{label}, state", who, url, filters["state"]))
            if label.endswith("referral list"):
                # The page's filter form must offer each parameter the cases send.
                form = clients[who].get(url).content.decode()
                missing = [n for n in filters if f'name="{n}"' not in form]
                if missing:
                    failures.append(f"{label}: the filter form has no field {missing}")
            if label == "api: referrals":

                def api_rows(params: dict[str, str], at: str = str(url)) -> list[dict[str, object]]:
                    answer = clients["commissioner"].get(at, {**params, "page_size": "50"})
                    return list(answer.json()["results"])

                failures += [f"{label}, {p}" for p in filter_problems(api_rows, filters)]

        if len(cases) == 1:
            print("\nNo referral or invitation list resolves yet; nothing to measure.")
        else:
            counts: dict[str, int] = {}
            for label, call in cases:
                try:
                    counts[label] = queries(call)
                except BenchError as exc:
                    failures.append(f"{label}: {exc}")
            timings = measure([(label, call) for label, call in cases if label in counts])
            bare_p50 = timings.get("bare view, one trivial query", (float("nan"), 0))[0]
            print(f"\n{'list':56} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'x bare':>7}")
            print("-" * 91)
            for label, (p50, p95) in timings.items():
                print(f"{label:56} {p50:8.1f} {p95:8.1f} {counts[label]:8d} {p50 / bare_p50:7.1f}")
                if not label.startswith("bare") and not p95 < P95_TARGET_MS:
                    failures.append(f"{label}: p95 {p95:.1f} ms >= {P95_TARGET_MS} ms")
            lines = []
            for label, who, url, params in counted:
                try:
                    q1 = queries(get(who, url, {**params, "page_size": "1"}))
                    q50 = queries(get(who, url, {**params, "page_size": "50"}))
                except BenchError as exc:
                    failures.append(f"query count, {label}: {exc}")
                    continue
                lines.append(f"{label}: {q1} at 1 row, {q50} at 50")
                if q1 != q50:
                    failures.append(f"{label}: the query count grows with the rows")
            print("\nQuery count: " + "; ".join(lines))
            for label, first_label, deep_label in firsts:
                if first_label in timings and deep_label in timings:
                    ratio = timings[deep_label][1] / timings[first_label][1]
                    print(f"Deep / first page, {label} (p95): {ratio:.2f} (<= {DEEP_PAGE_RATIO})")
                    if not ratio <= DEEP_PAGE_RATIO:
                        failures.append(f"{label}: the deep page is {ratio:.2f} times the first")
    if skipped:
        print("\nSKIPPED (the list is not built yet):\n  " + "\n  ".join(skipped))
    if failures:
        print("\nMISSED TARGETS:\n  " + "\n  ".join(failures))
        return 1
    print("\nAll targets met for the lists that exist.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
